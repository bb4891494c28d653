"""The verdict keeps apart what users act on differently (ARCHITECTURE.md): a forged or
malformed credential, an authentic one that does not count now, and one we could not check."""
from collections.abc import Iterable
from enum import StrEnum

from vc.checks import Outcome
from verifier.checks.base import Category, ReportedCheck


class Verdict(StrEnum):
    VALID = "valid"
    FORGED_OR_MALFORMED = "forged-or-malformed"
    NOT_VALID_NOW = "not-valid-now"
    COULD_NOT_CHECK = "could-not-check"


def decide(checks: Iterable[ReportedCheck]) -> Verdict:
    """Authenticity first: an unknown signature makes expiry moot (we cannot say whose
    expiry it is); then currency and trust."""
    checks = [c for c in checks if c.category is not Category.INFO]
    authenticity = [c for c in checks if c.category is Category.AUTHENTICITY]
    if any(c.outcome is Outcome.FAILED for c in authenticity):
        return Verdict.FORGED_OR_MALFORMED
    if any(c.outcome is Outcome.UNKNOWN and c.unknown_matters for c in authenticity):
        return Verdict.COULD_NOT_CHECK
    rest = [c for c in checks if c.category is not Category.AUTHENTICITY]
    if any(c.outcome is Outcome.FAILED for c in rest):
        return Verdict.NOT_VALID_NOW
    if any(c.outcome is Outcome.UNKNOWN and c.unknown_matters for c in rest):
        return Verdict.COULD_NOT_CHECK
    return Verdict.VALID


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    order = [Verdict.FORGED_OR_MALFORMED, Verdict.NOT_VALID_NOW, Verdict.COULD_NOT_CHECK,
             Verdict.VALID]
    found = set(verdicts)
    return next((v for v in order if v in found), Verdict.VALID)
