"""Issuing a whole cohort from a CSV file: one row per candidate and unit result.

Columns: name, email, did (may be empty), unit, score, max_score, assessed_on (YYYY-MM-DD),
exam_body, assessor, separated by `,` or by `;` (then `75,5` is a decimal comma), in UTF-8
with or without a byte-order mark. A bad row is reported with its line number and the other rows go on
(a candidate whose every row is refused is not created). Candidates are issued in chunks
(`issuer.cohort_issuing`); re-running the same file issues nothing twice (assessments,
decisions and credentials are idempotent).
"""
import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date

from issuer.cohort_issuing import ChunkResult
from issuer.service import IssuerError

COLUMNS = ("name", "email", "did", "unit", "score", "max_score", "assessed_on", "exam_body",
           "assessor")
MAX_ROWS = 200_000
MAX_FIELD = 1000
CANDIDATES_PER_CHUNK = 100  # one chunk: two short write transactions, signing between


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


@dataclass
class BatchSummary:
    rows: int = 0
    candidates: int = 0
    issued: int = 0
    already_issued: int = 0
    errors: list[str] = field(default_factory=list)  # "line N: what was wrong"

    def to_json(self) -> dict:
        return {"rows": self.rows, "candidates": self.candidates, "issued": self.issued,
                "already_issued": self.already_issued, "errors": self.errors}


def parse_cohort(text: str, summary: BatchSummary) -> list[CohortRow]:
    """Parses the CSV; bad rows go to `summary.errors` with their line numbers. A file with
    a NUL character is refused whole: it is not CSV text (PostgreSQL cannot store it)."""
    nul = text.find("\0")
    if nul >= 0:
        raise IssuerError(f"line {text.count(chr(10), 0, nul) + 1}: the file contains a NUL "
                          "character, so it is not CSV text; save the spreadsheet as CSV UTF-8")
    text = text.removeprefix("\ufeff")  # a byte-order mark, as spreadsheets write
    delimiter = cohort_delimiter(text)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise IssuerError(f"the CSV header lacks the column(s) {', '.join(missing)}; "
                          f"expected: {','.join(COLUMNS)}")
    rows = []
    for i in range(MAX_ROWS + 1):
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as e:  # e.g. a field over csv's 128 KiB limit: this row only
            summary.rows += 1
            summary.errors.append(f"line {reader.line_num + 1}: unreadable CSV row ({e})")
            continue
        line = reader.line_num
        if i >= MAX_ROWS:
            raise IssuerError(f"line {line}: more than {MAX_ROWS} rows")
        summary.rows += 1
        try:
            rows.append(_row(line, raw, decimal_comma=delimiter == ";"))
        except (ValueError, TypeError) as e:
            summary.errors.append(f"line {line}: {e}")
    return rows


def cohort_delimiter(text: str) -> str:
    """`;` when the header is separated by semicolons (spreadsheets in locales whose
    decimal separator is a comma write that), else `,`."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _number(text: str, decimal_comma: bool) -> float:
    return float(text.replace(",", ".", 1) if decimal_comma and text.count(",") == 1
                 and "." not in text else text)


def _row(line: int, raw: dict, decimal_comma: bool = False) -> CohortRow:
    values = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    for k, v in values.items():
        if len(v) > MAX_FIELD:
            raise ValueError(f"{k} is longer than {MAX_FIELD} characters")
    for k in ("name", "email", "unit", "score", "max_score", "assessed_on", "exam_body",
              "assessor"):
        if not values[k]:
            raise ValueError(f"{k} is empty")
    try:
        score = _number(values["score"], decimal_comma)
        max_score = _number(values["max_score"], decimal_comma)
    except ValueError:
        raise ValueError(f"score {values['score']!r} / max_score {values['max_score']!r} "
                         "must be numbers") from None
    if not (math.isfinite(score) and math.isfinite(max_score)):
        raise ValueError(f"score {values['score']!r} / max_score {values['max_score']!r} "
                         "must be finite numbers")
    try:
        assessed_on = date.fromisoformat(values["assessed_on"])
    except ValueError:
        raise ValueError(f"assessed_on {values['assessed_on']!r} is not a date "
                         "(YYYY-MM-DD)") from None
    return CohortRow(line, values["name"], values["email"], values["did"] or None,
                     values["unit"], score, max_score, assessed_on, values["exam_body"],
                     values["assessor"])


def cohort_groups(rows: list[CohortRow]) -> list[list[CohortRow]]:
    """The rows of each candidate (by e-mail address), in the order of the file."""
    by_candidate: dict[str, list[CohortRow]] = {}
    for row in rows:
        by_candidate.setdefault(row.email.strip().lower(), []).append(row)
    return list(by_candidate.values())


def chunks(groups: list, size: int = CANDIDATES_PER_CHUNK) -> list[list]:
    return [groups[start:start + size] for start in range(0, len(groups), size)]


def add_chunk(summary: BatchSummary, part: ChunkResult) -> None:
    summary.issued += part.issued
    summary.already_issued += part.already_issued
    summary.errors.extend(f"line {line}: {message}" for line, message in part.errors)


def sort_errors(errors: list[str]) -> list[str]:
    return sorted(errors, key=lambda e: int(e.split()[1].rstrip(":")))
