"""Results the employer's page keeps for a short time, so that the page can redirect after the
check (POST, then GET: a reload does not check again) and be reopened in another language, or
printed, without the credential being sent again.

Kept in the database, not in one process's memory: behind a load balancer the GET after the
POST may reach another worker. A result is found only by its random id (192 bits, never
derived from the credential), expires after `ttl`, and the table is bounded: expired rows are
deleted on each write, and past `max_rows` the oldest go first. The credential itself is not
kept, only the report shown and, for the e-mail comparison, the salted hashes it signed.
"""
import re
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, select, update
from sqlalchemy.orm import Session

from verifier.models import KeptResult

ID_BYTES = 24
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")  # token_urlsafe(24)
DEFAULT_TTL = timedelta(hours=1)
MAX_ROWS = 20_000
MAX_EMAIL_ATTEMPTS = 10  # per kept result: the e-mail field is not a guessing service


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite


class KeptResults:
    def __init__(self, engine: Engine, ttl: timedelta = DEFAULT_TTL, max_rows: int = MAX_ROWS,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = engine
        self._ttl = ttl
        self._max_rows = max_rows
        self._clock = clock

    def keep(self, record: dict[str, Any], email_hashes: Sequence[tuple[str, str]]) -> str:
        """Stores `record` (JSON) and returns its new random id."""
        now = self._clock()
        result_id = secrets.token_urlsafe(ID_BYTES)
        with Session(self._engine) as session, session.begin():
            session.execute(delete(KeptResult).where(KeptResult.expires_at < now))
            overflow = select(KeptResult.id).order_by(KeptResult.created_at.desc()) \
                .offset(self._max_rows - 1)
            session.execute(delete(KeptResult).where(KeptResult.id.in_(overflow)))
            session.add(KeptResult(id=result_id, created_at=now, expires_at=now + self._ttl,
                                   record=record,
                                   email_hashes=[list(pair) for pair in email_hashes],
                                   email_attempts=0))
        return result_id

    def get(self, result_id: str) -> dict[str, Any] | None:
        """The record kept under `result_id`, or None (unknown, malformed or expired)."""
        row = self._row(result_id)
        return None if row is None else dict(row.record)

    def email_hashes(self, result_id: str) -> tuple[tuple[str, str], ...] | None:
        """The hashes to compare an e-mail with, when one more attempt is allowed: each call
        counts one (atomically, for every worker). None: unknown, expired, or no attempts
        left."""
        if not isinstance(result_id, str) or not ID_PATTERN.fullmatch(result_id):
            return None
        now = self._clock()
        table = KeptResult
        with Session(self._engine) as session, session.begin():
            counted = cast(CursorResult[Any], session.execute(
                update(table).where(table.id == result_id, table.expires_at >= now,
                                    table.email_attempts < MAX_EMAIL_ATTEMPTS)
                .values(email_attempts=table.email_attempts + 1)))
            if counted.rowcount != 1:
                return None
            hashes = session.execute(select(table.email_hashes).where(
                table.id == result_id)).scalar_one()
        return tuple((str(h), str(s)) for h, s in hashes)

    def _row(self, result_id: str) -> KeptResult | None:
        if not isinstance(result_id, str) or not ID_PATTERN.fullmatch(result_id):
            return None
        with Session(self._engine) as session:
            row = session.get(KeptResult, result_id)
            if row is None or _aware(row.expires_at) < self._clock():
                return None
            session.expunge(row)
            return row
