"""Assessments: a candidate's unit results, each recorded once.

One rule path serves one assessment (console, API, command line) and a cohort's thousands:
`assessment_problem` says why a row cannot be recorded from the framework and the rules
alone; `new_assessments` compares the rows left with what is recorded and builds the rows
to insert. Recording one assessment is recording a list of one.

A row is a dict: unit, score, max_score, assessed_on, exam_body, assessor, and `line` (where
errors point: a line of the cohort file).
"""
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.audit import AuditEvent
from issuer.candidates import find_candidate
from issuer.errors import IssuerError
from issuer.models import Assessment
from issuer.records import insert_rows
from issuer.rules import RuleError, unit_passed
from schemas.framework import Framework

Known = dict[tuple[str, date], Mapping]  # (unit, date) -> the score and max_score recorded


@dataclass
class NewAssessments:
    """What recording some rows of one candidate adds, and what it refuses."""

    rows: list[dict] = field(default_factory=list)  # `issuer_assessments` rows to insert
    audit: list[dict] = field(default_factory=list)  # their `assessment.recorded` rows
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message) refused
    passed: dict[int, bool] = field(default_factory=dict)  # by line, for the rows accepted


def assessment_problem(fw: Framework, row: Mapping, today: date) -> str | None:
    """Why an assessment row cannot be recorded, from the framework and the rules alone;
    None when it can."""
    try:
        unit = fw.unit(row["unit"])
    except (KeyError, LookupError):
        return f"unit {row['unit']!r} is not in framework {fw.id}"
    try:
        unit_passed(row["score"], row["max_score"], unit.pass_threshold)
    except RuleError as e:
        return f"unit {row['unit']}: {e}"
    if row["assessed_on"] > today:
        return f"assessment date {row['assessed_on']} is in the future"
    return None


def new_assessments(candidate_id: int, candidate_ref: str,
                    rows: Sequence[Mapping[str, Any]], known: Known, fw: Framework,
                    now: datetime, actor: str) -> NewAssessments:
    """The rows to insert for `rows`, which `assessment_problem` accepted. A row equal to a
    known one is neither new nor refused; one with another score for the same unit and
    date is refused. `known` gains the new rows."""
    out = NewAssessments()
    for row in rows:
        out.passed[row["line"]] = passed = unit_passed(
            row["score"], row["max_score"], fw.unit(row["unit"]).pass_threshold)
        same = known.get((row["unit"], row["assessed_on"]))
        if same is not None:
            if (same["score"], same["max_score"]) != (row["score"], row["max_score"]):
                out.errors.append((row["line"], (
                    f"unit {row['unit']} on {row['assessed_on']} is already recorded with "
                    f"score {same['score']:g}/{same['max_score']:g}")))
            continue
        known[(row["unit"], row["assessed_on"])] = row
        out.rows.append({
            "ref": str(uuid.uuid4()), "candidate_id": candidate_id, "framework_id": fw.id,
            "unit_code": row["unit"], "score": row["score"], "max_score": row["max_score"],
            "assessed_on": row["assessed_on"], "exam_body": row["exam_body"],
            "assessor": row["assessor"], "recorded_by": actor, "recorded_at": now})
        out.audit.append({"at": now, "actor": actor, "action": "assessment.recorded",
                          "subject": candidate_ref,
                          "detail": {"unit": row["unit"], "score": row["score"],
                                     "max": row["max_score"], "passed": passed}})
    return out


def record_assessments(s: Session, candidate_ref: str, rows: Sequence[Mapping[str, Any]],
                       fw: Framework,
                       now: datetime, actor: str) -> NewAssessments:
    """Records the acceptable rows of one candidate in the caller's transaction; the others
    are in `errors`, by line."""
    accepted, refused = [], []
    for row in rows:
        problem = assessment_problem(fw, row, now.date())
        if problem is None:
            accepted.append(row)
        else:
            refused.append((row["line"], problem))
    if not accepted:
        return NewAssessments(errors=refused)
    candidate = find_candidate(s, candidate_ref)
    known: Known = {(a.unit_code, a.assessed_on): {"score": a.score, "max_score": a.max_score}
                    for a in s.execute(select(
                        Assessment.unit_code, Assessment.assessed_on, Assessment.score,
                        Assessment.max_score).where(Assessment.candidate_id == candidate.id,
                                                    Assessment.framework_id == fw.id))}
    new = new_assessments(candidate.id, candidate.ref, accepted, known, fw, now, actor)
    insert_rows(s, Assessment, new.rows)
    insert_rows(s, AuditEvent, new.audit)
    new.errors = sorted(refused + new.errors, key=lambda error: error[0])
    return new


def record_assessment(s: Session, candidate_ref: str, row: Mapping, fw: Framework,
                      now: datetime, actor: str) -> bool:
    """Records one assessment (a list of one); returns whether it passes its unit."""
    recorded = record_assessments(s, candidate_ref, [row], fw, now, actor)
    if recorded.errors:
        raise IssuerError(recorded.errors[0][1])
    return recorded.passed[row["line"]]
