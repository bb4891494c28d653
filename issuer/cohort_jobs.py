"""Cohort uploads as background jobs: a job is the file, split into chunks of candidates.

Creating a job parses the file (bad rows are reported at once, by line number) and records
one `CohortChunk` per hundred candidates; workers run the chunks (`run_chunk`) in any
order, on any machine, each as `issuer.cohort_issuing.issue_chunk`. A chunk is marked done
in the transaction that stores its credentials, so a crash never leaves it half counted,
and running a chunk again (after a crash, or twice at once) issues nothing twice: jobs
resume by enqueuing their unfinished chunks again.
"""
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, exists, select, update
from sqlalchemy.orm import Session

from issuer.audit import record_audit_event
from issuer.batch import (
    BatchSummary,
    chunks,
    cohort_groups,
    parse_cohort,
    sort_errors,
)
from issuer.codes import IssuerCode
from issuer.cohort_issuing import ChunkResult, issue_chunk
from issuer.errors import line_of, stored_finding
from issuer.models import CohortChunk, CohortJob
from issuer.service import IssuerService, NotFound

PARSED_JOBS_KEPT = 4  # parsed files a worker keeps, so that each chunk does not re-parse


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class JobProgress:
    id: str
    filename: str
    created_by: str
    created_at: datetime
    finished: bool
    chunks: int
    chunks_done: int
    candidates: int
    candidates_done: int
    summary: BatchSummary  # so far

    @property
    def percent(self) -> int:
        return 100 if self.finished else int(100 * self.chunks_done / max(self.chunks, 1))

    def to_json(self) -> dict:
        return {"id": self.id, "filename": self.filename, "finished": self.finished,
                "percent": self.percent, "chunks": self.chunks,
                "chunks_done": self.chunks_done, "candidates": self.candidates,
                "candidates_done": self.candidates_done, **self.summary.to_json()}


def create_job(service: IssuerService, text: str, filename: str, actor: str,
               notify_holders: bool = False) -> str:
    """Records a job for the file; returns its id. Raises IssuerError for a file that
    cannot be read at all (no header, too many rows); bad rows are kept as errors."""
    summary = BatchSummary()
    groups = cohort_groups(parse_cohort(text, summary))
    job_id = _new_job_id()
    now = _now()
    with service.sessions.begin() as s:
        s.add(CohortJob(id=job_id, filename=filename[:200], text=text, created_by=actor,
                        created_at=now, rows=summary.rows, candidates=len(groups),
                        chunk_count=0,
                        parse_errors=[e.to_json() for e in sort_errors(summary.errors)],
                        notify_holders=notify_holders))
        s.flush()
        first = 0
        parts = chunks(groups)
        for number, part in enumerate(parts):
            s.add(CohortChunk(job_id=job_id, number=number, first=first, count=len(part),
                              done=False, issued=0, already_issued=0, errors=[]))
            first += len(part)
        s.execute(update(CohortJob).where(CohortJob.id == job_id)
                  .values(chunk_count=len(parts), finished_at=None if parts else now))
        record_audit_event(s, actor, "cohort.job.created", job_id,
                           {"filename": filename[:200], "rows": summary.rows,
                            "candidates": len(groups), "notify_holders": notify_holders})
    return job_id


def _new_job_id() -> str:
    """A random id that does not start with "-", which a command line would read as an
    option (`s4c jobs export ID`)."""
    while (job_id := secrets.token_urlsafe(12)).startswith("-"):
        pass
    return job_id


def chunk_numbers(service: IssuerService, job_id: str) -> list[int]:
    """The chunks of the job still to run."""
    with service.sessions() as s:
        return list(s.scalars(select(CohortChunk.number).where(
            CohortChunk.job_id == job_id, CohortChunk.done.is_(False))
            .order_by(CohortChunk.number)))


def unfinished(service: IssuerService) -> list[tuple[str, int]]:
    """(job id, chunk number) of every chunk not yet done, oldest job first."""
    with service.sessions() as s:
        return [(job_id, number) for job_id, number in s.execute(
            select(CohortChunk.job_id, CohortChunk.number)
            .join(CohortJob, CohortJob.id == CohortChunk.job_id)
            .where(CohortChunk.done.is_(False))
            .order_by(CohortJob.created_at, CohortChunk.number))]


