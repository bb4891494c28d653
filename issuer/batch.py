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

from issuer.codes import CohortCode
from issuer.cohort_issuing import ChunkResult
from issuer.cohort_rows import CohortRow
from issuer.errors import by_line
from issuer.service import IssuerError
from vc.findings import Finding

COLUMNS = ("name", "email", "did", "unit", "score", "max_score", "assessed_on", "exam_body",
           "assessor")
MAX_ROWS = 200_000
MAX_FIELD = 1000
CANDIDATES_PER_CHUNK = 100  # one chunk: two short write transactions, signing between


@dataclass
class BatchSummary:
    rows: int = 0
    candidates: int = 0
    issued: int = 0
    already_issued: int = 0
    errors: list[Finding] = field(default_factory=list)  # each with its row's `line`

    def to_json(self) -> dict:
        """The counts, and the errors as findings (`{"code", "params"}`): the web layer
        says them in words."""
        return {"rows": self.rows, "candidates": self.candidates, "issued": self.issued,
                "already_issued": self.already_issued,
                "errors": [e.to_json() for e in self.errors]}


class RowError(ValueError):
    """A row of the cohort file that cannot be read; `.finding` says why (without its line,
    which the caller adds)."""

    def __init__(self, code: str, **params: str | int) -> None:
        super().__init__(code)
        self.finding = Finding(code, params)


def parse_cohort(text: str, summary: BatchSummary) -> list[CohortRow]:
    """Parses the CSV; bad rows go to `summary.errors` with their line numbers. A file with
    a NUL character is refused whole: it is not CSV text (PostgreSQL cannot store it)."""
    nul = text.find("\0")
    if nul >= 0:
        raise IssuerError(CohortCode.FILE_HAS_NUL, line=text.count(chr(10), 0, nul) + 1)
    text = text.removeprefix("\ufeff")  # a byte-order mark, as spreadsheets write
    delimiter = cohort_delimiter(text)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise IssuerError(CohortCode.HEADER_LACKS_COLUMNS, missing=", ".join(missing),
                          expected=",".join(COLUMNS))
    rows = []
    for i in range(MAX_ROWS + 1):
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as e:  # e.g. a field over csv's 128 KiB limit: this row only
            summary.rows += 1
            summary.errors.append(Finding(CohortCode.ROW_UNREADABLE,
                                          {"line": reader.line_num + 1, "error": str(e)}))
            continue
        line = reader.line_num
        if i >= MAX_ROWS:
            raise IssuerError(CohortCode.TOO_MANY_ROWS, line=line, n=MAX_ROWS)
        summary.rows += 1
        try:
            rows.append(_row(line, raw, decimal_comma=delimiter == ";"))
        except RowError as e:
            summary.errors.append(Finding(e.finding.code, {**e.finding.params, "line": line}))
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
            raise RowError(CohortCode.FIELD_TOO_LONG, column=k, n=MAX_FIELD)
    for k in ("name", "email", "unit", "score", "max_score", "assessed_on", "exam_body",
              "assessor"):
        if not values[k]:
            raise RowError(CohortCode.FIELD_EMPTY, column=k)
    try:
        score = _number(values["score"], decimal_comma)
        max_score = _number(values["max_score"], decimal_comma)
    except ValueError:
        raise RowError(CohortCode.SCORE_NOT_A_NUMBER, score=values["score"],
                       max=values["max_score"]) from None
    if not (math.isfinite(score) and math.isfinite(max_score)):
        raise RowError(CohortCode.SCORE_NOT_FINITE, score=values["score"],
                       max=values["max_score"])
    try:
        assessed_on = date.fromisoformat(values["assessed_on"])
    except ValueError:
        raise RowError(CohortCode.DATE_NOT_ISO, value=values["assessed_on"]) from None
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
    summary.errors.extend(part.errors)


def sort_errors(errors: list[Finding]) -> list[Finding]:
    """Row errors in the order of the file."""
    return by_line(errors)

