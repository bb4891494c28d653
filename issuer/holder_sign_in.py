"""Holders' personal sign-in links: how a certified professional reaches their own
page without a password.

A link carries 256 random bits, works once and within `LINK_HOURS`; using it starts a
session of `SESSION_HOURS` on that browser, named by a second random token. Only SHA-256
hashes of both are stored, so the database alone cannot sign anyone in. Each link made or
used leaves an audit row.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from issuer.audit import record_audit_event
from issuer.models import Candidate, HolderSignIn
from issuer.records import as_utc

LINK_HOURS = 72
SESSION_HOURS = 12


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Holder:
    candidate_id: int
    ref: str
    name: str
    email: str
    language: str | None


def _holder(c: Candidate) -> Holder:
    return Holder(c.id, c.ref, c.name, c.email, c.language)


def find_holder(s: Session, email: str) -> Holder | None:
    found = s.scalars(select(Candidate).where(
        Candidate.email == email.strip().lower())).first()
    return _holder(found) if found else None


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def make_link(s: Session, holder: Holder, actor: str, now: datetime,
              token: str | None = None) -> str:
    """Keeps a sign-in link for `holder`: `token`, or a new one (earlier unused links keep
    working until they expire: an e-mail may arrive late). Returns the token."""
    token = token or new_link_token()
    s.add(HolderSignIn(token_hash=_hash(token), candidate_id=holder.candidate_id,
                       created_by=actor, created_at=now,
                       expires_at=now + timedelta(hours=LINK_HOURS)))
    record_audit_event(s, actor, "holder.sign_in.sent", holder.ref, {"hours": LINK_HOURS})
    return token


def use_link(sessions: sessionmaker, token: str, now: datetime) -> tuple[Holder, str] | None:
    """The holder and a new session token, when `token` is a link not used before and not
    expired; None otherwise. The link is used up even by two simultaneous clicks: the
    update that marks it is conditional."""
    session_token = secrets.token_urlsafe(32)
    with sessions.begin() as s:
        row = s.scalars(select(HolderSignIn).where(
            HolderSignIn.token_hash == _hash(token))).first()
        if row is None or row.used_at is not None or as_utc(row.expires_at) <= now:
            return None
        used = s.execute(update(HolderSignIn).where(
            HolderSignIn.id == row.id, HolderSignIn.used_at.is_(None)).values(
            used_at=now, session_hash=_hash(session_token),
            session_expires_at=now + timedelta(hours=SESSION_HOURS)))
        if used.rowcount != 1:
            return None
        candidate = s.get(Candidate, row.candidate_id)
        if candidate is None:
            return None
        record_audit_event(s, "holder", "holder.sign_in.used", candidate.ref)
        return _holder(candidate), session_token


def holder_for_session(sessions: sessionmaker, session_token: str | None,
                       now: datetime) -> Holder | None:
    if not session_token:
        return None
    with sessions() as s:
        row = s.scalars(select(HolderSignIn).where(
            HolderSignIn.session_hash == _hash(session_token))).first()
        if row is None or row.session_expires_at is None \
                or as_utc(row.session_expires_at) <= now:
            return None
        candidate = s.get(Candidate, row.candidate_id)
        return _holder(candidate) if candidate else None


def end_session(sessions: sessionmaker, session_token: str | None) -> None:
    if session_token:
        with sessions.begin() as s:
            s.execute(update(HolderSignIn).where(
                HolderSignIn.session_hash == _hash(session_token)).values(
                session_hash=None, session_expires_at=None))


def set_language(s: Session, holder: Holder, language: str) -> None:
    s.execute(update(Candidate).where(Candidate.id == holder.candidate_id)
              .values(language=language))


def choose_language(sessions: sessionmaker, holder: Holder, language: str) -> None:
    """The signed-in holder's own choice of the language of their e-mails:
    only they, or an officer, may change it; an anonymous request for a link never does)."""
    with sessions.begin() as s:
        set_language(s, holder, language)
        record_audit_event(s, "holder", "holder.language.chosen", holder.ref,
                           {"language": language})
