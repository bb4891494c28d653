"""Issuing at the VC-API door (W3C VC-API (VCALM) "Issue Credential"), under the same rules
as the console and `s4c issue`.

An officer's software sends an unsigned credential. s4c does not sign what it was sent: the
request only says *which* credential is wanted, and the credential is built by the one
minting path (`issuer.issuing.issue_decision`, `issuer.minting.Minter`) from what is on
record:
- whose: `credentialSubject.id`, the DID of a registered candidate; their name comes from
  the candidate record;
- what: `credentialSubject.achievement`, a unit or role of the framework in use, given by its
  id alone or exactly as the framework has it;
- whether: the decision rules (`issuer.decisions`) are applied to the candidate's recorded
  assessments, as the console's "certify" does; a unit needs a passed assessment that is not
  voided, a role a role decision. Nothing is issued without one;
- how: validity, wording, result and the issuer's name and profile come from the framework,
  the decision and the deployment, never from the request.

Everything else the request says must agree with the credential so built
(`issuer.requested_fields`); what disagrees is refused with the JSON Pointer of the field
and what the recorded certification allows. The caller's transaction is rolled back on a
refusal, so nothing is stored. A decision has at most one credential: asking again is a
conflict (`AlreadyIssued`).
"""
import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer import credentials as build
from issuer.codes import IssuerCode
from issuer.errors import IssuerError
from issuer.issuing import issue_decision, record_decisions
from issuer.minting import Minter
from issuer.models import Assessment, Candidate, Decision, IssuedCredential
from issuer.progress import role_progress
from issuer.requested_fields import RequestRefused, check_agreement, difference
from issuer.rules import unit_passed
from schemas.framework import Framework
from vc.instants import parse_instant

__all__ = ["AlreadyIssued", "RequestRefused", "achievement_item", "issue_requested"]

BADGE_TYPES = ("OpenBadgeCredential", "AchievementCredential")
ISSUER_ASSIGNED = ("credentialStatus", "proof")
DECIDED = "/credentialSubject/achievement/id"  # what a missing decision is refused at


class AlreadyIssued(IssuerError):
    """The candidate holds a credential for this achievement already."""

    def __init__(self, credential_id: str) -> None:
        super().__init__(IssuerCode.ALREADY_ISSUED, id=credential_id)
        self.credential_id = credential_id


@dataclass(frozen=True)
class FrameworkItem:
    """A unit or role of the framework, and its achievement as s4c's credentials carry it."""

    kind: str  # "unit" | "role"
    code: str
    achievement: dict[str, Any]


def framework_items(framework: Framework) -> dict[str, FrameworkItem]:
    """The framework's achievements by id."""
    items = {}
    for unit in framework.units:
        items[unit.id] = FrameworkItem("unit", unit.code,
                                       build.unit_achievement(unit, framework))
    for role in framework.roles:
        items[role.id] = FrameworkItem("role", role.code,
                                       build.role_achievement(role, framework))
    return items


def achievement_item(credential: dict[str, Any], framework: Framework) -> FrameworkItem:
    """The framework unit or role the credential's achievement is; refused otherwise."""
    types = credential.get("type", [])
    if not any(t in types for t in BADGE_TYPES):
        raise RequestRefused("/type", IssuerCode.REQUEST_NOT_OPEN_BADGE)
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    pointer = "/credentialSubject/achievement"
    if not isinstance(achievement, dict) or not isinstance(achievement.get("id"), str):
        raise RequestRefused(pointer, IssuerCode.REQUEST_NO_ACHIEVEMENT)
    item = framework_items(framework).get(achievement["id"])
    if item is None:
        raise RequestRefused(f"{pointer}/id", IssuerCode.REQUEST_UNKNOWN_ACHIEVEMENT,
                             id=achievement["id"][:200], framework=framework.id)
    if set(achievement) - {"id", "type"} or achievement.get("type", ["Achievement"]) \
            != ["Achievement"]:
        where = difference(achievement, item.achievement, pointer)
        if where is not None:
            raise RequestRefused(where, IssuerCode.REQUEST_ACHIEVEMENT_DIFFERS)
    return item


def _candidate(s: Session, credential: dict[str, Any]) -> Candidate:
    subject_id = credential["credentialSubject"].get("id")
    if not isinstance(subject_id, str):
        raise RequestRefused("/credentialSubject/id", IssuerCode.REQUEST_SUBJECT_NOT_A_DID)
    candidate = s.scalars(select(Candidate).where(Candidate.did == subject_id)).first()
    if candidate is None:
        raise RequestRefused("/credentialSubject/id", IssuerCode.REQUEST_NO_CANDIDATE_WITH_DID,
                             did=subject_id[:200])
    return candidate


def _credential_id(credential: dict[str, Any], option: str | None) -> str | None:
    given = credential.get("id", option)
    if given is None:
        return None
    try:
        if not isinstance(given, str) or not given.startswith("urn:uuid:"):
            raise ValueError
        uuid.UUID(given.removeprefix("urn:uuid:"))
    except ValueError:
        raise RequestRefused("/id", IssuerCode.REQUEST_ID_NOT_URN_UUID) from None
    return given


