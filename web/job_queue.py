"""The job queue: cohort uploads are issued by workers, chunk by chunk (Huey).

Huey (https://huey.readthedocs.io) is a small, well-kept task queue with the two brokers
s4c needs:
- embedded (the default, `make run`): a SQLite file, `<data_dir>/jobs.sqlite3`, with no
  server; `s4c serve` starts a worker beside the web app, and `s4c issue-batch` one for
  the time of its job;
- production (`S4C_BROKER_URL=redis://host:6379/0`): Redis, with `s4c worker` on as many
  machines as needed, all on one PostgreSQL.

Tasks carry only (job id, chunk number): the work itself is in the database
(`issuer.cohort_jobs`), so a lost task loses nothing. `resume` enqueues every unfinished
chunk again; running a chunk twice issues nothing twice.
"""
import logging
import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

from issuer import cohort_jobs
from issuer.errors import NotFound
from issuer.service import IssuerService
from web.holder_mail import send_sign_in
from web.mailer import MailError
from web.settings import Settings

log = logging.getLogger(__name__)

EMBEDDED_FILE = "jobs.sqlite3"
QUEUE_NAME = "s4c"
TASK_NAME = "s4c.issue_cohort_chunk"
POLL_SECONDS = 0.25  # how long an idle worker of the embedded broker waits between looks


def _broker(settings: Settings) -> Huey:
    url = settings.broker_url
    if url is None:
        return SqliteHuey(QUEUE_NAME, filename=str(Path(settings.data_dir) / EMBEDDED_FILE),
                          results=False, utc=True)
    return RedisHuey(QUEUE_NAME, url=url, results=False, utc=True)


class JobQueue:
    """The queue of one deployment: the web app and the CLI enqueue, workers run."""

    def __init__(self, settings: Settings, service_factory) -> None:
        self.settings = settings
        self.huey = _broker(settings)
        self._service_factory = service_factory
        self._runner: tuple[int, cohort_jobs.ChunkRunner] | None = None
        self._task = self.huey.task(name=TASK_NAME, retries=2, retry_delay=2)(self._run)

    @property
    def embedded(self) -> bool:
        return self.settings.broker_url is None

    def describe(self) -> str:
        if self.embedded:
            return f"embedded (SQLite file {Path(self.settings.data_dir) / EMBEDDED_FILE})"
        return f"Redis ({self.settings.broker_url_for_display})"

    # -- enqueueing ----------------------------------------------------------------------------
    def submit(self, service: IssuerService, text: str, filename: str, actor: str,
               notify_holders: bool = False) -> str:
        """Records the job and enqueues its chunks; returns the job id. `notify_holders`:
        e-mail each holder a sign-in link once their chunk is issued."""
        if notify_holders and not self.settings.smtp_url:
            raise MailError("no SMTP server is configured: set S4C_SMTP_URL to e-mail holders")
        job_id = cohort_jobs.create_job(service, text, filename, actor, notify_holders)
        self.enqueue(job_id, cohort_jobs.chunk_numbers(service, job_id))
        return job_id

    def enqueue(self, job_id: str, numbers: list[int]) -> None:
        for number in numbers:
            self._task(job_id, number)

    def resume(self, service: IssuerService) -> int:
        """Enqueues every unfinished chunk again (after a crash, or a lost broker);
        returns how many."""
        pending = cohort_jobs.unfinished(service)
        for job_id, number in pending:
            self._task(job_id, number)
        return len(pending)

    # -- working -------------------------------------------------------------------------------
    def _run(self, job_id: str, number: int) -> bool:
        pid = os.getpid()  # a forked worker builds its own service (its own connections)
        if self._runner is None or self._runner[0] != pid:
            service = self._service_factory()
            self._runner = (pid, cohort_jobs.ChunkRunner(
                service, lambda emails, actor: self._notify(service, emails, actor)))
        return self._runner[1].run(job_id, number)

    def _notify(self, service: IssuerService, emails: list[str], actor: str) -> None:
        """Sign-in e-mails for the holders of a chunk just issued; one that cannot be sent
        is logged and leaves the others (and the issued credentials) as they are."""
        for email in emails:
            try:
                send_sign_in(self.settings, service.sessions, email, actor)
            except (NotFound, MailError) as e:
                log.warning("cohort: no sign-in e-mail to %s: %s", email, e)

    def consumer(self, workers: int) -> Consumer:
        """A consumer with `workers` processes (one per core spreads the signing)."""
        return Consumer(self.huey, workers=workers, worker_type="process",
                        initial_delay=POLL_SECONDS, backoff=1.0, max_delay=POLL_SECONDS,
                        check_worker_health=True, health_check_interval=5)
