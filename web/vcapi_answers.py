"""How a verification report becomes a VC-API answer: which checks decide `verified`, and
the HTTP status and problem type of an answer that is not verified.

W3C VC-API (VCALM), "Verify Credential" and "Verify Presentation": 200 when verified, 400
otherwise. s4c's 400 is an RFC 9457 problem details object (VCALM "Error Handling") that
carries the whole report along (`verified`, `verdict`, `checks`, ...), so a client reads the
same fields either way.

`options.checks` (VC HTTP API v0.3 VerifyOptions, as the W3C test suites and Digital
Bazaar's verifier use it: `["proof", "credentialStatus"]`) names what the caller asks
about. Authenticity (structure, terms, schema, proof) is always decisive: it cannot be left
out. Whether the signing key is one the issuer controls (key binding) is part of "issuer". Without `checks`, every check s4c makes decides, accreditation
included. Checks that were not asked for are still run and reported, but do not decide
`verified`; the answer lists what did (`checksApplied`).
"""
from collections.abc import Iterable, Sequence
from typing import Any

from vc.checks import Outcome
from verifier.checks.base import Category, ReportedCheck
from verifier.verdict import Verdict, decide

# VC-API check names -> the s4c checks they stand for (besides authenticity, always in)
CHECK_GROUPS: dict[str, tuple[str, ...]] = {
    "proof": (),  # authenticity, which is always decisive
    "credentialStatus": ("status",),
    "validFrom": ("validity",),
    "validUntil": ("validity",),
    # s4c: the issuer is accredited for this (registry); a receipt's, that it is this verifier
    # and it was signed by a key the issuer controls (key-binding)
    "issuer": ("key-binding", "issuer-trust", "receipt-verifier"),
}
ALL_CHECKS = tuple(CHECK_GROUPS)

# VC DM 2.0 §7.1 Verification, problem details types
VCDM_PROBLEMS = "https://www.w3.org/TR/vc-data-model#"
S4C_PROBLEMS = "https://w3id.org/skills4cities/problems/"
CRYPTO_CHECKS = frozenset({"proof"})


class UnknownCheck(ValueError):
    """`options.checks` names a check s4c does not know."""


def requested_checks(value: object) -> tuple[str, ...]:
    """The VC-API check names of `options.checks` (every check when absent)."""
    if value is None:
        return ALL_CHECKS
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UnknownCheck("options.checks must be a list of check names, e.g. "
                           '["proof", "credentialStatus"]')
    unknown = [v for v in value if v not in CHECK_GROUPS]
    if unknown:
        raise UnknownCheck(f"options.checks: unknown check {unknown[0][:80]!r}; s4c knows "
                           + ", ".join(ALL_CHECKS))
    return tuple(dict.fromkeys(["proof", *value]))


def _decisive(check: ReportedCheck, groups: tuple[str, ...]) -> bool:
    if check.category is Category.AUTHENTICITY:
        return True
    wanted = [p for g in groups for p in CHECK_GROUPS[g]]
    return any(check.id == p or check.id.startswith(p + ".") for p in wanted)


def verdict_for(checks: Iterable[ReportedCheck], groups: tuple[str, ...]) -> Verdict:
    """The verdict of the checks the caller asked about (`decide` on those alone)."""
    return decide([c for c in checks if _decisive(c, groups)])


def problem_type(verdict: Verdict, checks: Sequence[ReportedCheck]) -> tuple[str, str]:
    """(type URI, title) of an answer that is not verified."""
    if verdict is Verdict.FORGED_OR_MALFORMED:
        # the first failure says which: the checks run structure and terms before the proof
        first = next((c.id for c in checks if c.outcome is Outcome.FAILED), "")
        if first in CRYPTO_CHECKS:
            return VCDM_PROBLEMS + "CRYPTOGRAPHIC_SECURITY_ERROR", "Forged or altered"
        return VCDM_PROBLEMS + "MALFORMED_VALUE_ERROR", "Malformed"
    if verdict is Verdict.NOT_VALID_NOW:
        if any(c.id == "key-binding" and c.outcome is Outcome.FAILED for c in checks):
            # every signature verified: not forged, but its issuer did not sign it
            return (S4C_PROBLEMS + "issuer-not-confirmed",
                    "Signed, but not by a key the issuer controls")
        return S4C_PROBLEMS + "not-valid-now", "Authentic, but not valid now"
    return S4C_PROBLEMS + "could-not-check", "Could not be checked"


def first_reason(checks: Sequence[ReportedCheck], verdict: Verdict,
                 groups: tuple[str, ...] = ALL_CHECKS) -> str:
    """The reason of the first check asked about that made the verdict, for `detail`."""
    wanted = Outcome.UNKNOWN if verdict is Verdict.COULD_NOT_CHECK else Outcome.FAILED
    for check in checks:
        if check.outcome is wanted and check.category is not Category.INFO \
                and _decisive(check, groups):
            return f"{check.id}: {check.check.reason}"
    return "not verified"


def answer_fields(report_json: dict[str, Any], verified: bool,
                  groups: tuple[str, ...]) -> dict[str, Any]:
    """The report's JSON with VC-API's `verified` for the checks asked about."""
    return {**report_json, "verified": verified, "checksApplied": list(groups)}
