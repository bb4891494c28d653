"""One row of a cohort file: a candidate's result in one unit, with its line in the file."""
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CohortRow:
    line: int
    name: str
    email: str
    did: str | None
    unit: str
    score: float
    max_score: float
    assessed_on: date
    exam_body: str
    assessor: str
