"""Waiting in tests for something another process or thread does: always with a deadline,
never a fixed sleep. A wait that runs out fails with what was awaited; one whose worker
process has exited fails at once."""
import subprocess
import time
from collections.abc import Callable

POLL_S = 0.05  # how often to look again: short, so a test waits little past the event


def wait_until[T](condition: Callable[[], T], what: str, seconds: float = 60,
                  process: subprocess.Popen | None = None) -> T:
    """The first true value of `condition()`, looked at until `seconds` have passed; an
    AssertionError naming `what` when it never comes, or when `process` exits first."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process exited ({process.returncode}) first")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(POLL_S)
