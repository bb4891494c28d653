"""Applying the decision rules to a candidate's records (see `issuer.rules`).

Units passed and roles certified become `Decision` rows, each with an audit row, written
together (a cohort decides thousands of them).
"""
from collections.abc import Collection, Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.audit import AuditEvent
from issuer.models import Assessment, Candidate, Decision
from issuer.records import insert_rows
from issuer.rules import role_outcome, unit_passed


def decide(s: Session, candidate: Candidate, fw, now: datetime, actor: str) -> None:
    """Records the decisions the candidate's assessments now support (never twice)."""
    decided: dict[tuple[str, str], date] = {}
    voided_units: set[str] = set()
    for kind, code, on, voided_at in s.execute(
            select(Decision.kind, Decision.code, Decision.decided_on, Assessment.voided_at)
            .outerjoin(Assessment, Assessment.id == Decision.assessment_id)
            .where(Decision.candidate_id == candidate.id, Decision.framework_id == fw.id)):
        decided[(kind, code)] = on
        if voided_at is not None:
            voided_units.add(code)
    assessments = s.execute(select(
        Assessment.id, Assessment.unit_code, Assessment.score, Assessment.max_score,
        Assessment.assessed_on).where(Assessment.candidate_id == candidate.id,
                                      Assessment.framework_id == fw.id,
                                      Assessment.voided_at.is_(None)))
    rows, audit = new_decisions(candidate.id, candidate.ref, assessments, decided, fw, now,
                                actor, voided_units)
    if rows:  # one executemany each: a cohort decides thousands of these
        insert_rows(s, Decision, rows)
        insert_rows(s, AuditEvent, audit)


def new_decisions(candidate_id: int, candidate_ref: str, assessments: Iterable,
                  decided: dict[tuple[str, str], date], fw, now: datetime,
                  actor: str, voided_units: Collection[str] = ()) -> tuple[list[dict],
                                                                           list[dict]]:
    """The decision rows (and their audit rows) that the assessments support and that are
    not `decided` yet. Assessments (the attempts not voided) have `id, unit_code, score,
    max_score, assessed_on`; a unit is passed on the date of its first passing assessment.

    A unit is decided once: a later pass (a retake) is recorded but decides nothing more,
    so it earns no second unit credential. A unit decision whose assessment was voided
    (`voided_units`) stays (its credential is revoked apart, if at all), but no longer
    counts for a role: only an attempt that counts does."""
    today = now.date()
    passed_on: dict[str, date] = {code: on for (kind, code), on in decided.items()
                                  if kind == "unit" and code not in voided_units}
    rows: list[dict] = []
    audit: list[dict] = []
    for a in sorted(assessments, key=lambda a: (a.assessed_on, a.id)):
        if a.unit_code in passed_on:
            continue
        if unit_passed(a.score, a.max_score, fw.unit(a.unit_code).pass_threshold):
            passed_on[a.unit_code] = a.assessed_on
            if ("unit", a.unit_code) in decided:
                continue  # decided from a voided attempt: this one counts for the roles
            rows.append({"candidate_id": candidate_id, "framework_id": fw.id,
                         "kind": "unit", "code": a.unit_code, "assessment_id": a.id,
                         "decided_on": a.assessed_on, "decided_by": actor,
                         "decided_at": now})
            audit.append({"at": now, "actor": actor, "action": "unit.passed",
                          "subject": candidate_ref, "detail": {"unit": a.unit_code}})
    for role in fw.roles:
        if ("role", role.code) in decided:
            continue
        outcome = role_outcome(tuple(role.units), passed_on, today, fw.validity_years)
        if outcome.certified:
            rows.append({"candidate_id": candidate_id, "framework_id": fw.id,
                         "kind": "role", "code": role.code, "assessment_id": None,
                         "decided_on": today, "decided_by": actor, "decided_at": now})
            audit.append({"at": now, "actor": actor, "action": "role.certified",
                          "subject": candidate_ref, "detail": {"role": role.code}})
    return rows, audit