Notify = Callable[[list[str], str], None]  # (holders' e-mail addresses, actor) -> None


class ChunkRunner:
    """Runs chunks in one worker process, keeping a few parsed files. `notify` is told the
    holders of a chunk just issued, when their job asked for it (the web layer e-mails
    each a sign-in link)."""

    def __init__(self, service: IssuerService, notify: Notify | None = None) -> None:
        self.service = service
        self.notify = notify
        self._parsed: OrderedDict[str, list[list]] = OrderedDict()

    def run(self, job_id: str, number: int) -> bool:
        """Runs the chunk unless it is done; returns whether this call ran it."""
        with self.service.sessions() as s:
            chunk = s.get(CohortChunk, (job_id, number))
            if chunk is None or chunk.done:
                return False
            job = s.get(CohortJob, job_id)
            if job is None:
                return False
            actor = job.created_by
            notify = job.notify_holders
            groups = self._groups(s, job_id)[chunk.first:chunk.first + chunk.count]
        result = issue_chunk(self.service, groups, actor, finish=lambda session, result:
                             _finish(session, job_id, number, result))
        if notify and self.notify is not None:
            refused = {line_of(error) for error in result.errors}
            self.notify([group[0].email for group in groups
                         if not any(row.line in refused for row in group)], actor)
        return True

    def _groups(self, s: Session, job_id: str) -> list[list]:
        groups = self._parsed.get(job_id)
        if groups is None:
            text = s.scalar(select(CohortJob.text).where(CohortJob.id == job_id))
            if text is None:
                raise NotFound(IssuerCode.NO_COHORT_JOB, job=job_id)
            groups = cohort_groups(parse_cohort(text, BatchSummary()))
            self._parsed[job_id] = groups
            while len(self._parsed) > PARSED_JOBS_KEPT:
                self._parsed.popitem(last=False)
        self._parsed.move_to_end(job_id)
        return groups


def _finish(s: Session, job_id: str, number: int, result: ChunkResult) -> None:
    """Marks the chunk done (once: a second run of the same chunk records nothing) and the
    job finished when it was the last chunk."""
    now = _now()
    marked = cast(CursorResult[Any], s.execute(update(CohortChunk).where(
        CohortChunk.job_id == job_id, CohortChunk.number == number,
        CohortChunk.done.is_(False)).values(
        done=True, issued=result.issued, already_issued=result.already_issued,
        errors=[error.to_json() for error in result.errors],
        done_at=now))).rowcount
    if marked:
        s.execute(update(CohortJob).where(
            CohortJob.id == job_id, CohortJob.finished_at.is_(None),
            ~exists().where(CohortChunk.job_id == job_id, CohortChunk.done.is_(False)))
            .values(finished_at=now))


def progress(service: IssuerService, job_id: str) -> JobProgress:
    with service.sessions() as s:
        job = s.get(CohortJob, job_id)
        if job is None:
            raise NotFound(IssuerCode.NO_COHORT_JOB, job=job_id)
        parts = list(s.scalars(select(CohortChunk).where(CohortChunk.job_id == job_id)))
    done = [c for c in parts if c.done]
    summary = BatchSummary(rows=job.rows, candidates=job.candidates,
                           issued=sum(c.issued for c in done),
                           already_issued=sum(c.already_issued for c in done),
                           errors=sort_errors([stored_finding(e) for e in [
                               *job.parse_errors, *(e for c in done for e in c.errors)]]))
    return JobProgress(id=job.id, filename=job.filename, created_by=job.created_by,
                       created_at=job.created_at, finished=job.finished_at is not None,
                       chunks=len(parts), chunks_done=len(done), candidates=job.candidates,
                       candidates_done=sum(c.count for c in done), summary=summary)


def recent_jobs(service: IssuerService, limit: int = 20) -> list[JobProgress]:
    with service.sessions() as s:
        ids = list(s.scalars(select(CohortJob.id).order_by(CohortJob.created_at.desc())
                             .limit(limit)))
    return [progress(service, job_id) for job_id in ids]

