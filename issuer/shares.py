"""Holders' share links: an unguessable token naming one credential, which expires (one year
unless chosen otherwise), counts its uses and can be withdrawn.

Only the SHA-256 of a token is stored, so the database alone cannot rebuild a link. A link
made here has a random id, and its token is an HMAC of that id under the server's key, so
the server can show the credential's current link again (on the certificate, in the console).
Links stored before links had ids (revision i0003) still open, but cannot be shown again.
"""
import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from issuer.audit import AuditEvent, record_audit_event
from issuer.codes import IssuerCode
from issuer.errors import IssuerError
from issuer.models import IssuedCredential, ShareLink, new_share_link_id
from issuer.records import as_utc, insert_rows

TOKEN_CHARS = 22  # 132 bits of base64url: keeps the link QR small (version 4 at M)
MAX_TOKEN_CHARS = 64
DEFAULT_SHARE_DAYS = 365
MAX_SHARE_DAYS = 5 * 366  # "at most five years", whatever the leap days
_TOKEN_CONTEXT = b"s4c share link "  # keeps these HMACs apart from other uses of the key

ShareState = Literal["active", "expired", "withdrawn"]


class ShareError(IssuerError):
    """A share link that cannot be made as asked (`.finding` says why)."""


@dataclass(frozen=True)
class Share:
    """One share link as the console lists it."""

    id: str
    credential_id: str
    created_at: datetime
    created_by: str | None
    expires_at: datetime | None
    revoked_at: datetime | None
    uses: int
    state: ShareState
    token: str | None  # None when this server's key does not derive it (an older link)