def _check_date_syntax(credential: dict[str, Any]) -> None:
    for key in ("validFrom", "validUntil"):
        if key in credential and (not isinstance(credential[key], str)
                                  or parse_instant(credential[key]) is None):
            raise RequestRefused(f"/{key}", IssuerCode.REQUEST_NOT_A_DATETIME)


def issue_requested(s: Session, minter: Minter, credential: dict[str, Any], *,
                    credential_id: str | None) -> dict[str, Any]:
    """Issues, in the caller's transaction, the credential the candidate's recorded
    certification gives for the requested achievement; returns it signed. Raises
    `RequestRefused` (roll the transaction back) or `AlreadyIssued`."""
    for key in ISSUER_ASSIGNED:
        if key in credential:
            raise RequestRefused(f"/{key}", IssuerCode.REQUEST_ISSUER_ASSIGNED)
    framework = minter.framework
    item = achievement_item(credential, framework)
    _check_date_syntax(credential)
    candidate = _candidate(s, credential)
    cid = _credential_id(credential, credential_id)
    if cid is not None and s.get(IssuedCredential, cid) is not None:
        raise RequestRefused("/id", IssuerCode.REQUEST_ID_TAKEN, id=cid)
    # the decision rules, as the console's "certify" applies them (issuer.decisions)
    record_decisions(s, candidate, framework, minter.now, minter.actor)
    decisions = {(d.kind, d.code): d for d in s.scalars(select(Decision).where(
        Decision.candidate_id == candidate.id, Decision.framework_id == framework.id))}
    decision = decisions.get((item.kind, item.code))
    if decision is None:
        code, why = _why_not(s, candidate, framework, item, minter)
        raise RequestRefused(DECIDED, code, f"{why}; {_allowed(decisions)}", item=item.code)
    held = s.scalars(select(IssuedCredential).where(
        IssuedCredential.decision_id == decision.id)).first()
    if held is not None:
        raise AlreadyIssued(held.id)
    _check_rests_on_record(s, decision, decisions, framework)
    minted = issue_decision(s, candidate, replace(minter, via="vc-api"), decision, cid)
    check_agreement(credential, minted.document, candidate_name=candidate.name,
                    kind=item.kind, code=item.code, now=minter.now)
    return minted.document


def _check_rests_on_record(s: Session, decision: Decision,
                           decisions: dict[tuple[str, str], Decision],
                           framework: Framework) -> None:
    """A decision recorded without what it rests on (the VC-API used to record such
    decisions) issues nothing: a unit credential needs its passed assessment, not
    voided; a role the decisions of its units (whose credentials are issued with it)."""
    if decision.kind == "unit":
        _check_unit_rests_on_record(s, decision, decisions)
        return
    units = framework.role(decision.code).units
    missing = [u for u in units if ("unit", u) not in decisions]
    if missing:
        raise RequestRefused(DECIDED, IssuerCode.ROLE_DECIDED_WITHOUT_UNITS,
                             _allowed(decisions), role=decision.code, units=", ".join(missing))
    unit_decisions = [decisions[("unit", u)] for u in units]
    issued = set(s.scalars(select(IssuedCredential.decision_id).where(
        IssuedCredential.decision_id.in_([d.id for d in unit_decisions]))))
    for unit in unit_decisions:
        if unit.id not in issued:
            _check_unit_rests_on_record(s, unit, decisions)


def _check_unit_rests_on_record(s: Session, decision: Decision,
                                decisions: dict[tuple[str, str], Decision]) -> None:
    assessment = s.get(Assessment, decision.assessment_id) \
        if decision.assessment_id is not None else None
    if assessment is None or assessment.voided_at is not None:
        raise RequestRefused(DECIDED, IssuerCode.UNIT_DECIDED_WITHOUT_PASS,
                             _allowed(decisions), unit=decision.code)


def _why_not(s: Session, candidate: Candidate, framework: Framework, item: FrameworkItem,
             minter: Minter) -> tuple[str, str]:
    """The code of why `item` cannot be issued, and the facts on record (technical)."""
    if item.kind == "role":
        progress = next(p for p in role_progress(s, candidate, framework, minter.now.date())
                        if p.code == item.code)
        return IssuerCode.ROLE_NOT_CERTIFIED, progress.describe()
    threshold = framework.unit(item.code).pass_threshold
    results = [f"{a.score:g}/{a.max_score:g} on {a.assessed_on}: not passed"
               for a in s.scalars(select(Assessment).where(
                   Assessment.candidate_id == candidate.id,
                   Assessment.framework_id == framework.id,
                   Assessment.unit_code == item.code, Assessment.voided_at.is_(None))
                   .order_by(Assessment.assessed_on, Assessment.id))
               if not unit_passed(a.score, a.max_score, threshold)]
    return IssuerCode.RESULT_NOT_PASSED, f"{item.code}: {'; '.join(results) or 'no result'}"


def _allowed(decisions: dict[tuple[str, str], Decision]) -> str:
    units = sorted(code for kind, code in decisions if kind == "unit")
    roles = sorted(code for kind, code in decisions if kind == "role")
    return (f"the recorded certification allows units: {', '.join(units) or 'none'}; "
            f"roles: {', '.join(roles) or 'none'}")
