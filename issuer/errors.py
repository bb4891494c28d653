"""What the issuer refuses, and why, as a finding (`issuer.codes`): a code with typed
parameters. The issuer writes no sentence for people; the web layer and the command line
render the code from the catalogue."""
from collections.abc import Mapping
from datetime import date
from typing import Any

from vc.findings import Finding, FindingError, Param

# the parameters of issuer codes that are days (`issuer.codes`): stored as ISO 8601 text,
# read back as dates so that each language formats them its own way
DATE_PARAMS = frozenset({"date"})


class IssuerError(FindingError):
    """A request the issuer refuses; `.finding` says why (an `issuer.codes` code)."""

    def __init__(self, code: str | Finding, detail: str | None = None, **params: Param) -> None:
        super().__init__(code if isinstance(code, Finding) else Finding(code, params, detail))


class NotFound(IssuerError):
    """No candidate or credential by the reference given."""


def on_line(found: Finding, line: int) -> Finding:
    """`found` as the error of a cohort file's row: the same code, with the row's `line`."""
    return Finding(found.code, {**found.params, "line": line}, found.detail)


def by_line(errors: list[Finding]) -> list[Finding]:
    """Row errors in the order of the file (stable: one row's errors keep their order)."""
    return sorted(errors, key=line_of)


def line_of(found: Finding) -> int:
    """The cohort file line a row error points at (0 for none)."""
    line = found.params.get("line")
    return line if isinstance(line, int) else 0


def stored_finding(data: Mapping[str, Any]) -> Finding:
    """A finding as `Finding.to_json` stored it, its days dates again (`DATE_PARAMS`)."""
    found = Finding.from_json(data)
    days = {k: date.fromisoformat(v) for k, v in found.params.items()
            if k in DATE_PARAMS and isinstance(v, str) and len(v) == 10}
    return Finding(found.code, {**found.params, **days}, found.detail) if days else found
