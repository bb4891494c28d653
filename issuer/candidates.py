"""Candidates: who may be assessed and certified. One candidate per email address."""
import secrets
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from issuer.audit import record_audit_event
from issuer.codes import IssuerCode
from issuer.errors import IssuerError, NotFound
from issuer.models import Candidate
from vc.did_resolver import did_method
from vc.errors import VCError
from vc.findings import Finding, finding


def candidate_problem(name: str, email: str, did: str | None) -> Finding | None:
    """Why a candidate cannot be registered; None when it can."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        return finding(IssuerCode.NOT_AN_EMAIL, email=email)
    if not name.strip():
        return finding(IssuerCode.CANDIDATE_NEEDS_NAME)
    if did is not None:
        try:  # DID Core 1.0 §3.1 syntax: it becomes credentialSubject.id, an IRI
            did_method(did)
        except VCError:
            return finding(IssuerCode.NOT_A_DID, did=did[:120], syntax="did:<method>:<id>")
    return None


def register_candidate(s: Session, name: str, email: str, did: str | None, actor: str) -> str:
    """Registers a candidate (idempotent by email); returns the candidate reference."""
    problem = candidate_problem(name, email, did)
    if problem is not None:
        raise IssuerError(problem)
    email = email.strip().lower()
    existing = s.scalars(select(Candidate).where(Candidate.email == email)).first()
    if existing is not None:
        if did and not existing.did:
            existing.did = did
        return existing.ref
    ref = str(uuid.uuid4())
    s.add(Candidate(ref=ref, name=name.strip(), email=email, did=did,
                    salt=secrets.token_urlsafe(16)))
    record_audit_event(s, actor, "candidate.added", ref, {"name": name.strip()})
    return ref


def find_candidate(s: Session, ref: str) -> Candidate:
    """The candidate of a reference or an email address."""
    # two indexed lookups: SQLite does not use both unique indexes for an OR
    c = s.scalars(select(Candidate).where(Candidate.ref == ref)).first() or \
        s.scalars(select(Candidate).where(Candidate.email == ref.strip().lower())).first()
    if c is None:
        raise NotFound(IssuerCode.NO_CANDIDATE, ref=ref)
    return c


def all_candidates(s: Session, search: str | None = None, limit: int = 500) -> list[Candidate]:
    """Candidates by name; `search`: those whose name, e-mail or reference contains it
    (case does not matter)."""
    query = select(Candidate).order_by(Candidate.name, Candidate.id)
    if search and search.strip():
        pattern = "%" + search.strip().lower().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        query = query.where(func.lower(Candidate.name).like(pattern, escape="\\")
                            | Candidate.email.like(pattern, escape="\\")
                            | Candidate.ref.like(pattern, escape="\\"))
    return list(s.scalars(query.limit(limit)))


def candidate_by_email(s: Session, email: str) -> Candidate | None:
    return s.scalars(select(Candidate).where(
        Candidate.email == email.strip().lower())).first()
