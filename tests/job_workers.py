"""Real cohort-job workers for tests: `s4c worker` processes on the test's queue."""
from collections.abc import Iterator
from contextlib import contextmanager

from waiting import wait_until

from issuer import cohort_jobs
from web.cli.job_commands import start_worker_process, stop_worker_process
from web.wiring.settings import Settings


@contextmanager
def worker(settings: Settings, workers: int = 1, env: dict | None = None) -> Iterator:
    process = start_worker_process(settings, workers, env=env)
    try:
        yield process
    finally:
        stop_worker_process(process)


def wait_finished(service, job_id: str, seconds: float = 120,
                  process=None) -> cohort_jobs.JobProgress:
    def finished() -> cohort_jobs.JobProgress | None:
        state = cohort_jobs.progress(service, job_id)
        return state if state.finished else None
    return wait_until(finished, f"job {job_id} done", seconds, process)
