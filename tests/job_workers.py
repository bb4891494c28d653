"""Real cohort-job workers for tests: `s4c worker` processes on the test's queue."""
import time
from collections.abc import Iterator
from contextlib import contextmanager

from issuer import cohort_jobs
from web.cli.job_commands import start_worker_process, stop_worker_process
from web.settings import Settings


@contextmanager
def worker(settings: Settings, workers: int = 1, env: dict | None = None) -> Iterator:
    process = start_worker_process(settings, workers, env=env)
    try:
        yield process
    finally:
        stop_worker_process(process)


def wait_finished(service, job_id: str, seconds: float = 120,
                  process=None) -> cohort_jobs.JobProgress:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = cohort_jobs.progress(service, job_id)
        if state.finished:
            return state
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the worker exited ({process.returncode})")
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not done in {seconds} s: {state}")
