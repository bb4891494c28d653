"""Read-only views of the issuer's tables for the console and the holder pages.

Queries only: nothing here changes state or decides anything. Every change goes through
`IssuerService`. (Candidates to move into the service's query section.)
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import overload

from sqlalchemy import func, select

from issuer.audit import AuditEvent
from issuer.codes import IssuerCode
from issuer.lifecycle import credential_state
from issuer.models import Assessment, Candidate, IssuedCredential
from issuer.rules import RuleError, unit_passed
from issuer.service import IssuerService, NotFound
from issuer.voiding import AssessmentUse, uses_of
from schemas.framework import Framework

KINDS = ("unit", "role")
STATES = ("active", "suspended", "revoked", "expired")
MAX_AUDIT_ROWS = 500


@dataclass(frozen=True)
class CredentialRow:
    id: str
    kind: str
    code: str
    title: str
    holder: str
    candidate_ref: str
    issued_at: datetime
    valid_until: datetime | None
    state: str


@dataclass(frozen=True)
class Counts:
    candidates: int
    credentials: int
    roles: int
    units: int
    revoked: int
    suspended: int


@overload
def _aware(moment: datetime) -> datetime: ...
@overload
def _aware(moment: datetime | None) -> datetime | None: ...
def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # SQLite returns naive UTC datetimes
    return moment


def _title(document: dict, lang: str = "en") -> str:
    """The credential's name in `lang`, else in English, else in any language."""
    names = document.get("name")
    if isinstance(names, list):
        for wanted in (lang, "en", None):
            for value in names:
                if isinstance(value, dict) and (wanted is None
                                                or value.get("@language") == wanted):
                    return str(value.get("@value", ""))
    return str(names or "")


def counts(service: IssuerService) -> Counts:
    with service.sessions() as s:
        by_kind = dict(s.execute(select(IssuedCredential.kind, func.count())
                                 .group_by(IssuedCredential.kind)).all())
        revoked = s.scalar(select(func.count()).where(IssuedCredential.revoked.is_(True)))
        suspended = s.scalar(select(func.count()).where(
            IssuedCredential.suspended.is_(True), IssuedCredential.revoked.is_(False)))
        candidates = s.scalar(select(func.count()).select_from(Candidate))
    return Counts(candidates or 0, sum(by_kind.values()), by_kind.get("role", 0),
                  by_kind.get("unit", 0), revoked or 0, suspended or 0)


def credential_rows(service: IssuerService, *, kind: str | None = None,
                    state: str | None = None, candidate_ref: str | None = None,
                    limit: int = 50, offset: int = 0, lang: str = "en") -> list[CredentialRow]:
    """Issued credentials, newest first, filtered by kind, state and candidate; titles in
    `lang` (else English)."""
    now = service.clock()
    q = (select(IssuedCredential, Candidate.name, Candidate.ref)
         .join(Candidate, Candidate.id == IssuedCredential.candidate_id)
         .order_by(IssuedCredential.issued_at.desc(), IssuedCredential.id))
    if kind in KINDS:
        q = q.where(IssuedCredential.kind == kind)
    if candidate_ref is not None:
        q = q.where(Candidate.ref == candidate_ref)
    if state == "revoked":
        q = q.where(IssuedCredential.revoked.is_(True))
    elif state == "suspended":
        q = q.where(IssuedCredential.suspended.is_(True), IssuedCredential.revoked.is_(False))
    elif state == "expired":
        q = q.where(IssuedCredential.revoked.is_(False), IssuedCredential.suspended.is_(False),
                    IssuedCredential.valid_until.is_not(None),
                    IssuedCredential.valid_until <= now)
    elif state == "active":
        q = q.where(IssuedCredential.revoked.is_(False), IssuedCredential.suspended.is_(False),
                    (IssuedCredential.valid_until.is_(None))
                    | (IssuedCredential.valid_until > now))
    with service.sessions() as s:
        rows = s.execute(q.limit(limit).offset(offset)).all()
    return [CredentialRow(c.id, c.kind, c.code, _title(c.document, lang), name, ref,
                          _aware(c.issued_at), _aware(c.valid_until),
                          credential_state(c, now)) for c, name, ref in rows]


def credential_row(service: IssuerService, credential_id: str,
                   lang: str = "en") -> CredentialRow:
    with service.sessions() as s:
        found = s.execute(select(IssuedCredential, Candidate.name, Candidate.ref)
                          .join(Candidate, Candidate.id == IssuedCredential.candidate_id)
                          .where(IssuedCredential.id == credential_id)).first()
    if found is None:
        raise NotFound(IssuerCode.NO_CREDENTIAL, id=credential_id)
    c, name, ref = found
    return CredentialRow(c.id, c.kind, c.code, _title(c.document, lang), name, ref,
                         _aware(c.issued_at), _aware(c.valid_until),
                         credential_state(c, service.clock()))


def candidate(service: IssuerService, ref: str) -> Candidate:
    with service.sessions() as s:
        found = s.scalars(select(Candidate).where(Candidate.ref == ref)).first()
    if found is None:
        raise NotFound(IssuerCode.NO_CANDIDATE, ref=ref)
    return found


@dataclass(frozen=True)
class AssessmentRow:
    ref: str
    unit_code: str
    attempt: int
    score: float
    max_score: float
    assessed_on: date
    exam_body: str
    assessor: str
    recorded_by: str
    passed: bool | None  # None: its unit is not in the framework in use
    voided_at: datetime | None
    voided_by: str | None
    void_reason: str | None
    use: AssessmentUse | None  # the decisions and credentials taken from it, if any


def assessments(service: IssuerService, candidate_ref: str) -> list[AssessmentRow]:
    """The candidate's attempts, voided ones included, by date, unit and attempt."""
    with service.sessions() as s:
        rows = list(s.scalars(select(Assessment).join(Candidate, Candidate.id ==
                                                      Assessment.candidate_id)
                              .where(Candidate.ref == candidate_ref)
                              .order_by(Assessment.assessed_on, Assessment.unit_code,
                                        Assessment.attempt, Assessment.id)))
        fw = service.framework()
        uses = uses_of(s, rows, fw)
        return [AssessmentRow(a.ref, a.unit_code, a.attempt, a.score, a.max_score,
                              a.assessed_on, a.exam_body, a.assessor, a.recorded_by,
                              _passed(fw, a), _aware(a.voided_at), a.voided_by, a.void_reason,
                              uses.get(a.id)) for a in rows]


def _passed(fw: Framework, a: Assessment) -> bool | None:
    try:
        return unit_passed(a.score, a.max_score, fw.unit(a.unit_code).pass_threshold)
    except (KeyError, RuleError):
        return None


def audit_trail(service: IssuerService, subject: str) -> list[AuditEvent]:
    """The audit rows about one subject (a credential id, a candidate ref), oldest first."""
    with service.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.subject == subject)
                              .order_by(AuditEvent.at, AuditEvent.id).limit(MAX_AUDIT_ROWS)))