def share_token(key: bytes, link_id: str) -> str:
    """The token of link `link_id`: base64url(HMAC-SHA256(key, context + id)), 22 characters."""
    mac = hmac.new(key, _TOKEN_CONTEXT + link_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii")[:TOKEN_CHARS]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _state(link: ShareLink, now: datetime) -> ShareState:
    if link.revoked_at is not None:
        return "withdrawn"
    expires = as_utc(link.expires_at)
    return "expired" if expires is not None and expires <= now else "active"


def _shown(link: ShareLink, key: bytes | None, now: datetime) -> Share:
    token = share_token(key, link.id) if key is not None else None
    if token is not None and not hmac.compare_digest(_hash(token), link.token_hash):
        token = None  # made before links had ids, or under another key
    return Share(id=link.id, credential_id=link.credential_id,
                 created_at=as_utc(link.created_at), created_by=link.created_by,
                 expires_at=as_utc(link.expires_at), revoked_at=as_utc(link.revoked_at),
                 uses=link.uses, state=_state(link, now), token=token)


def create_share(sessions: sessionmaker, credential_id: str, actor: str, key: bytes,
                 expires_at: datetime | None = None) -> str:
    """A new link to the credential, valid until `expires_at` (default: one year from now,
    at most five years); returns its token. Raises LookupError, ShareError."""
    now = datetime.now(UTC)
    if expires_at is None:
        expires_at = now + timedelta(days=DEFAULT_SHARE_DAYS)
    expires_at = as_utc(expires_at)
    if expires_at <= now:
        raise ShareError(IssuerCode.SHARE_EXPIRY_NOT_AFTER_TODAY)
    if expires_at > now + timedelta(days=MAX_SHARE_DAYS):
        raise ShareError(IssuerCode.SHARE_EXPIRY_TOO_FAR)
    link_id = new_share_link_id()
    token = share_token(key, link_id)
    with sessions.begin() as s:
        if s.get(IssuedCredential, credential_id) is None:
            raise LookupError(f"no credential {credential_id!r}")
        s.add(ShareLink(token_hash=_hash(token), id=link_id, credential_id=credential_id,
                        created_at=now, created_by=actor, expires_at=expires_at, uses=0))
        record_audit_event(s, actor, "share.created", credential_id,
                           {"link": link_id, "expires_at": expires_at.isoformat()})
    return token


def current_share(sessions: sessionmaker, credential_id: str, key: bytes, actor: str) -> str:
    """The token of the credential's newest active link this server can show, else of a new
    one (made by `actor`, expiring after one year). Raises LookupError."""
    for link in shares_of(sessions, credential_id, key):
        if link.state == "active" and link.token is not None:
            return link.token
    return create_share(sessions, credential_id, actor, key)


@dataclass(frozen=True)
class HolderLink:
    """A credential's link as a list for its holders gives it: reused, or made just now."""

    token: str
    expires_at: datetime | None
    new: bool


def holder_links(s: Session, credential_ids: Sequence[str], actor: str, key: bytes,
                 now: datetime) -> dict[str, HolderLink]:
    """For each credential, its newest active link this server can show, else a new one
    valid for one year (`DEFAULT_SHARE_DAYS`), as `current_share` does one by one; in the
    caller's transaction, each new link with its `share.created` audit row."""
    out: dict[str, HolderLink] = {}
    wanted = list(dict.fromkeys(credential_ids))
    for start in range(0, len(wanted), 500):  # bounded IN lists
        part = wanted[start:start + 500]
        for link in s.scalars(select(ShareLink).where(ShareLink.credential_id.in_(part))
                              .order_by(ShareLink.created_at.desc(), ShareLink.id)):
            shown = _shown(link, key, now)
            if shown.state == "active" and shown.token is not None:
                out.setdefault(link.credential_id, HolderLink(shown.token, shown.expires_at,
                                                              new=False))
    links, audit = [], []
    expires_at = now + timedelta(days=DEFAULT_SHARE_DAYS)
    for credential_id in wanted:
        if credential_id in out:
            continue
        link_id = new_share_link_id()
        token = share_token(key, link_id)
        links.append({"token_hash": _hash(token), "id": link_id,
                      "credential_id": credential_id, "created_at": now,
                      "created_by": actor, "expires_at": expires_at, "revoked_at": None,
                      "uses": 0})
        audit.append({"at": now, "actor": actor, "action": "share.created",
                      "subject": credential_id,
                      "detail": {"link": link_id, "expires_at": expires_at.isoformat()}})
        out[credential_id] = HolderLink(token, expires_at, new=True)
    insert_rows(s, ShareLink, links)
    insert_rows(s, AuditEvent, audit)
    return out


def lookup_share(sessions: sessionmaker, token: str) -> dict | None:
    """The shared credential, or None when the link is unknown, withdrawn or expired.
    Each successful lookup counts one use (atomically, so concurrent openings all count)."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    token_hash = _hash(token)
    with sessions.begin() as s:
        counted = s.execute(
            update(ShareLink)
            .where(ShareLink.token_hash == token_hash, ShareLink.revoked_at.is_(None),
                   or_(ShareLink.expires_at.is_(None),
                       ShareLink.expires_at > datetime.now(UTC)))
            .values(uses=ShareLink.uses + 1)
            .execution_options(synchronize_session=False))
        if counted.rowcount != 1:
            return None
        document = s.scalar(select(IssuedCredential.document)
                            .join(ShareLink, ShareLink.credential_id == IssuedCredential.id)
                            .where(ShareLink.token_hash == token_hash))
        return document


def revoke_share(sessions: sessionmaker, link_id: str, actor: str,
                 credential_id: str | None = None) -> bool:
    """Withdraws link `link_id` (of `credential_id`, when given); False when it was already
    withdrawn. Raises LookupError for an unknown link."""
    with sessions.begin() as s:
        link = s.scalar(select(ShareLink).where(ShareLink.id == link_id).with_for_update())
        if link is None or credential_id not in (None, link.credential_id):
            raise LookupError(f"no share link {link_id!r}")
        if link.revoked_at is not None:
            return False
        link.revoked_at = datetime.now(UTC)
        record_audit_event(s, actor, "share.revoked", link.credential_id, {"link": link_id})
        return True


def shares_of(sessions: sessionmaker, credential_id: str,
              key: bytes | None = None) -> list[Share]:
    """The credential's links, newest first; each with its token when `key` derives it."""
    now = datetime.now(UTC)
    with sessions() as s:
        links = s.scalars(select(ShareLink).where(ShareLink.credential_id == credential_id)
                          .order_by(ShareLink.created_at.desc(), ShareLink.id))
        return [_shown(link, key, now) for link in links]
