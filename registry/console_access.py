"""Sign-in to the registry's admin console: one password per authority (operator or anchor),
server-side sessions, and login throttling by account and client address.

Passwords are kept as scrypt (RFC 7914, n=2^14, r=8, p=1). A session id is 256 random bits
in the signed cookie; the database holds its SHA-256, the authority's slug and the expiry,
so signing out ends every copy of the cookie. After too many failures in a window an
account or address is locked for a while: even the right password is refused then, with
the same answer for a known and an unknown account (OWASP Authentication Cheat Sheet).
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from registry.codes import RegistryCode
from registry.errors import InvalidRecord, RecordNotFound
from registry.models import AuthorityRecord, ConsoleSessionRecord, LoginThrottleRecord
from registry.store import audit

_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
MAX_SESSION_ID = 128
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
MAX_ACCOUNT_FAILURES = 5
MAX_ADDRESS_FAILURES = 20


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(stored: str | None, password: str) -> bool:
    try:
        _, n, r, p, salt, digest = (stored or "").split("$")
        computed = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n),
                                  r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


@dataclass(frozen=True)
class SignIn:
    slug: str | None  # the authority signed in, or None
    retry_after: int = 0  # seconds: throttled, every password is refused for now


class ConsoleAccess:
    """Passwords, sessions and throttling of the console, over the registry's database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def set_password(self, slug: str, password: str, at: datetime | None = None,
                     actor: str | None = None) -> None:
        """Sets (or replaces) an authority's console password; its open sessions end."""
        if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise InvalidRecord(RegistryCode.PASSWORD_LENGTH, min=MIN_PASSWORD,
                                max=MAX_PASSWORD)
        at = at or datetime.now(UTC)
        with self._sessions.begin() as s:
            record = s.scalar(select(AuthorityRecord).where(AuthorityRecord.slug == slug))
            if record is None:
                raise RecordNotFound(RegistryCode.NO_AUTHORITY, slug=slug)
            record.password_hash = hash_password(password)
            s.execute(delete(ConsoleSessionRecord).where(ConsoleSessionRecord.slug == slug))
            audit(s, at, actor or record.did, "registry.console.password-set", record.did,
                  {"slug": slug})

    def sign_in(self, slug: str, password: str, address: str | None) -> SignIn:
        """Checks the password unless the account or address is throttled; an unknown
        account costs the same scrypt as a known one."""
        slug, password = str(slug)[:200], str(password)[:MAX_PASSWORD]
        now = datetime.now(UTC)
        wait = self._locked_for(slug, address, now)
        if wait:
            return SignIn(None, wait)
        with self._sessions() as s:
            stored = s.scalar(select(AuthorityRecord.password_hash).where(
                AuthorityRecord.slug == slug))
        if stored is None:
            hash_password(password)
            ok = False
        else:
            ok = check_password(stored, password)
        if not ok:
            self._record_failure(slug, address, now)
            return SignIn(None)
        with self._sessions.begin() as s:
            row = s.get(LoginThrottleRecord, _keys(slug, None)[0][0])
            if row is not None:
                s.delete(row)
            did = s.scalar(select(AuthorityRecord.did).where(AuthorityRecord.slug == slug))
            audit(s, now, did or slug, "registry.console.signed-in", did,
                  {"slug": slug, "address": (address or "")[:64]})
        return SignIn(slug)

    def start_session(self, slug: str, lifetime: timedelta) -> str:
        session_id = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self._sessions.begin() as s:
            s.execute(delete(ConsoleSessionRecord).where(ConsoleSessionRecord.expires_at < now))
            s.add(ConsoleSessionRecord(id_hash=_hash(session_id), slug=slug, created_at=now,
                                       expires_at=now + lifetime))
        return session_id

    def slug_for_session(self, session_id: object) -> str | None:
        if not isinstance(session_id, str) or not session_id or len(session_id) > MAX_SESSION_ID:
            return None
        with self._sessions() as s:
            row = s.get(ConsoleSessionRecord, _hash(session_id))
            if row is None or _utc(row.expires_at) <= datetime.now(UTC):
                return None
            return row.slug

    def end_sessions_of(self, slug: str) -> None:
        """Signs an authority out everywhere (its anchor was retired, say)."""
        with self._sessions.begin() as s:
            s.execute(delete(ConsoleSessionRecord).where(ConsoleSessionRecord.slug == slug))

    def end_session(self, session_id: object) -> None:
        if isinstance(session_id, str) and session_id:
            with self._sessions.begin() as s:
                s.execute(delete(ConsoleSessionRecord).where(
                    ConsoleSessionRecord.id_hash == _hash(session_id)))

    # -- throttling ---------------------------------------------------------------------

    def _locked_for(self, slug: str, address: str | None, now: datetime) -> int:
        with self._sessions() as s:
            for key, _ in _keys(slug, address):
                row = s.get(LoginThrottleRecord, key)
                if row is not None and row.locked_until is not None \
                        and _utc(row.locked_until) > now:
                    return int((_utc(row.locked_until) - now).total_seconds()) + 1
        return 0

    def _record_failure(self, slug: str, address: str | None, now: datetime) -> None:
        with self._sessions.begin() as s:  # forget keys whose window and lock are long over
            s.execute(delete(LoginThrottleRecord).where(
                LoginThrottleRecord.window_start < now - WINDOW - LOCKOUT,
                or_(LoginThrottleRecord.locked_until.is_(None),
                    LoginThrottleRecord.locked_until < now)))
        for key, limit in _keys(slug, address):
            for _ in range(2):  # a concurrent first failure may insert the row first
                try:
                    with self._sessions.begin() as s:
                        _count(s, key, limit, now)
                    break
                except IntegrityError:
                    continue


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _keys(slug: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(f"account:{slug.strip().lower()[:200]}", MAX_ACCOUNT_FAILURES)]
    if address:
        keys.append((f"address:{address[:64]}", MAX_ADDRESS_FAILURES))
    return keys


def _count(s: Session, key: str, limit: int, now: datetime) -> None:
    row = s.get(LoginThrottleRecord, key, with_for_update=True)
    if row is None:
        s.add(LoginThrottleRecord(key=key, failures=1, window_start=now, locked_until=None))
        return
    if now - _utc(row.window_start) > WINDOW:
        row.failures, row.window_start = 0, now
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + LOCKOUT
        row.failures, row.window_start = 0, now
