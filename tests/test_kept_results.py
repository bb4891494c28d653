"""Results the employer's page keeps (verifier.kept_results): found only by their random id,
gone after their time, bounded in number, shared by every worker through the database, and
the e-mail comparison limited per result."""
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from verifier.kept_results import MAX_EMAIL_ATTEMPTS, KeptResults
from web.wiring.db import make_engine, upgrade

HASHES = (("sha256$" + "ab" * 32, "salt"),)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    upgrade(url)  # the real migrations, v0002 included
    return url


def test_a_kept_result_is_found_by_its_id_from_another_process_s_store(url):
    first, second = KeptResults(make_engine(url)), KeptResults(make_engine(url))
    result_id = first.keep({"report": {"verdict": "valid"}}, HASHES)
    assert len(result_id) == 32
    assert second.get(result_id) == {"report": {"verdict": "valid"}}  # another worker
    assert first.keep({"x": 1}, ()) != result_id


@pytest.mark.parametrize("bad", ["", "x", "../../etc/passwd", "A" * 31, "A" * 33,
                                 "' OR 1=1 --AAAAAAAAAAAAAAAAAAAAAA"])
def test_a_malformed_or_unknown_id_finds_nothing(url, bad):
    store = KeptResults(make_engine(url))
    store.keep({"x": 1}, HASHES)
    assert store.get(bad) is None and store.email_hashes(bad) is None
    assert store.get("A" * 32) is None


def test_a_result_expires_and_expired_rows_are_deleted(url):
    clock = Clock()
    store = KeptResults(make_engine(url), ttl=timedelta(hours=1), clock=clock)
    old = store.keep({"n": 1}, HASHES)
    clock.now += timedelta(minutes=59)
    assert store.get(old) == {"n": 1}
    clock.now += timedelta(minutes=2)
    assert store.get(old) is None and store.email_hashes(old) is None
    store.keep({"n": 2}, ())
    with make_engine(url).connect() as connection:
        rows = connection.exec_driver_sql("SELECT count(*) FROM verifier_kept_results").scalar()
    assert rows == 1  # the expired one was deleted on the next write


def test_the_table_is_bounded_oldest_first(url):
    clock = Clock()
    store = KeptResults(make_engine(url), max_rows=3, clock=clock)
    ids = []
    for n in range(5):
        clock.now += timedelta(seconds=1)
        ids.append(store.keep({"n": n}, ()))
    assert [store.get(i) is not None for i in ids] == [False, False, True, True, True]


def test_the_email_comparison_is_limited_per_result(url):
    store = KeptResults(make_engine(url))
    result_id = store.keep({"n": 1}, HASHES)
    for _ in range(MAX_EMAIL_ATTEMPTS):
        assert store.email_hashes(result_id) == HASHES
    assert store.email_hashes(result_id) is None
    assert store.get(result_id) == {"n": 1}  # the result itself is still shown
