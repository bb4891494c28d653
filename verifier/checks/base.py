"""The pieces every check shares: its category, what it is given, what it returns.

ARCHITECTURE.md "Verification is a list of checks": each check is a small policy object
with a `run(context)` that returns `vc.checks.Check`s, each tagged with the category that
decides how an outcome counts in the verdict (see `verifier.verdict`).
"""
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from vc.checks import Check, Outcome
from vc.findings import Finding
from vc.trust import TrustedIssuer
from verifier.facts import CredentialFacts


class Category(StrEnum):
    AUTHENTICITY = "authenticity"  # failed: forged or malformed
    CURRENCY = "currency"  # failed: authentic but not valid now
    TRUST = "trust"  # failed: authentic but the issuer may not certify this
    INFO = "info"  # shown, never changes the verdict


@dataclass(frozen=True)
class ReportedCheck:
    check: Check
    category: Category
    # An `unknown` outcome makes the verdict "could not check" unless this is False
    # (e.g. a JSON Schema we do not hold: the structure and proof were still checked).
    unknown_matters: bool = True
    # what the check found, for the summary to show (e.g. the recognition decision); a
    # check returns it instead of writing it anywhere
    detail: object = None

    @property
    def id(self) -> str:
        return self.check.id

    @property
    def outcome(self) -> Outcome:
        return self.check.outcome

    @property
    def signature(self) -> bool:
        """It verified a signature over the content (`vc.checks.Check.signature`): only an
        authenticity check of this kind can make a verdict VALID (`verifier.verdict`)."""
        return self.check.signature

    def to_json(self) -> dict[str, Any]:
        out = {**self.check.to_json(), "category": str(self.category)}
        if isinstance(self.detail, Finding):  # its words come from the catalogue, by code
            out["finding"] = self.detail.to_json()
        return out


@dataclass
class CheckContext:
    """One credential under verification, with what the verifier already looked up."""

    credential: dict[str, Any]
    facts: CredentialFacts
    now: datetime
    country: str | None = None
    lang: str = "en"
    related: dict[str, dict[str, Any]] = field(default_factory=dict)  # supplied credentials by id
    trusted_issuer: TrustedIssuer | None = None
    trust_problem: Finding | None = None  # why the trust source could not answer, if it could not


class CredentialCheck(Protocol):
    """A pure policy: reads the context, returns its checks, changes nothing."""

    def run(self, context: CheckContext) -> list[ReportedCheck]: ...


def passed(check_id: str, category: Category, found: Finding,
           detail: object = None, *, signature: bool = False) -> ReportedCheck:
    return ReportedCheck(Check(check_id, Outcome.PASSED, found, signature), category,
                         detail=detail)


def failed(check_id: str, category: Category, found: Finding, *,
           signature: bool = False) -> ReportedCheck:
    return ReportedCheck(Check(check_id, Outcome.FAILED, found, signature), category)


def unknown(check_id: str, category: Category, found: Finding,
            matters: bool = True, *, signature: bool = False) -> ReportedCheck:
    return ReportedCheck(Check(check_id, Outcome.UNKNOWN, found, signature), category,
                         matters)
