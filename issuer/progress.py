"""Why a role is not certified yet: for each role of the framework, the units it still
needs, and the candidate's results in them that did not pass. Read from the same
records and rules the decisions use (`issuer.decisions`, `issuer.rules`); a voided attempt
does not count."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.models import Assessment, Candidate, Decision
from issuer.rules import role_outcome, unit_passed
from schemas.framework import Framework


@dataclass(frozen=True)
class FailedResult:
    unit: str
    score: float
    max_score: float
    assessed_on: date


@dataclass(frozen=True)
class RoleProgress:
    code: str
    certified: bool
    missing: tuple[str, ...]  # units not passed (or passed too long ago)
    failed: tuple[FailedResult, ...]  # the results in those units that did not pass

    def describe(self) -> str:
        if self.certified:
            return f"{self.code}: certified"
        parts = []
        for unit in self.missing:
            fails = [f for f in self.failed if f.unit == unit]
            parts.append(unit + (" (" + ", ".join(
                f"{f.score:g}/{f.max_score:g} on {f.assessed_on}" for f in fails) + ": not passed)"
                if fails else " (no result)"))
        return f"{self.code} still needs {', '.join(parts)}"


def role_progress(s: Session, candidate: Candidate, fw: Framework,
                  today: date) -> list[RoleProgress]:
    decided = {code for kind, code in s.execute(select(Decision.kind, Decision.code).where(
        Decision.candidate_id == candidate.id, Decision.framework_id == fw.id))
        if kind == "role"}
    passed_on: dict[str, date] = {}
    failed: list[FailedResult] = []
    for a in s.scalars(select(Assessment).where(Assessment.candidate_id == candidate.id,
                                                Assessment.framework_id == fw.id,
                                                Assessment.voided_at.is_(None))
                       .order_by(Assessment.assessed_on, Assessment.id)):
        try:
            threshold = fw.unit(a.unit_code).pass_threshold
        except KeyError:
            continue
        if unit_passed(a.score, a.max_score, threshold):
            passed_on.setdefault(a.unit_code, a.assessed_on)
        else:
            failed.append(FailedResult(a.unit_code, a.score, a.max_score, a.assessed_on))
    out = []
    for role in fw.roles:
        outcome = role_outcome(tuple(role.units), passed_on, today, fw.validity_years)
        certified = role.code in decided or outcome.certified
        missing = () if certified else outcome.missing
        out.append(RoleProgress(role.code, certified, missing,
                                tuple(f for f in failed if f.unit in missing)))
    return out
