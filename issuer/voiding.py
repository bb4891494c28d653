"""Voiding an assessment recorded in error: it stays on record, marked with who
voided it, when and why, but no longer counts for certification.

Voiding never changes a credential already issued: a credential that rests on the voided
result (the unit's credential, and the credentials of the roles that include that unit) is
named, so that the officer can revoke it, which is a separate decision with its own reason.
A decision that rests on the voided result and has no credential yet is withdrawn (it would
otherwise be issued later from a result that no longer counts); the rules decide again the
next time the candidate is certified, from the attempts that still count.
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from issuer.audit import record_audit_event
from issuer.codes import IssuerCode
from issuer.errors import IssuerError, NotFound
from issuer.models import Assessment, Candidate, Decision, IssuedCredential
from schemas.framework import Framework
from vc.findings import Finding, finding

MAX_REASON = 1000


class AlreadyVoided(IssuerError):
    """The assessment was voided before; it cannot be voided twice."""


@dataclass(frozen=True)
class ResultingCredential:
    """A credential issued from an assessment: its unit's, or a role's that includes it."""

    id: str
    kind: str  # "unit" | "role"
    code: str
    revoked: bool
    suspended: bool


@dataclass(frozen=True)
class AssessmentUse:
    """What rests on one assessment: the decisions taken from it, and their credentials."""

    decisions: tuple[tuple[str, str], ...]  # (kind, code), the unit's first
    credentials: tuple[ResultingCredential, ...]


@dataclass(frozen=True)
class VoidedAssessment:
    ref: str
    candidate_ref: str
    unit: str
    attempt: int
    voided_at: datetime
    voided_by: str
    reason: str
    withdrawn: tuple[tuple[str, str], ...]  # pending decisions withdrawn, (kind, code)
    credentials: tuple[ResultingCredential, ...]  # issued from it: unchanged, revoke apart

    def describe(self) -> str:
        text = f"attempt {self.attempt} of {self.unit} voided"
        if self.withdrawn:
            text += "; decisions not issued yet withdrawn: " + ", ".join(
                f"{kind} {code}" for kind, code in self.withdrawn)
        active = [c for c in self.credentials if not c.revoked]
        if active:
            text += ("; credentials issued from it are NOT changed (revoke them separately "
                     "if they should no longer count): " + ", ".join(
                         f"{c.kind} {c.code} {c.id}" for c in active))
        return text


def reason_problem(reason: str | None) -> Finding | None:
    """Why a void reason cannot be recorded; None when it can."""
    text = (reason or "").strip()
    if not text:
        return finding(IssuerCode.VOID_REASON_REQUIRED)
    if len(text) > MAX_REASON:
        return finding(IssuerCode.VOID_REASON_TOO_LONG, n=MAX_REASON)
    if "\0" in text:
        return finding(IssuerCode.VOID_REASON_HAS_NUL)
    return None


def uses_of(s: Session, assessments: Iterable[Assessment],
            fw: Framework) -> dict[int, AssessmentUse]:
    """What rests on each assessment (by id): only those with a unit decision taken from
    them appear. The roles are those of the framework that include the unit."""
    by_id = {a.id: a for a in assessments}
    if not by_id:
        return {}
    units = list(s.execute(select(Decision.id, Decision.assessment_id, Decision.candidate_id,
                                  Decision.code)
                           .where(Decision.assessment_id.in_(list(by_id)),
                                  Decision.kind == "unit")))
    if not units:
        return {}
    candidates = {d.candidate_id for d in units}
    roles: dict[tuple[int, str], list] = defaultdict(list)  # (candidate, role) -> decisions
    for d in s.execute(select(Decision.id, Decision.candidate_id, Decision.code).where(
            Decision.candidate_id.in_(list(candidates)), Decision.kind == "role")):
        roles[(d.candidate_id, d.code)].append(d)
    decision_ids = [d.id for d in units] + [d.id for ds in roles.values() for d in ds]
    credentials = {c.decision_id: ResultingCredential(c.id, c.kind, c.code, c.revoked,
                                                      c.suspended)
                   for c in s.scalars(select(IssuedCredential).where(
                       IssuedCredential.decision_id.in_(decision_ids)))}
    out = {}
    for unit in units:
        decisions = [("unit", unit.code)]
        resting = [credentials[unit.id]] if unit.id in credentials else []
        for role in _roles_with(fw, unit.code):
            for d in roles.get((unit.candidate_id, role), []):
                decisions.append(("role", role))
                if d.id in credentials:
                    resting.append(credentials[d.id])
        out[unit.assessment_id] = AssessmentUse(tuple(decisions), tuple(resting))
    return out


def _roles_with(fw: Framework, unit: str) -> list[str]:
    try:
        return [r.code for r in fw.roles_with_unit(unit)]
    except KeyError:  # a unit of another framework version
        return []


def void_assessment(s: Session, ref: str, reason: str, fw: Framework, now: datetime,
                    actor: str) -> VoidedAssessment:
    """Voids the assessment `ref` in the caller's transaction, with an audit row. Raises
    NotFound, AlreadyVoided, or IssuerError for a missing or unusable reason."""
    problem = reason_problem(reason)
    if problem is not None:
        raise IssuerError(problem)
    reason = reason.strip()
    found = s.execute(select(Assessment, Candidate.ref)
                      .join(Candidate, Candidate.id == Assessment.candidate_id)
                      .where(Assessment.ref == ref.strip()).with_for_update(of=Assessment)
                      ).first()
    if found is None:
        raise NotFound(IssuerCode.NO_ASSESSMENT, ref=ref)
    assessment, candidate_ref = found
    if assessment.voided_at is not None:
        raise AlreadyVoided(IssuerCode.ALREADY_VOIDED, attempt=assessment.attempt,
                            unit=assessment.unit_code, by=assessment.voided_by or "",
                            date=assessment.voided_at.date(),
                            reason=assessment.void_reason or "")
    # conditional, so that of two officers voiding at once one wins (SQLite takes no row
    # lock for `with_for_update`; PostgreSQL's lock makes the second read see the first)
    marked = cast(CursorResult, s.execute(update(Assessment).where(
        Assessment.id == assessment.id, Assessment.voided_at.is_(None)).values(
        voided_at=now, voided_by=actor, void_reason=reason).execution_options(
        synchronize_session=False)))
    if marked.rowcount != 1:
        raise AlreadyVoided(IssuerCode.VOIDED_JUST_NOW, attempt=assessment.attempt,
                            unit=assessment.unit_code)
    use = uses_of(s, [assessment], fw).get(assessment.id)
    withdrawn = _withdraw_pending(s, assessment, use) if use else ()
    for name, value in (("voided_at", now), ("voided_by", actor), ("void_reason", reason)):
        set_committed_value(assessment, name, value)  # as the update above wrote them
    credentials = use.credentials if use else ()
    record_audit_event(s, actor, "assessment.voided", candidate_ref, {
        "assessment": assessment.ref, "unit": assessment.unit_code,
        "attempt": assessment.attempt, "reason": reason,
        "withdrawn": [f"{kind} {code}" for kind, code in withdrawn],
        "credentials_unchanged": [c.id for c in credentials]})
    return VoidedAssessment(assessment.ref, candidate_ref, assessment.unit_code,
                            assessment.attempt, now, actor, reason, withdrawn, credentials)


def _withdraw_pending(s: Session, assessment: Assessment,
                      use: AssessmentUse) -> tuple[tuple[str, str], ...]:
    """Deletes the decisions resting on the assessment that have no credential yet."""
    issued = {(c.kind, c.code) for c in use.credentials}
    pending = [(kind, code) for kind, code in use.decisions if (kind, code) not in issued]
    if ("unit", assessment.unit_code) in issued:
        # the unit's credential stands (until revoked): the roles it earned stay decided
        pending = [d for d in pending if d[0] == "unit"]
    for kind, code in pending:
        s.execute(delete(Decision).where(
            Decision.candidate_id == assessment.candidate_id,
            Decision.framework_id == assessment.framework_id, Decision.kind == kind,
            Decision.code == code))
    return tuple(pending)
