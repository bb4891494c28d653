"""The verdict keeps apart what users act on differently (ARCHITECTURE.md): a forged or
malformed credential, an authentic one that does not count now, and one we could not check.

It fails closed: VALID needs a signature that was verified (an authenticity check marked
`signature`, `vc.checks.Check.signature`) and nothing against it. Checks that verify no
signature (structure, terms, a date) cannot make a document authentic on their own, so a
list without a passed signature check, the empty list included, is "could not check": no
signature was shown to cover the content (so it is not VALID, and not "authentic but not good
now" either), and none was shown not to (so "forged" would accuse without evidence)."""
from collections.abc import Iterable
from enum import StrEnum

from vc.checks import Outcome
from verifier.checks.base import Category, ReportedCheck


class Verdict(StrEnum):
    VALID = "valid"
    FORGED_OR_MALFORMED = "forged-or-malformed"
    NOT_VALID_NOW = "not-valid-now"
    COULD_NOT_CHECK = "could-not-check"


# from the verdict a user can trust least to the one they can trust most
LEAST_TRUSTED_FIRST = (Verdict.FORGED_OR_MALFORMED, Verdict.NOT_VALID_NOW,
                       Verdict.COULD_NOT_CHECK, Verdict.VALID)


def decide(checks: Iterable[ReportedCheck]) -> Verdict:
    """Authenticity first: an unknown signature makes expiry moot (we cannot say whose
    expiry it is); then currency and trust."""
    checks = [c for c in checks if c.category is not Category.INFO]
    authenticity = [c for c in checks if c.category is Category.AUTHENTICITY]
    if any(c.outcome is Outcome.FAILED for c in authenticity):
        return Verdict.FORGED_OR_MALFORMED
    if any(c.outcome is Outcome.UNKNOWN and c.unknown_matters for c in authenticity):
        return Verdict.COULD_NOT_CHECK
    if not any(c.signature and c.outcome is Outcome.PASSED for c in authenticity):
        return Verdict.COULD_NOT_CHECK  # no signature was verified: nothing is authentic yet
    rest = [c for c in checks if c.category is not Category.AUTHENTICITY]
    if any(c.outcome is Outcome.FAILED for c in rest):
        return Verdict.NOT_VALID_NOW
    if any(c.outcome is Outcome.UNKNOWN and c.unknown_matters for c in rest):
        return Verdict.COULD_NOT_CHECK
    return Verdict.VALID


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The least trusted of `verdicts`. None at all means nothing was checked: "could not
    check" (never VALID; not "forged", which would accuse without evidence)."""
    found = set(verdicts)
    if not found:
        return Verdict.COULD_NOT_CHECK
    return next(v for v in LEAST_TRUSTED_FIRST if v in found)
