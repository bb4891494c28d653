"""Verification results: a list of checks, each passed, failed or unknown, with a reason."""
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"  # could not be checked (e.g. a key or list was unreachable)


@dataclass(frozen=True, slots=True)
class Check:
    """One check's outcome and its reason. `signature`: this check verified a cryptographic
    signature over the document (a Data Integrity proof, a JWS), the only kind of check that
    can show who made it; a verdict of "verified" needs one that passed (fail closed)."""

    id: str
    outcome: Outcome
    reason: str
    signature: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "outcome": str(self.outcome), "reason": self.reason}


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
