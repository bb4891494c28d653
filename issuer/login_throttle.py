"""Throttling of console logins, by account and by client address (OWASP Authentication:
"protect against automated attacks"). Counts live in the database, so every worker and
instance sees the same ones. After too many failures in a window, the key is locked for a
while: even the right password is refused then, with the same answer for a known and an
unknown account (no oracle)."""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from issuer.models import LoginThrottle
from issuer.records import as_utc

WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
MAX_ACCOUNT_FAILURES = 5
MAX_ADDRESS_FAILURES = 20


@dataclass(frozen=True)
class Gate:
    open: bool
    retry_after: int = 0  # seconds, when closed


def _keys(username: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(f"account:{username.strip().lower()[:200]}", MAX_ACCOUNT_FAILURES)]
    if address:
        keys.append((f"address:{address[:64]}", MAX_ADDRESS_FAILURES))
    return keys


def gate(sessions: sessionmaker, username: str, address: str | None,
         now: datetime | None = None) -> Gate:
    now = now or datetime.now(UTC)
    with sessions() as s:
        for key, _ in _keys(username, address):
            row = s.get(LoginThrottle, key)
            locked = as_utc(row.locked_until) if row is not None else None
            if locked is not None and locked > now:
                return Gate(False, int((locked - now).total_seconds()) + 1)
    return Gate(True)


def record_failure(sessions: sessionmaker, username: str, address: str | None,
                   now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    with sessions.begin() as s:  # forget keys whose window and lock are long over
        s.execute(delete(LoginThrottle).where(
            LoginThrottle.window_start < now - WINDOW - LOCKOUT,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now)))
    for key, limit in _keys(username, address):
        for _ in range(2):  # a concurrent first failure may insert the row first
            try:
                with sessions.begin() as s:
                    _count(s, key, limit, now)
                break
            except IntegrityError:
                continue


def _count(s: Session, key: str, limit: int, now: datetime) -> None:
    row = s.get(LoginThrottle, key, with_for_update=True)
    if row is None:
        s.add(LoginThrottle(key=key, failures=1, window_start=now, locked_until=None))
        return
    if now - as_utc(row.window_start) > WINDOW:
        row.failures, row.window_start = 0, now
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + LOCKOUT
        row.failures, row.window_start = 0, now


def record_success(sessions: sessionmaker, username: str) -> None:
    with sessions.begin() as s:
        row = s.get(LoginThrottle, _keys(username, None)[0][0])
        if row is not None:
            s.delete(row)
