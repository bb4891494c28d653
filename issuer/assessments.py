"""Assessments: a candidate's unit results, each an attempt numbered per unit.

One rule path serves one assessment (console, API, command line) and a cohort's thousands:
`assessment_problem` says why a row cannot be recorded from the framework and the rules
alone; `new_assessments` compares the rows left with the attempts recorded and builds the
rows to insert. Recording one assessment is recording a list of one.

A retake (another result in the same unit, even on the same day) is a new attempt, numbered
after the highest attempt not voided. A row identical to an attempt not voided (same unit,
day, score and maximum) is that attempt again, not a new one: uploading a file twice, or
resuming a cohort job, records nothing twice. A voided attempt (`issuer.voiding`) is
ignored here, so its number and its result are free for the corrected one.

A row is a dict: unit, score, max_score, assessed_on, exam_body, assessor, and `line` (where
errors point: a line of the cohort file).
"""
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.audit import AuditEvent
from issuer.candidates import find_candidate
from issuer.codes import IssuerCode
from issuer.errors import IssuerError, by_line, on_line
from issuer.models import Assessment, Decision
from issuer.records import insert_rows
from issuer.rules import RuleError, unit_passed
from schemas.framework import Framework
from vc.findings import Finding, finding

Result = tuple[str, date, float, float]  # unit, day, score, max_score


@dataclass
class Attempts:
    """The attempts of one candidate that are not voided, as numbering new ones needs."""

    by_result: dict[Result, tuple[str, int]] = field(default_factory=dict)  # -> (ref, attempt)
    last: dict[str, int] = field(default_factory=dict)  # unit -> highest attempt number
    on_day: dict[tuple[str, date], list[tuple[int, float, float]]] = field(
        default_factory=lambda: defaultdict(list))  # (unit, day) -> (attempt, score, max)

    def add(self, unit: str, on: date, score: float, max_score: float, ref: str,
            attempt: int) -> None:
        self.by_result.setdefault((unit, on, score, max_score), (ref, attempt))
        self.last[unit] = max(self.last.get(unit, 0), attempt)
        self.on_day[(unit, on)].append((attempt, score, max_score))

    def same(self, row: Mapping) -> tuple[str, int] | None:
        """The attempt this row repeats (ref, number), if any."""
        return self.by_result.get((row["unit"], row["assessed_on"], row["score"],
                                   row["max_score"]))

    def next_attempt(self, unit: str) -> int:
        return self.last.get(unit, 0) + 1


def known_attempts(s: Session, candidate_ids: Iterable[int],
                   framework_id: str) -> dict[int, Attempts]:
    """The attempts not voided of each candidate, in one query."""
    known: dict[int, Attempts] = defaultdict(Attempts)
    ids = list(candidate_ids)
    if not ids:
        return known
    A = Assessment.__table__.c
    for a in s.execute(select(A.candidate_id, A.ref, A.unit_code, A.assessed_on, A.score,
                              A.max_score, A.attempt)
                       .where(A.candidate_id.in_(ids), A.framework_id == framework_id,
                              A.voided_at.is_(None))
                       .order_by(A.attempt)):
        known[a.candidate_id].add(a.unit_code, a.assessed_on, a.score, a.max_score, a.ref,
                                  a.attempt)
    return known


@dataclass(frozen=True)
class RecordedAttempt:
    """What recording one row did: the attempt it is (new, or recorded before)."""

    ref: str
    unit: str
    attempt: int
    passed: bool
    new: bool
    # when the unit was decided passed before (a pass now earns no second unit credential);
    # filled in for one assessment (`record_assessment`), not for a cohort's
    unit_passed_on: date | None = None


@dataclass
class NewAssessments:
    """What recording some rows of one candidate adds, and what it refuses."""

    rows: list[dict] = field(default_factory=list)  # `issuer_assessments` rows to insert
    audit: list[dict] = field(default_factory=list)  # their `assessment.recorded` rows
    errors: list[Finding] = field(default_factory=list)  # the rows refused, each with `line`
    passed: dict[int, bool] = field(default_factory=dict)  # by line, for the rows accepted
    attempts: dict[int, RecordedAttempt] = field(default_factory=dict)  # by line, accepted


