"""Console sessions kept on the server (OWASP Session Management): the cookie carries a
random session id; the database holds its SHA-256, the officer and the expiry. Logging out
deletes the row, so a cookie copied before the logout no longer works."""
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from issuer.models import ConsoleSession

MAX_SESSION_ID = 128


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()  # 256 random bits: no salt needed


def start_session(sessions: sessionmaker, officer: str, lifetime: timedelta) -> str:
    session_id = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with sessions.begin() as s:
        s.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < now))
        s.add(ConsoleSession(id_hash=_hash(session_id), officer=officer, created_at=now,
                             expires_at=now + lifetime))
    return session_id


def officer_for_session(sessions: sessionmaker, session_id: object) -> str | None:
    if not isinstance(session_id, str) or not session_id or len(session_id) > MAX_SESSION_ID:
        return None
    with sessions() as s:
        row = s.scalars(select(ConsoleSession).where(
            ConsoleSession.id_hash == _hash(session_id))).first()
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    return row.officer if expires > datetime.now(UTC) else None


def end_session(sessions: sessionmaker, session_id: object) -> None:
    if isinstance(session_id, str) and session_id:
        with sessions.begin() as s:
            s.execute(delete(ConsoleSession).where(
                ConsoleSession.id_hash == _hash(session_id)))
