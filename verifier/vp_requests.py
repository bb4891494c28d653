"""The verifier's OpenID4VP requests (OpenID4VP 1.0 §5), from the moment an employer asks a
wallet until it answers or the request expires.

Each request is found two ways, by two random ids that are never derived from each other:
`request_id`, public (it is in the request's URLs, so whoever sees the QR code knows it), and
`transaction_id`, known only to the employer's page, which follows the request with it. Its
`nonce` is accepted once (§14.1): `finish` marks the request answered atomically, so of two
responses (a replay, or a race between workers) only one wins. Rows are kept in the database,
as every worker must find them, and purged `PURGE_AFTER` after expiring; the ephemeral
private key that decrypts `direct_post.jwt` responses is erased when the request is answered.
"""
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import JSON, CursorResult, DateTime, Engine, Text, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from verifier.models import Base

ID_BYTES = 24
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")  # token_urlsafe(24)
DEFAULT_TTL = timedelta(minutes=10)
PURGE_AFTER = timedelta(hours=1)  # an expired request still says "expired" for a while
MAX_ROWS = 20_000
MAX_REFUSAL_CHARS = 500


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
                row.answered_at, row.result_id, row.refusal, expires < self._clock())

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

    def refuse(self, request_id: str, reason: str) -> None:
        """Records why an answer was refused, for the employer's page (the request still
        waits for a good answer until it expires)."""
        table = PresentationRequestRow
        with Session(self._engine) as session, session.begin():
            session.execute(update(table).where(table.id == request_id,
                                                table.answered_at.is_(None))
                            .values(refusal=reason[:MAX_REFUSAL_CHARS]))
