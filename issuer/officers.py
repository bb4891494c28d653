"""Certification officers: hashed passwords for the console, API tokens for the VC-API."""
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from issuer import login_throttle
from issuer.audit import record_audit_event
from issuer.models import Officer

# scrypt parameters (RFC 7914): n=2^14, r=8, p=1 is the commonly recommended interactive cost
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(stored: str, password: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n),
                                  r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # tokens carry 256 random bits


def add_officer(sessions: sessionmaker, username: str, password: str, actor: str) -> str:
    """Creates an officer; returns a fresh API token (shown once, stored hashed)."""
    if len(password) < 10:
        raise ValueError("a password needs at least 10 characters")
    token = secrets.token_urlsafe(32)
    with sessions.begin() as s:
        if s.scalars(select(Officer).where(Officer.username == username)).first():
            raise ValueError(f"officer {username!r} exists")
        s.add(Officer(username=username, password_hash=hash_password(password),
                      api_token_hash=_token_hash(token)))
        record_audit_event(s, actor, "officer.added", username)
    return token


@dataclass(frozen=True)
class LoginResult:
    officer: str | None
    retry_after: int = 0  # seconds: too many failures, every password is refused for now


def login(sessions: sessionmaker, username: str, password: str,
          address: str | None = None) -> LoginResult:
    """Checks the password, unless the account or the client address is throttled
    (`issuer.login_throttle`); an unknown account costs the same scrypt as a known one."""
    gate = login_throttle.gate(sessions, username, address)
    if not gate.open:
        return LoginResult(None, gate.retry_after)
    with sessions() as s:
        officer = s.scalars(select(Officer).where(Officer.username == username)).first()
    if officer is None:
        hash_password(password)  # same cost whether or not the user exists
        ok = False
    else:
        ok = check_password(officer.password_hash, password)
    if not ok:
        login_throttle.record_failure(sessions, username, address)
        return LoginResult(None)
    login_throttle.record_success(sessions, username)
    return LoginResult(officer.username)


def officer_for_token(sessions: sessionmaker, token: str) -> str | None:
    if not token or len(token) > 128:
        return None
    with sessions() as s:
        officer = s.scalars(select(Officer).where(
            Officer.api_token_hash == _token_hash(token))).first()
    return officer.username if officer else None
