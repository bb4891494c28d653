"""Presentation challenges (VC Data Integrity 1.0 §2.1 `challenge`, against replay): the
verifier hands out a random challenge, and accepts a presentation carrying it once, before
it expires. Stored in the database so that every worker process sees the same set."""
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, select, update
from sqlalchemy.orm import Session

from verifier.models import PresentationChallenge

CHALLENGE_BYTES = 16
MAX_CHALLENGE_CHARS = 128


class ChallengeResult(StrEnum):
    ACCEPTED = "accepted"
    UNKNOWN = "unknown"  # never issued here (or purged after expiring)
    USED = "used"
    EXPIRED = "expired"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite


class ChallengeStore:
    def __init__(self, engine: Engine, ttl: timedelta = timedelta(minutes=10),
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = engine
        self._ttl = ttl
        self._clock = clock

    def issue(self) -> tuple[str, datetime]:
        """A fresh challenge and when it expires; expired ones are purged on the way."""
        now = self._clock()
        challenge = secrets.token_urlsafe(CHALLENGE_BYTES)
        expires = now + self._ttl
        with Session(self._engine) as session, session.begin():
            session.execute(delete(PresentationChallenge).where(
                PresentationChallenge.expires_at < now - self._ttl))
            session.add(PresentationChallenge(challenge=challenge, created_at=now,
                                              expires_at=expires))
        return challenge, expires

    def consume(self, challenge: str) -> ChallengeResult:
        """Marks the challenge used, atomically: of two concurrent uses only one wins."""
        if not isinstance(challenge, str) or not challenge or \
                len(challenge) > MAX_CHALLENGE_CHARS:
            return ChallengeResult.UNKNOWN
        now = self._clock()
        table = PresentationChallenge
        with Session(self._engine) as session, session.begin():
            # an UPDATE returns a CursorResult (with its rowcount); execute() is typed Result
            won = cast(CursorResult[Any], session.execute(
                update(table).where(table.challenge == challenge, table.used_at.is_(None),
                                    table.expires_at >= now).values(used_at=now)))
            if won.rowcount == 1:
                return ChallengeResult.ACCEPTED
            row = session.execute(select(table.used_at, table.expires_at).where(
                table.challenge == challenge)).first()
        if row is None:
            return ChallengeResult.UNKNOWN
        if row.used_at is not None:
            return ChallengeResult.USED
        return ChallengeResult.EXPIRED if _aware(row.expires_at) < now else \
            ChallengeResult.UNKNOWN
