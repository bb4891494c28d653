"""The verifier's OpenID4VP requests (OpenID4VP 1.0 §5), from the moment an employer asks a
wallet until it answers or the request expires.

Each request is found two ways, by two random ids that are never derived from each other:
`request_id`, public (it is in the request's URLs, so whoever sees the QR code knows it), and
`transaction_id`, known only to the employer's page, which follows the request with it. Its
`nonce` is accepted once (§14.1): `finish` marks the request answered atomically, so of two
responses (a replay, or a race between workers) only one wins. Rows are kept in the database,
as every worker must find them, and purged `PURGE_AFTER` after expiring; the ephemeral
private key that decrypts `direct_post.jwt` responses is erased when the request is answered.

Only a valid answer ends a request: whoever sees the QR code can post to its
`response_uri`, and an answer that fails verification must not use up the request the holder
is about to answer. So every answer is first admitted (`admit`), before it is even read: at
most `MAX_ANSWERS` per request, bounding the work and what a stranger can try with one
request, and at most `MAX_ANSWERS_PER_SOURCE` from one sender's address, so one stranger
cannot spend the request's answers and lock the holder out (they would need several
addresses; the employer then sees the request closed and asks again, one click). Both counts
are raised by conditional statements in one transaction: concurrent answers on any number of
workers cannot pass them. A sender is kept as SHA-256(request id, address), not its address.
"""
import enum
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    JSON,
    CursorResult,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    Text,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from vc.findings import Finding
from verifier.codes import RefusalCode
from verifier.models import Base

ID_BYTES = 24
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")  # token_urlsafe(24)
DEFAULT_TTL = timedelta(minutes=10)
PURGE_AFTER = timedelta(hours=1)  # an expired request still says "expired" for a while
MAX_ROWS = 20_000
MAX_REFUSAL_CHARS = 500
MAX_ANSWERS = 20  # answers a request admits (the valid one included)
MAX_ANSWERS_PER_SOURCE = 3  # ... from one sender's address


class PresentationRequestRow(Base):
    __tablename__ = "verifier_vp_requests"

    id: Mapped[str] = mapped_column(Text, primary_key=True)  # request_id: public
    transaction_id: Mapped[str] = mapped_column(Text, unique=True)  # the employer's page only
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)  # the authorization request's claims
    decryption_key: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    options: Mapped[dict[str, Any]] = mapped_column(JSON)  # the employer's country, language
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    result_id: Mapped[str | None] = mapped_column(Text)
    refusal: Mapped[str | None] = mapped_column(Text)  # why the last answer was refused
    answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # admitted


