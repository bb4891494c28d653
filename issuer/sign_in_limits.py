"""How often a sign-in link may be asked for: per client address (checked
when the request arrives) and per e-mail address (checked by the job that sends the link).

Counts live in the login throttle's table (`issuer_login_throttle`, keys "sign-in-client:…"
and "sign-in-address:…"), so every worker and every instance on one database counts the
same requests. A count is a fixed window: the first request opens it, each one in it adds
one, and only while the count is under the limit. Every step is one conditional UPDATE or
an INSERT on the primary key, so two workers or two machines at once cannot both take the
last place, on SQLite (which takes no row lock) as on PostgreSQL.

The e-mail address is kept only as its SHA-256, and only for the window: a table of
addresses that strangers typed would itself be a list worth stealing.
"""
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from issuer.models import LoginThrottle
from issuer.records import as_utc

WINDOW = timedelta(minutes=15)
LINKS_PER_ADDRESS = 3  # a holder who lost two e-mails still gets a third
REQUESTS_PER_CLIENT = 20  # a classroom behind one NAT signing in together
CLIENT_PREFIX = "sign-in-client:"
ADDRESS_PREFIX = "sign-in-address:"


@dataclass(frozen=True)
class Allowance:
    allowed: bool
    retry_after: int = 0  # seconds until the window ends, when not allowed


def address_key(email: str) -> str:
    """The count's key of an e-mail address, normalised as `find_holder` looks it up."""
    return ADDRESS_PREFIX + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def client_key(client: str) -> str:
    return CLIENT_PREFIX + client[:64]


def take_client(sessions: sessionmaker, client: str | None,
                now: datetime | None = None) -> Allowance:
    """Counts a request from `client` (the address Flask reports, behind the trusted
    proxies); without one (a Unix socket), there is nothing to count by."""
    if not client:
        return Allowance(True)
    return take(sessions, client_key(client), REQUESTS_PER_CLIENT, now)


def take_address(sessions: sessionmaker, email: str, now: datetime | None = None) -> Allowance:
    return take(sessions, address_key(email), LINKS_PER_ADDRESS, now)


def take(sessions: sessionmaker, key: str, limit: int, now: datetime | None = None) -> Allowance:
    """One more use of `key` if its window has room (or is over, which starts a new one)."""
    now = now or datetime.now(UTC)
    table = LoginThrottle  # its `failures` column counts requests here
    for _ in range(4):  # lost races (a window renewed or a row inserted meanwhile) try again
        try:
            with sessions.begin() as s:
                if _updated(s.execute(update(table).where(
                        table.key == key, table.window_start > now - WINDOW,
                        table.failures < limit).values(failures=table.failures + 1))):
                    return Allowance(True)
                if _updated(s.execute(update(table).where(
                        table.key == key, table.window_start <= now - WINDOW).values(
                        failures=1, window_start=now, locked_until=None))):
                    return Allowance(True)
                row = s.get(table, key)
                if row is None:
                    s.add(table(key=key, failures=1, window_start=now, locked_until=None))
                    s.flush()
                    return Allowance(True)
                ends = as_utc(row.window_start) + WINDOW
                if row.failures >= limit and ends > now:
                    return Allowance(False, int((ends - now).total_seconds()) + 1)
        except IntegrityError:
            continue
    return Allowance(False, int(WINDOW.total_seconds()))  # contended beyond reason: refuse


def _updated(result: Any) -> bool:
    return cast(CursorResult[Any], result).rowcount == 1


def forget_old(sessions: sessionmaker, now: datetime | None = None) -> None:
    """Deletes the sign-in counts whose window is over (the login counts are not touched)."""
    now = now or datetime.now(UTC)
    with sessions.begin() as s:
        for prefix in (CLIENT_PREFIX, ADDRESS_PREFIX):
            s.execute(delete(LoginThrottle).where(
                LoginThrottle.key.startswith(prefix, autoescape=True),
                LoginThrottle.window_start <= now - WINDOW))
