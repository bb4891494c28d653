"""The job queue: cohort uploads are issued by workers, chunk by chunk, and the sign-in
links holders ask for are sent by them (Huey).

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

A holder's "send me a link" request is a task of its own, so that the page
answers the same, as fast, for every address, whether it is a holder's or not and whether
the mail server is up: the task carries the address and the page's language, looks the
holder up, counts the per-address limit and sends. An e-mail the SMTP server did not take
is tried again later (`SIGN_IN_RETRY_SECONDS`), then given up with a log line; the
requester is never told either way.
"""
import contextlib
import logging
import os
import signal
import sqlite3
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer
from redis.exceptions import RedisError

from issuer import cohort_jobs, sign_in_limits
from issuer.errors import NotFound
from issuer.service import IssuerService
from web.holder.mail import send_requested_sign_in, send_sign_in
from web.wiring.mailer import MailError
from web.wiring.settings import Settings

log = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """The broker did not take a task (the message says why)."""

EMBEDDED_FILE = "jobs.sqlite3"
QUEUE_NAME = "s4c"
TASK_NAME = "s4c.issue_cohort_chunk"
SIGN_IN_TASK_NAME = "s4c.send_holder_sign_in"
SIGN_IN_PRIORITY = 10  # cohort chunks have none (0)
SIGN_IN_RETRY_SECONDS = (60, 300, 900)  # then the holder asks again; links last 72 hours
POLL_SECONDS = 0.25  # how long an idle worker of the embedded broker waits between looks
# The pipe on which a worker started by `s4c serve` or `s4c issue-batch` says it is about to
# take tasks (web.cli.job_commands.WorkerProcess): its file descriptor number.
READY_FD_ENV = "S4C_WORKER_READY_FD"


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
        self._service: tuple[int, IssuerService] | None = None
        self._task = self.huey.task(name=TASK_NAME, retries=2, retry_delay=2)(self._run)
        # no retries by Huey: a retry must not count against the address's limit again. On
        # the embedded broker a holder's link goes before queued cohort chunks (Huey's Redis
        # storage has no priorities: there, more workers keep the wait short).
        self._sign_in_task = self.huey.task(
            name=SIGN_IN_TASK_NAME, priority=SIGN_IN_PRIORITY if self.embedded else None)(
            self._run_sign_in)

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

    def request_sign_in(self, email: str, page_language: str) -> None:
        """Enqueues the sending of a sign-in link to `email`, if it is a holder's. Raises
        `QueueUnavailable` when the broker cannot take it (the same for every address)."""
        try:
            self._sign_in_task(email, page_language, 0)
        except (OSError, sqlite3.Error, RedisError) as e:
            raise QueueUnavailable(str(e)) from e

    # -- working -------------------------------------------------------------------------------
    def _worker_service(self) -> IssuerService:
        pid = os.getpid()  # a forked worker builds its own service (its own connections)
        if self._service is None or self._service[0] != pid:
            self._service = (pid, self._service_factory())
        return self._service[1]

    def _run(self, job_id: str, number: int) -> bool:
        pid = os.getpid()
        if self._runner is None or self._runner[0] != pid:
            service = self._worker_service()
            self._runner = (pid, cohort_jobs.ChunkRunner(
                service, lambda emails, actor: self._notify(service, emails, actor)))
        return self._runner[1].run(job_id, number)

    def _run_sign_in(self, email: str, page_language: str, attempt: int) -> str:
        """Sends the link a holder asked for; returns what happened (for the tests and the
        log): "limited", "no holder", "sent", "retry" or "given up"."""
        sessions = self._worker_service().sessions
        if attempt == 0:
            sign_in_limits.forget_old(sessions)
            if not sign_in_limits.take_address(sessions, email).allowed:
                log.info("holder sign-in: the address's limit is reached; no link sent")
                return "limited"
        try:
            sent = send_requested_sign_in(self.settings, sessions, email, page_language)
        except MailError as e:
            if attempt < len(SIGN_IN_RETRY_SECONDS):
                log.warning("holder sign-in: e-mail not sent (%s); trying again in %s s",
                            e, SIGN_IN_RETRY_SECONDS[attempt])
                self._sign_in_task.schedule((email, page_language, attempt + 1),
                                            delay=SIGN_IN_RETRY_SECONDS[attempt])
                return "retry"
            log.error("holder sign-in: e-mail not sent after %s tries (%s); given up",
                      attempt + 1, e)
            return "given up"
        return "sent" if sent else "no holder"

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
        return _GracefulConsumer(self.huey, workers=workers, worker_type="process",
                        initial_delay=POLL_SECONDS, backoff=1.0, max_delay=POLL_SECONDS,
                        check_worker_health=True, health_check_interval=5)


class _GracefulConsumer(Consumer):
    """Huey's consumer, which lets SIGINT through only once its handlers are in place.

    `s4c worker` blocks SIGINT from its start (`web.cli.job_commands`): a stop asked for
    while it opens the database or forks its workers is held back by the kernel, not raised
    as a KeyboardInterrupt in the middle of that work, and arrives here as a graceful stop.
    Its parent, if any, hears first that tasks are about to be taken: until then it may
    stop this process at once, as it holds no task."""

    def start(self) -> None:
        _say_ready()
        super().start()  # forks the workers (they ignore SIGINT) and sets the handlers
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _say_ready() -> None:
    value = os.environ.pop(READY_FD_ENV, "")
    if value.isdigit():
        with contextlib.suppress(OSError):
            os.write(int(value), b"1")
            os.close(int(value))
