"""Findings: what a check, a refusal or a form error found, as data.

A finding is a stable code (a member of a `Code` enum) with typed parameters and, for a
failure, an optional technical detail. The core writes no sentences for people: the words for
each code, English included, live in the gettext catalogue under the code itself as msgid
(`web/translations/<lang>/LC_MESSAGES/messages.po`), with the parameters as named placeholders
(`%(did)s`). The web layer renders them (`web/plumbing/finding_words.py`); machines read the codes.

A code names one outcome: a passed, a failed and an unknown outcome of the same check are
different codes, so no sentence is ever shared between a pass and a failure.

Each package keeps its codes in one enum module (`vc/codes.py`, `verifier/codes.py`,
`issuer/codes.py`, `registry/codes.py`); every member's value is wrapped in `N_()` so that
`make messages` (pybabel extract, see babel.cfg) keeps the codes in the catalogue.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

# A parameter is a fact the sentence is about: a DID, a URL, a line number, a date.
Param = str | int | float | date | datetime


def N_(code: str) -> str:  # the gettext convention: mark, do not translate
    """Marks a code for the catalogue extractor; returns it unchanged."""
    return code


class Code(StrEnum):
    """Base of every package's code enum. `all_codes()` lists the members of its subclasses."""


def all_codes() -> set[str]:
    """Every code of every `Code` enum imported so far (tests import all packages' codes)."""
    found: set[str] = set()
    pending = list(Code.__subclasses__())
    while pending:
        enum = pending.pop()
        found.update(str(member) for member in enum)
        pending.extend(enum.__subclasses__())
    return found


def _frozen(params: Mapping[str, Param]) -> Mapping[str, Param]:
    for name, value in params.items():
        if not isinstance(value, (str, int, float, date)):  # datetime is a date
            raise TypeError(f"finding parameter {name!r} has type {type(value).__name__}")
    return MappingProxyType(dict(params))


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found: `code` says what (and with which outcome), `params` the facts it is
    about, `detail` a technical explanation from deeper down (English, shown as such)."""

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)
    detail: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", str(self.code))
        object.__setattr__(self, "params", _frozen(self.params))

    def to_json(self) -> dict[str, Any]:
        """`{"code", "params"[, "detail"]}`, dates and instants as ISO 8601 strings."""
        out: dict[str, Any] = {"code": self.code, "params": {
            k: v.isoformat() if isinstance(v, date) else v for k, v in self.params.items()}}
        if self.detail is not None:
            out["detail"] = self.detail
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Finding":
        """The inverse of `to_json` for stored findings (ISO strings stay strings)."""
        params = data.get("params") or {}
        if not isinstance(data.get("code"), str) or not isinstance(params, Mapping):
            raise TypeError("a finding needs a string code and a params object")
        detail = data.get("detail")
        return cls(data["code"], dict(params), detail if isinstance(detail, str) else None)


def finding(code: str, detail: str | None = None, **params: Param) -> Finding:
    """`finding(ProofCode.SIGNATURE_MISMATCH, did=...)`: the short way to write one."""
    return Finding(code, params, detail)


class FindingError(Exception):
    """An exception that carries a finding; `str()` is the code and detail, for logs only."""

    def __init__(self, found: Finding) -> None:
        super().__init__(f"{found.code}: {found.detail}" if found.detail else found.code)
        self.finding = found
