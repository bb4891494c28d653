"""Verification results: a list of checks, each passed, failed or unknown, with a finding
(`vc.findings`: a code naming the outcome, typed parameters, a technical detail); the words
for people come from the catalogue by code."""
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vc.findings import Finding


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"  # could not be checked (e.g. a key or list was unreachable)


@dataclass(frozen=True, slots=True)
class Check:
    """One check's outcome and what it found. `signature`: this check verified a cryptographic
    signature over the document (a Data Integrity proof, a JWS), the only kind of check that
    can show who made it; a verdict of "verified" needs one that passed (fail closed)."""

    id: str
    outcome: Outcome
    finding: Finding
    signature: bool = False

    def to_json(self) -> dict[str, Any]:
        """`{"id", "outcome", "code", "params"[, "detail"]}`; the words are the caller's."""
        return {"id": self.id, "outcome": str(self.outcome), **self.finding.to_json()}

    @property
    def technical(self) -> str:
        """What it found for a log or a wrapping error's technical detail: the code, its
        parameters and detail; never words for people (those come from the catalogue)."""
        params = ", ".join(f"{k}={v}" for k, v in self.finding.params.items())
        return self.finding.code + (f" ({params})" if params else "") + (
            f": {self.finding.detail}" if self.finding.detail else "")


@dataclass
class VerificationResult:
    checks: list[Check] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """Every check passed, and at least one of them verified a signature."""
        return all(c.outcome is Outcome.PASSED for c in self.checks) and any(
            c.signature for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {"verified": self.verified, "checks": [c.to_json() for c in self.checks]}
