"""Cohort jobs from the command line: `s4c issue-batch`, `s4c worker`, `s4c jobs` (list,
resume, export)."""
import contextlib
import ctypes
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from issuer import cohort_jobs
from issuer.batch import BatchSummary
from issuer.cohort_export import export_cohort
from issuer.service import IssuerError
from verifier.qr_payload import link_text
from web.cli.context import issuer_service, job_queue
from web.cli.edc_commands import jobs_export_edcs
from web.officer.words import operator_english
from web.wiring.datadir import secret_key
from web.wiring.job_queue import READY_FD_ENV
from web.wiring.mailer import MailError
from web.wiring.settings import Settings

ACTOR_OPTION = click.option("--actor", default="cli", show_default=True,
                            help="Who is acting (recorded in the audit trail).")
POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1
WORKER_NICENESS = 10


def default_workers(settings: Settings) -> int:
    """One worker process per core; on SQLite one more, because a worker waiting for the
    database's single write lock leaves its core idle (measured: 2 cores, 2,000 candidates:
    2 workers 937/s, 3 workers 1,160/s; on PostgreSQL, whose server takes the spare time,
    3 workers were slower than 2)."""
    cores = max(1, len(os.sched_getaffinity(0)))
    return cores + 1 if settings.database_url.startswith("sqlite") else cores


@click.command()
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes [default: one per core, one more on SQLite].")
@click.option("--resume/--no-resume", default=True, show_default=True,
              help="Enqueue the unfinished chunks of every job again at start.")
@click.pass_obj
def worker(settings: Settings, workers: int | None, resume: bool) -> None:
    """Run cohort jobs from the queue (S4C_BROKER_URL, else the embedded queue in the
    data directory). Start one on each machine; unfinished jobs are enqueued again at
    start, so a job interrupted by a crash resumes. Ctrl-C stops after the current
    chunks."""
    # A stop asked for while this process starts up waits (blocked, not lost) until the
    # queue's consumer has its handlers, which stop the workers gracefully.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    service = issuer_service(settings)
    queue = job_queue(settings)
    resumed = queue.resume(service) if resume else 0
    service.engine.dispose()  # forked workers open their own connections
    workers = workers or default_workers(settings)
    click.echo(f"s4c worker: {workers} process(es), queue {queue.describe()}"
               + (f", {resumed} unfinished chunk(s) enqueued again" if resumed else ""),
               err=True)
    queue.consumer(workers).run()


class WorkerProcess(subprocess.Popen[bytes]):
    """`s4c worker` as a child process that says when it has started taking tasks: it
    writes one byte to a pipe (`READY_FD_ENV`) just before its consumer starts."""

    def __init__(self, args: list[str], ready_fd: int, **options) -> None:
        super().__init__(args, **options)
        self._ready_fd: int | None = ready_fd

    def taking_tasks(self) -> bool:
        """Whether the worker has come as far as its consumer (or has exited)."""
        if self._ready_fd is None:
            return True
        readable, _, _ = select.select([self._ready_fd], [], [], 0)
        return bool(readable)

    def close_ready_pipe(self) -> None:
        if self._ready_fd is not None:
            os.close(self._ready_fd)
            self._ready_fd = None


def start_worker_process(settings: Settings, workers: int, env: dict[str, str] | None = None,
                         resume: bool = True) -> WorkerProcess:
    """`s4c worker` as a child process in its own session (a terminal's Ctrl-C reaches the
    parent, which stops it gracefully), that dies with its parent (Linux PDEATHSIG). It
    runs at a lower CPU priority: beside `s4c serve`, requests come before cohorts.

    It starts with SIGINT blocked (a signal mask survives exec), which its consumer lets
    through once its handlers are in place: a graceful stop asked for while the consumer
    starts is held back, not raised as a KeyboardInterrupt in the middle of that work."""
    def die_with_parent() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        os.nice(WORKER_NICENESS)
        with contextlib.suppress(OSError):  # not Linux: the worker outlives a killed parent
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    ready_fd, ready_in_child = os.pipe()
    environment = {**(os.environ if env is None else env), READY_FD_ENV: str(ready_in_child)}
    try:
        return WorkerProcess(
            [sys.executable, "-m", "web.cli", "--data-dir", str(settings.data_dir), "worker",
             "--workers", str(workers), "--resume" if resume else "--no-resume"],
            ready_fd,
            preexec_fn=die_with_parent,  # only the mask, nice and prctl: no threads yet
            stdout=subprocess.DEVNULL, env=environment, start_new_session=True,
            pass_fds=(ready_in_child,))
    except BaseException:
        os.close(ready_fd)
        raise
    finally:
        os.close(ready_in_child)


def stop_worker_process(process: WorkerProcess) -> None:
    """Stops the worker. Once it takes tasks: gracefully (SIGINT: the chunks in hand finish).
    Before (still importing Python, say, when a tiny job finished first): at once, with
    everything it started (SIGKILL to its process group): it holds no task yet, so nothing
    is lost, and no KeyboardInterrupt traceback comes out of the middle of an import."""
    try:
        if process.poll() is None:
            if process.taking_tasks():
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(30)
                    return
                except subprocess.TimeoutExpired:
                    pass
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    finally:
        process.close_ready_pipe()


