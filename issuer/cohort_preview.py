"""A dry run of a cohort file: what uploading it would do, row by row, before
anything is written. The same parsing and rules as the real run (`issuer.batch`,
`issuer.cohort_issuing`, `issuer.rules`); it reads the records, never writes them."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from issuer.assessments import Attempts, assessment_problem, known_attempts
from issuer.batch import BatchSummary, cohort_groups, parse_cohort
from issuer.candidates import candidate_problem
from issuer.codes import CohortCode
from issuer.models import Assessment, Candidate, Decision
from issuer.rules import role_outcome, unit_passed
from issuer.service import IssuerService
from vc.findings import Finding, finding


@dataclass(frozen=True)
class PreviewRow:
    line: int
    email: str
    unit: str
    # passed, not passed or already recorded (`CohortCode.PREVIEW_*`, with the attempt's
    # number from the second on), or why it would be refused (an issuer code)
    outcome: Finding
    refused: bool = False
    notes: tuple[Finding, ...] = ()  # a retake on the same day; the unit certified already


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
    errors: list[Finding] = field(default_factory=list)  # rows that cannot be read at all

    @property
    def refused(self) -> int:
        return len(self.errors) + sum(r.refused for r in self.rows)


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
            known = Attempts()
            passed_on: dict[str, date] = {}
            decided_units: set[str] = set()
            certified: set[str] = set()
            if candidate is not None:
                known = known_attempts(s, [candidate.id], fw.id)[candidate.id]
                for kind, code, on, voided_at in s.execute(select(
                        Decision.kind, Decision.code, Decision.decided_on, Assessment.voided_at)
                        .outerjoin(Assessment, Assessment.id == Decision.assessment_id)
                        .where(Decision.candidate_id == candidate.id)):
                    if kind == "role":
                        certified.add(code)
                    else:
                        decided_units.add(code)
                        if voided_at is None:
                            passed_on[code] = on
            accepted = False
            for row in group:
                values = {"line": row.line, "unit": row.unit, "score": row.score,
                          "max_score": row.max_score, "assessed_on": row.assessed_on}
                row_problem = problem if problem is not None else \
                    assessment_problem(fw, values, today)
                if row_problem is not None:
                    out.rows.append(PreviewRow(row.line, row.email, row.unit, row_problem,
                                               refused=True))
                    continue
                accepted = True
                same = known.same(values)
                if same is not None:
                    out.rows.append(PreviewRow(row.line, row.email, row.unit, _outcome(
                        CohortCode.PREVIEW_ALREADY_RECORDED,
                        CohortCode.PREVIEW_ALREADY_RECORDED_ATTEMPT, same[1])))
                    continue
                attempt = known.next_attempt(row.unit)
                earlier = list(known.on_day.get((row.unit, row.assessed_on), []))
                known.add(row.unit, row.assessed_on, row.score, row.max_score, "", attempt)
                passed = unit_passed(row.score, row.max_score, fw.unit(row.unit).pass_threshold)
                outcome = _outcome(CohortCode.PREVIEW_PASSED, CohortCode.PREVIEW_PASSED_ATTEMPT,
                                   attempt) if passed else _outcome(
                    CohortCode.PREVIEW_NOT_PASSED, CohortCode.PREVIEW_NOT_PASSED_ATTEMPT,
                    attempt)
                notes = []
                if earlier:  # the results as numbers, the same in every language
                    notes.append(finding(CohortCode.PREVIEW_RETAKE_SAME_DAY, earlier=", ".join(
                        f"{n}: {score:g}/{top:g}" for n, score, top in earlier)))
                if passed and row.unit in decided_units:
                    notes.append(finding(CohortCode.PREVIEW_UNIT_CERTIFIED_ALREADY))
                elif passed:
                    passed_on.setdefault(row.unit, row.assessed_on)
                out.rows.append(PreviewRow(row.line, row.email, row.unit, outcome,
                                           notes=tuple(notes)))
            if not accepted:
                continue  # every row refused: the candidate would not be created
            roles = tuple(r.code for r in fw.roles if r.code not in certified
                          and role_outcome(tuple(r.units), passed_on, today,
                                           fw.validity_years).certified)
            out.candidates.append(PreviewCandidate(first.email, first.name,
                                                   candidate is not None, roles))
    out.rows.sort(key=lambda r: r.line)
    return out


def _outcome(first: str, later: str, attempt: int) -> Finding:
    """`first` for a first attempt, else `later` with the attempt's number."""
    return finding(later, attempt=attempt) if attempt > 1 else finding(first)
