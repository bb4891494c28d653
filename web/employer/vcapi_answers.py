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
from vc.codes import DocumentCode, ErrorCode
from verifier.checks.base import Category, ReportedCheck
from verifier.codes import RoleStackCode
from verifier.verdict import Verdict, decide
from web.plumbing.finding_words import reason_english, with_reasons

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

# VC DM 2.0 §7.1 Verification, problem details types, with their integer codes
VCDM_PROBLEMS = "https://www.w3.org/TR/vc-data-model#"
S4C_PROBLEMS = "https://w3id.org/skills4cities/problems/"
CRYPTO_CHECKS = frozenset({"proof"})
PARSING_ERROR, CRYPTOGRAPHIC_SECURITY_ERROR = "PARSING_ERROR", "CRYPTOGRAPHIC_SECURITY_ERROR"
MALFORMED_VALUE_ERROR, RANGE_ERROR = "MALFORMED_VALUE_ERROR", "RANGE_ERROR"
VCDM_CODES = {PARSING_ERROR: -64, CRYPTOGRAPHIC_SECURITY_ERROR: -65,
              MALFORMED_VALUE_ERROR: -66, RANGE_ERROR: -67}
# findings that say the input could not be parsed at all, or holds a value out of range
PARSING_FINDINGS = frozenset({DocumentCode.NOT_AN_OBJECT, ErrorCode.MALFORMED,
                              ErrorCode.CANONICALIZATION, ErrorCode.SD_JWT_FORMAT})
RANGE_FINDINGS = frozenset({RoleStackCode.TOO_MANY, ErrorCode.TOO_LARGE})


def vcdm_problem(kind: str) -> dict[str, Any]:
    """`type` and `code` of a VC DM 2.0 §7.1 problem (`kind`: e.g. PARSING_ERROR)."""
    return {"type": VCDM_PROBLEMS + kind, "code": VCDM_CODES[kind]}


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
        first = next((c for c in checks if c.outcome is Outcome.FAILED), None)
        code = first.check.finding.code if first is not None else ""
        if first is not None and first.id.split("[", 1)[0] in CRYPTO_CHECKS:
            return VCDM_PROBLEMS + CRYPTOGRAPHIC_SECURITY_ERROR, "Forged or altered"
        if code in PARSING_FINDINGS:
            return VCDM_PROBLEMS + PARSING_ERROR, "Malformed"
        if code in RANGE_FINDINGS:
            return VCDM_PROBLEMS + RANGE_ERROR, "Malformed"
        return VCDM_PROBLEMS + MALFORMED_VALUE_ERROR, "Malformed"
    if verdict is Verdict.NOT_VALID_NOW:
        if any(c.id == "key-binding" and c.outcome is Outcome.FAILED for c in checks):
            # every signature verified: not forged, but its issuer did not sign it
            return (S4C_PROBLEMS + "issuer-not-confirmed",
                    "Signed, but not by a key the issuer controls")
        return S4C_PROBLEMS + "not-valid-now", "Authentic, but not valid now"
    return S4C_PROBLEMS + "could-not-check", "Could not be checked"


def first_decisive(checks: Sequence[ReportedCheck], verdict: Verdict,
                   groups: tuple[str, ...] = ALL_CHECKS) -> ReportedCheck | None:
    """The first check asked about that made the verdict."""
    wanted = Outcome.UNKNOWN if verdict is Verdict.COULD_NOT_CHECK else Outcome.FAILED
    return next((c for c in checks if c.outcome is wanted and c.category is not Category.INFO
                 and _decisive(c, groups)), None)


def problem_fields(checks: Sequence[ReportedCheck], verdict: Verdict,
                   groups: tuple[str, ...] = ALL_CHECKS) -> dict[str, Any]:
    """`detail` (the English of the first check that made the verdict, from the catalogue)
    and, beside the problem type, that check's finding for machines (`finding`: its code and
    params)."""
    check = first_decisive(checks, verdict, groups)
    if check is None:
        return {"detail": "not verified"}
    return {"detail": f"{check.id}: {reason_english(check.check.finding)}",
            "finding": {"check": check.id, **check.check.finding.to_json()}}


def answer_fields(report_json: dict[str, Any], verified: bool,
                  groups: tuple[str, ...]) -> dict[str, Any]:
    """The report's JSON with VC-API's `verified` for the checks asked about."""
    return {**with_reasons(report_json), "verified": verified, "checksApplied": list(groups)}
