"""Applying the decision rules to a candidate's records (see `issuer.rules`).

Units passed and roles certified become `Decision` rows, each with an audit row, written
together (a cohort decides thousands of them).
"""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.audit import AuditEvent
from issuer.models import Assessment, Candidate, Decision
from issuer.records import insert_rows
from issuer.rules import role_outcome, unit_passed


def decide(s: Session, candidate: Candidate, fw, now: datetime, actor: str) -> None:
    """Records the decisions the candidate's assessments now support (never twice)."""
    today = now.date()
    decided = {(kind, code): on for kind, code, on in s.execute(
        select(Decision.kind, Decision.code, Decision.decided_on).where(
            Decision.candidate_id == candidate.id, Decision.framework_id == fw.id))}
    passed_on: dict[str, date] = {code: on for (kind, code), on in decided.items()
                                  if kind == "unit"}
    rows: list[dict] = []
    audit: list[dict] = []
    for a in s.scalars(select(Assessment).where(
            Assessment.candidate_id == candidate.id, Assessment.framework_id == fw.id)
            .order_by(Assessment.assessed_on)):
        if a.unit_code in passed_on:
            continue
        if unit_passed(a.score, a.max_score, fw.unit(a.unit_code).pass_threshold):
            rows.append({"candidate_id": candidate.id, "framework_id": fw.id,
                         "kind": "unit", "code": a.unit_code, "assessment_id": a.id,
                         "decided_on": a.assessed_on, "decided_by": actor,
                         "decided_at": now})
            passed_on[a.unit_code] = a.assessed_on
            audit.append({"at": now, "actor": actor, "action": "unit.passed",
                          "subject": candidate.ref, "detail": {"unit": a.unit_code}})
    for role in fw.roles:
        if ("role", role.code) in decided:
            continue
        outcome = role_outcome(tuple(role.units), passed_on, today, fw.validity_years)
        if outcome.certified:
            rows.append({"candidate_id": candidate.id, "framework_id": fw.id,
                         "kind": "role", "code": role.code, "assessment_id": None,
                         "decided_on": today, "decided_by": actor, "decided_at": now})
            audit.append({"at": now, "actor": actor, "action": "role.certified",
                          "subject": candidate.ref, "detail": {"role": role.code}})
    if rows:  # one executemany each: a cohort decides thousands of these
        insert_rows(s, Decision, rows)
        insert_rows(s, AuditEvent, audit)
