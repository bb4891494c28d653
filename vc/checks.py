"""Verification results: a list of checks, each passed, failed or unknown, with a reason."""
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"  # could not be checked (e.g. a key or list was unreachable)


class Check:
    """One check's outcome and its reason (immutable by convention; a plain slotted class
    because verification creates several per credential on the hot path)."""

    __slots__ = ("id", "outcome", "reason")

    def __init__(self, id: str, outcome: Outcome, reason: str) -> None:
        self.id = id
        self.outcome = outcome
        self.reason = reason

    def __repr__(self) -> str:
        return f"Check({self.id!r}, {self.outcome!s}, {self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Check) and (self.id, self.outcome, self.reason) == (
            other.id, other.outcome, other.reason)

    __hash__ = None  # type: ignore[assignment]

    def to_json(self) -> dict:
        return {"id": self.id, "outcome": str(self.outcome), "reason": self.reason}


@dataclass
class VerificationResult:
    checks: list[Check] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(c.outcome is Outcome.PASSED for c in self.checks)

    def to_json(self) -> dict:
        return {"verified": self.verified, "checks": [c.to_json() for c in self.checks]}