def assessment_problem(fw: Framework, row: Mapping, today: date) -> Finding | None:
    """Why an assessment row cannot be recorded, from the framework and the rules alone;
    None when it can."""
    try:
        unit = fw.unit(row["unit"])
    except (KeyError, LookupError):
        return finding(IssuerCode.UNIT_NOT_IN_FRAMEWORK, unit=str(row["unit"]), framework=fw.id)
    try:
        unit_passed(row["score"], row["max_score"], unit.pass_threshold)
    except RuleError as e:
        return finding(e.code, unit=str(row["unit"]), score=e.score, max=e.max_score)
    if row["assessed_on"] > today:
        return finding(IssuerCode.ASSESSMENT_IN_FUTURE, date=row["assessed_on"])
    return None


def new_assessments(candidate_id: int, candidate_ref: str,
                    rows: Sequence[Mapping[str, Any]], known: Attempts, fw: Framework,
                    now: datetime, actor: str) -> NewAssessments:
    """The rows to insert for `rows`, which `assessment_problem` accepted: each a new
    attempt, unless it repeats one not voided (then it is neither new nor refused).
    `known` gains the new attempts."""
    out = NewAssessments()
    for row in rows:
        out.passed[row["line"]] = passed = unit_passed(
            row["score"], row["max_score"], fw.unit(row["unit"]).pass_threshold)
        same = known.same(row)
        if same is not None:
            out.attempts[row["line"]] = RecordedAttempt(same[0], row["unit"], same[1],
                                                        passed, new=False)
            continue
        ref, attempt = str(uuid.uuid4()), known.next_attempt(row["unit"])
        known.add(row["unit"], row["assessed_on"], row["score"], row["max_score"], ref,
                  attempt)
        out.attempts[row["line"]] = RecordedAttempt(ref, row["unit"], attempt, passed,
                                                    new=True)
        out.rows.append({
            "ref": ref, "candidate_id": candidate_id, "framework_id": fw.id,
            "unit_code": row["unit"], "score": row["score"], "max_score": row["max_score"],
            "assessed_on": row["assessed_on"], "exam_body": row["exam_body"],
            "assessor": row["assessor"], "recorded_by": actor, "recorded_at": now,
            "attempt": attempt, "voided_at": None, "voided_by": None, "void_reason": None})
        out.audit.append({"at": now, "actor": actor, "action": "assessment.recorded",
                          "subject": candidate_ref,
                          "detail": {"unit": row["unit"], "score": row["score"],
                                     "max": row["max_score"], "passed": passed,
                                     "attempt": attempt, "assessment": ref}})
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
            refused.append(on_line(problem, row["line"]))
    if not accepted:
        return NewAssessments(errors=refused)
    candidate = find_candidate(s, candidate_ref)
    known = known_attempts(s, [candidate.id], fw.id)[candidate.id]
    new = new_assessments(candidate.id, candidate.ref, accepted, known, fw, now, actor)
    insert_rows(s, Assessment, new.rows)
    insert_rows(s, AuditEvent, new.audit)
    new.errors = by_line(refused + new.errors)
    return new


def record_assessment(s: Session, candidate_ref: str, row: Mapping, fw: Framework,
                      now: datetime, actor: str) -> RecordedAttempt:
    """Records one assessment (a list of one); returns the attempt it is."""
    recorded = record_assessments(s, candidate_ref, [row], fw, now, actor)
    if recorded.errors:
        first = recorded.errors[0]
        raise IssuerError(first.code, first.detail,
                          **{k: v for k, v in first.params.items() if k != "line"})
    attempt = recorded.attempts[row["line"]]
    decided_on = s.scalar(select(Decision.decided_on).where(
        Decision.candidate_id == find_candidate(s, candidate_ref).id,
        Decision.framework_id == fw.id, Decision.kind == "unit",
        Decision.code == attempt.unit))
    return replace(attempt, unit_passed_on=decided_on)