@click.command("issue-batch")
@click.argument("cohort", type=click.Path(exists=True, dir_okay=False))
@click.option("--workers", type=click.IntRange(0, 64), default=None,
              help="Worker processes to start here for this job [default: one per core "
                   "(one more on SQLite) with the embedded queue, none with a broker (its "
                   "workers run it)].")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="Show the progress until the job is done, or only enqueue it.")
@click.option("--email-holders", is_flag=True,
              help="E-mail each holder a sign-in link once their credentials are issued "
                   "(S4C_SMTP_URL).")
@ACTOR_OPTION
@click.pass_obj
def issue_batch(settings: Settings, cohort: str, workers: int | None, wait: bool,
                email_holders: bool, actor: str) -> None:
    """Issue a cohort from a CSV file (one row per candidate and unit result) as a
    background job; the progress bar follows it."""
    try:
        text = Path(cohort).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise click.ClickException(f"{cohort} is not UTF-8 text (byte {e.start}); save it "
                                   "as UTF-8 CSV") from None
    service = issuer_service(settings)
    queue = job_queue(settings)
    if workers is None:
        workers = default_workers(settings) if queue.embedded else 0
    try:
        job_id = queue.submit(service, text, Path(cohort).name, actor,
                              notify_holders=email_holders)
    except (IssuerError, MailError) as e:
        raise click.ClickException(operator_english(e)) from None
    click.echo(f"job {job_id}", err=True)
    if not wait:
        return
    # this job's chunks are queued already: its workers must not queue them a second time
    process = start_worker_process(settings, workers, resume=False) if workers else None
    try:
        summary = follow(service, job_id)
    finally:
        if process is not None:
            stop_worker_process(process)
    _report(summary)


def follow(service, job_id: str) -> BatchSummary:
    """A live progress bar (candidates done) until the job finishes; without a terminal
    (a log, CI), one line each time the count moves."""
    state = cohort_jobs.progress(service, job_id)
    if not sys.stderr.isatty():
        shown = -1
        while True:
            state = cohort_jobs.progress(service, job_id)
            if state.candidates_done != shown:
                shown = state.candidates_done
                click.echo(f"issuing: {shown}/{state.candidates} candidates "
                           f"({state.percent}%)", err=True)
            if state.finished:
                return state.summary
            time.sleep(POLL_SECONDS)
    with click.progressbar(length=max(state.candidates, 1), label="issuing",
                           file=sys.stderr, show_pos=True) as bar:
        shown = 0
        while True:
            state = cohort_jobs.progress(service, job_id)
            bar.update(state.candidates_done - shown)
            shown = state.candidates_done
            if state.finished:
                break
            time.sleep(POLL_SECONDS)
    return state.summary


def _report(summary: BatchSummary) -> None:
    click.echo(f"{summary.rows} rows, {summary.candidates} candidates: {summary.issued} "
               f"credentials issued, {summary.already_issued} already issued, "
               f"{len(summary.errors)} errors")
    for error in summary.errors:
        click.echo(f"  {operator_english(IssuerError(error))}", err=True)
    if summary.errors:
        sys.exit(1)


@click.group()
def jobs() -> None:
    """Cohort jobs: list them, enqueue the unfinished ones again, export what one issued."""


@jobs.command("list")
@click.pass_obj
def jobs_list(settings: Settings) -> None:
    for job in cohort_jobs.recent_jobs(issuer_service(settings)):
        state = "done" if job.finished else f"{job.percent}%"
        click.echo(f"{job.id}  {job.created_at:%Y-%m-%d %H:%M}  {state:>5}  "
                   f"{job.summary.issued} issued  {len(job.summary.errors)} errors  "
                   f"{job.filename}")


@jobs.command("resume")
@click.pass_obj
def jobs_resume(settings: Settings) -> None:
    """Enqueue every unfinished chunk again (after a crash or a lost broker)."""
    count = job_queue(settings).resume(issuer_service(settings))
    click.echo(f"{count} chunk(s) enqueued")


@jobs.command("export")
@click.argument("job_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the CSV here [default: standard output].")
@ACTOR_OPTION
@click.pass_obj
def jobs_export(settings: Settings, job_id: str, output: str | None, actor: str) -> None:
    """What a finished job issued, as CSV for spreadsheets (UTF-8 with BOM, `;`-separated):
    one row per candidate and credential, with the holder's share link. An active credential
    without an active link gets a new one, valid for one year (audited)."""
    try:
        export = export_cohort(issuer_service(settings), job_id, actor,
                               secret_key(settings.data_dir),
                               lambda token: link_text(settings.public_url, token))
    except IssuerError as e:
        raise click.ClickException(operator_english(e)) from None
    data = export.csv_text().encode("utf-8")
    if output:
        Path(output).write_bytes(data)
    else:
        click.echo(data, nl=False)  # bytes: written as they are (the BOM included)
    click.echo(f"{len(export.rows)} row(s); share links: {export.links_reused} reused, "
               f"{export.links_created} created (valid for one year)", err=True)


jobs.add_command(jobs_export_edcs)
COMMANDS = [worker, issue_batch, jobs]