class AnswerSource(Base):
    """How many answers one sender sent to one request (v0004)."""

    __tablename__ = "verifier_vp_answer_sources"

    request_id: Mapped[str] = mapped_column(
        ForeignKey("verifier_vp_requests.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[str] = mapped_column(Text, primary_key=True)  # SHA-256(request id, address)
    answers: Mapped[int] = mapped_column(Integer)


class _SourceSpent(Exception):
    pass


class Admission(enum.Enum):
    ADMITTED = "admitted"
    SOURCE_SPENT = "source-spent"  # this sender sent its share of answers
    CLOSED = "closed"  # answered, expired, or out of answers


@dataclass(frozen=True)
class PresentationRequest:
    request_id: str
    transaction_id: str
    expires_at: datetime
    request: dict[str, Any]
    decryption_key: dict[str, Any] | None
    options: dict[str, Any]
    answered_at: datetime | None
    result_id: str | None
    refusal: str | None
    expired: bool
    answers: int = 0

    @property
    def closed(self) -> bool:
        """Every answer it admits was refused: no more are read."""
        return self.answered_at is None and self.answers >= MAX_ANSWERS

    @property
    def nonce(self) -> str:
        return str(self.request["nonce"])

    @property
    def state(self) -> str:
        return str(self.request["state"])

    @property
    def client_id(self) -> str:
        return str(self.request["client_id"])


def new_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite


class PresentationRequests:
    def __init__(self, engine: Engine, ttl: timedelta = DEFAULT_TTL, max_rows: int = MAX_ROWS,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = engine
        self.ttl = ttl
        self._max_rows = max_rows
        self._clock = clock
        # ON CONFLICT and RETURNING are spelled alike by SQLite and PostgreSQL
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        sources = cast(Any, AnswerSource.__table__)
        counted = insert(sources).values(request_id=bindparam("request_id"),
                                         source=bindparam("source"), answers=1)
        self._count_source = counted.on_conflict_do_update(
            index_elements=[sources.c.request_id, sources.c.source],
            set_={"answers": sources.c.answers + 1},
            where=sources.c.answers < MAX_ANSWERS_PER_SOURCE).returning(sources.c.answers)

    def now(self) -> datetime:
        return self._clock()

    def create(self, request_id: str, request: dict[str, Any],
               decryption_key: dict[str, Any] | None, options: dict[str, Any]) -> str:
        """Stores a new request (its claims already made, with `request_id`) and returns the
        transaction id the employer's page follows it by."""
        now = self._clock()
        transaction_id = new_id()
        table = PresentationRequestRow
        with Session(self._engine) as session, session.begin():
            session.execute(delete(table).where(table.expires_at < now - PURGE_AFTER))
            overflow = select(table.id).order_by(table.created_at.desc()) \
                .offset(self._max_rows - 1)
            session.execute(delete(table).where(table.id.in_(overflow)))
            session.add(table(id=request_id, transaction_id=transaction_id, created_at=now,
                              expires_at=now + self.ttl, request=request,
                              decryption_key=decryption_key, options=options))
        return transaction_id

    def by_request_id(self, request_id: str) -> PresentationRequest | None:
        return self._find(PresentationRequestRow.id, request_id)

    def by_transaction(self, transaction_id: str) -> PresentationRequest | None:
        return self._find(PresentationRequestRow.transaction_id, transaction_id)

    def _find(self, column: Any, value: object) -> PresentationRequest | None:
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            return None
        with Session(self._engine) as session:
            row = session.execute(select(PresentationRequestRow).where(column == value)) \
                .scalar_one_or_none()
            if row is None:
                return None
            expires = _aware(row.expires_at)
            return PresentationRequest(
                row.id, row.transaction_id, expires, dict(row.request),
                dict(row.decryption_key) if row.decryption_key else None, dict(row.options),
                row.answered_at, row.result_id, row.refusal, expires < self._clock(),
                row.answers)

    def admit(self, request_id: str, sender: str) -> Admission:
        """Counts one answer to the request from `sender` (its address), before it is read:
        ADMITTED, or why not. Nothing is counted for an answer not admitted."""
        now = self._clock()
        table = cast(Any, PresentationRequestRow.__table__)
        source = hashlib.sha256(f"{request_id} {sender}".encode()).hexdigest()
        try:
            with self._engine.begin() as connection:
                if connection.execute(
                        update(table).where(table.c.id == request_id,
                                            table.c.answered_at.is_(None),
                                            table.c.expires_at >= now,
                                            table.c.answers < MAX_ANSWERS)
                        .values(answers=table.c.answers + 1).returning(table.c.id)
                ).first() is None:
                    return Admission.CLOSED
                if connection.execute(self._count_source, {
                        "request_id": request_id, "source": source}).first() is None:
                    raise _SourceSpent  # undoes the request's count too
        except _SourceSpent:
            return Admission.SOURCE_SPENT
        return Admission.ADMITTED

    def finish(self, request_id: str, result_id: str) -> bool:
        """Marks the request answered by the kept result `result_id`, if it still waits (not
        answered, not expired); False when another answer won or it expired."""
        now = self._clock()
        table = PresentationRequestRow
        with Session(self._engine) as session, session.begin():
            won = cast(CursorResult[Any], session.execute(
                update(table).where(table.id == request_id, table.answered_at.is_(None),
                                    table.expires_at >= now)
                .values(answered_at=now, result_id=result_id, decryption_key=None,
                        refusal=None)))
            return won.rowcount == 1

    def refuse(self, request_id: str, refusal: Finding) -> None:
        """Records why an answer was refused (a `RefusalCode` finding, its English reason as
        the detail), for the employer's page; the request still waits for a good answer
        until it expires."""
        detail = (refusal.detail or "")[:MAX_REFUSAL_CHARS]
        stored = json.dumps(Finding(refusal.code, refusal.params, detail).to_json())
        table = PresentationRequestRow
        with Session(self._engine) as session, session.begin():
            session.execute(update(table).where(table.id == request_id,
                                                table.answered_at.is_(None))
                            .values(refusal=stored))


def refusal_finding(stored: str | None) -> Finding | None:
    """The refusal a request row keeps (`PresentationRequests.refuse`); a row written before
    refusals were codes holds only English words: said as recorded, the words as detail."""
    if not stored:
        return None
    try:
        data = json.loads(stored)
        return Finding.from_json(data) if isinstance(data, dict) else None
    except (ValueError, TypeError):
        return Finding(RefusalCode.AS_RECORDED, {}, stored)
