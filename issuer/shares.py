"""Holders' share links: an unguessable, revocable token naming one credential.

Only the SHA-256 of a token is stored, so the database alone cannot rebuild a link.
"""
import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from issuer.audit import record_audit_event
from issuer.models import IssuedCredential, ShareLink

TOKEN_BYTES = 16  # 128 bits; 22 characters of base64url keep the link QR small


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # SQLite returns naive UTC datetimes
    return moment


def create_share(sessions: sessionmaker, credential_id: str, actor: str,
                 expires_at: datetime | None = None) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with sessions.begin() as s:
        if s.get(IssuedCredential, credential_id) is None:
            raise LookupError(f"no credential {credential_id!r}")
        s.add(ShareLink(token_hash=_hash(token), credential_id=credential_id,
                        expires_at=expires_at))
        record_audit_event(s, actor, "share.created", credential_id,
                           {"expires_at": expires_at.isoformat() if expires_at else None})
    return token


def lookup_share(sessions: sessionmaker, token: str) -> dict | None:
    """The shared credential, or None when the link is unknown, revoked or expired."""
    if not token or len(token) > 64:
        return None
    with sessions() as s:
        link = s.get(ShareLink, _hash(token))
        if link is None or link.revoked_at is not None:
            return None
        expires = _aware(link.expires_at)
        if expires is not None and expires < datetime.now(UTC):
            return None
        credential = s.get(IssuedCredential, link.credential_id)
        return credential.document if credential else None


def revoke_share(sessions: sessionmaker, token: str, actor: str) -> bool:
    with sessions.begin() as s:
        link = s.get(ShareLink, _hash(token))
        if link is None or link.revoked_at is not None:
            return False
        link.revoked_at = datetime.now(UTC)
        record_audit_event(s, actor, "share.revoked", link.credential_id)
        return True


def shares_of(sessions: sessionmaker, credential_id: str) -> list[ShareLink]:
    with sessions() as s:
        return list(s.scalars(select(ShareLink).where(
            ShareLink.credential_id == credential_id)))
