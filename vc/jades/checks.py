"""One check of a JAdES seal: its outcome, how it counts (`Kind`), and its finding."""
from dataclasses import dataclass
from enum import StrEnum

from vc.checks import Outcome
from vc.findings import Finding


class Kind(StrEnum):
    """How a check counts (the same words as `verifier.checks.base.Category`)."""

    AUTHENTICITY = "authenticity"
    CURRENCY = "currency"
    TRUST = "trust"
    INFO = "info"


@dataclass(frozen=True)
class SealCheck:
    id: str
    outcome: Outcome
    kind: Kind
    finding: Finding
    signature: bool = False  # it verified the signature over the content
    matters: bool = True  # an unknown outcome makes the verdict "could not check"
