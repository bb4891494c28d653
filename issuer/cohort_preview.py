"""A dry run of a cohort file (issue 14): what uploading it would do, row by row, before
anything is written. The same parsing and rules as the real run (`issuer.batch`,
`issuer.cohort_issuing`, `issuer.rules`); it reads the records, never writes them."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from issuer.assessments import assessment_problem
from issuer.batch import BatchSummary, cohort_groups, parse_cohort
from issuer.candidates import candidate_problem
from issuer.models import Assessment, Candidate, Decision
from issuer.rules import role_outcome, unit_passed
from issuer.service import IssuerService


@dataclass(frozen=True)
class PreviewRow:
    line: int
    email: str
    unit: str
    outcome: str  # "passed", "not passed", "already recorded", or why it would be refused


@dataclass(frozen=True)
class PreviewCandidate:
    email: str
    name: str
    known: bool  # already registered (nothing about them changes but their results)
    roles: tuple[str, ...]  # the roles that would be certified by this upload


@dataclass
class CohortPreview:
    rows: list[PreviewRow] = field(default_factory=list)
    candidates: list[PreviewCandidate] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # rows that cannot be read at all

    @property
    def refused(self) -> int:
        return len(self.errors) + sum(r.outcome.startswith("refused") for r in self.rows)


def preview_cohort(service: IssuerService, text: str) -> CohortPreview:
    """Raises IssuerError for a file that cannot be read at all, like the real run."""
    summary = BatchSummary()
    groups = cohort_groups(parse_cohort(text, summary))
    fw = service.framework()
    today = service.clock().date()
    out = CohortPreview(errors=list(summary.errors))
    with service.sessions() as s:
        for group in groups:
            first = group[0]
            problem = candidate_problem(first.name, first.email, first.did)
            candidate = s.scalars(select(Candidate).where(
                Candidate.email == first.email.strip().lower())).first()
            known: dict[tuple[str, date], tuple[float, float]] = {}
            passed_on: dict[str, date] = {}
            certified: set[str] = set()
            if candidate is not None:
                for a in s.scalars(select(Assessment).where(
                        Assessment.candidate_id == candidate.id,
                        Assessment.framework_id == fw.id)):
                    known[(a.unit_code, a.assessed_on)] = (a.score, a.max_score)
                for kind, code, on in s.execute(select(
                        Decision.kind, Decision.code, Decision.decided_on).where(
                        Decision.candidate_id == candidate.id)):
                    if kind == "unit":
                        passed_on[code] = on
                    else:
                        certified.add(code)
            accepted = False
            for row in group:
                if problem is None:
                    row_problem = assessment_problem(fw, {
                        "line": row.line, "unit": row.unit, "score": row.score,
                        "max_score": row.max_score, "assessed_on": row.assessed_on}, today)
                else:
                    row_problem = problem
                if row_problem is not None:
                    out.rows.append(PreviewRow(row.line, row.email, row.unit,
                                               f"refused: {row_problem}"))
                    continue
                same = known.get((row.unit, row.assessed_on))
                if same is not None and same != (row.score, row.max_score):
                    out.rows.append(PreviewRow(row.line, row.email, row.unit, (
                        f"refused: already recorded on {row.assessed_on} with score "
                        f"{same[0]:g}/{same[1]:g}")))
                    continue
                accepted = True
                passed = unit_passed(row.score, row.max_score, fw.unit(row.unit).pass_threshold)
                if passed:
                    passed_on.setdefault(row.unit, row.assessed_on)
                out.rows.append(PreviewRow(row.line, row.email, row.unit,
                                           "already recorded" if same is not None
                                           else "passed" if passed else "not passed"))
            if not accepted:
                continue  # every row refused: the candidate would not be created
            roles = tuple(r.code for r in fw.roles if r.code not in certified
                          and role_outcome(tuple(r.units), passed_on, today,
                                           fw.validity_years).certified)
            out.candidates.append(PreviewCandidate(first.email, first.name,
                                                   candidate is not None, roles))
    out.rows.sort(key=lambda r: r.line)
    return out
