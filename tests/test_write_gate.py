"""The SQLite write gate (web.wiring.db.write_gate): one writer at a time across the threads of a
worker and across processes, each thread keeping its lock file open."""
import multiprocessing
import threading

from web.wiring.db import write_gate

HOLD_S = 0.3


def _hold(url: str, entered, leave) -> None:
    with write_gate(url)():
        entered.set()
        leave.wait(10)


def test_threads_of_one_process_take_turns(tmp_path):
    gate = write_gate(f"sqlite:///{tmp_path / 's4c.db'}")
    inside, leave, second_in = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with gate():
            inside.set()
            leave.wait(10)

    def second() -> None:
        inside.wait(10)
        with gate():
            second_in.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    try:
        assert inside.wait(10)
        assert not second_in.wait(HOLD_S)  # the first thread holds it
        leave.set()
        assert second_in.wait(10)
    finally:
        leave.set()
        for t in threads:
            t.join(10)


def test_another_process_waits_for_the_gate(tmp_path):
    url = f"sqlite:///{tmp_path / 's4c.db'}"
    context = multiprocessing.get_context("fork")
    entered, leave = context.Event(), context.Event()
    holder = context.Process(target=_hold, args=(url, entered, leave))
    holder.start()
    try:
        assert entered.wait(10)
        gate, got_in = write_gate(url), threading.Event()

        def enter() -> None:
            with gate():
                got_in.set()
        waiter = threading.Thread(target=enter, daemon=True)
        waiter.start()
        assert not got_in.wait(HOLD_S)  # the other process holds it
        leave.set()
        assert got_in.wait(10)
    finally:
        leave.set()
        holder.join(10)


def test_a_forked_child_does_not_share_its_parents_lock(tmp_path):
    url = f"sqlite:///{tmp_path / 's4c.db'}"
    gate = write_gate(url)
    with gate():  # the parent's thread now keeps its lock file open
        pass
    context = multiprocessing.get_context("fork")
    entered, leave = context.Event(), context.Event()

    def child() -> None:  # the same gate, inherited: it must open its own lock file
        with gate():
            entered.set()
            leave.wait(10)
    process = context.Process(target=child)
    with gate():
        process.start()
        try:
            assert not entered.wait(HOLD_S)  # the parent holds it: the child waits
        finally:
            leave.set()
    assert entered.wait(10)
    process.join(10)
