"""`POST /credentials/verify` of a European Digital Credential (its JWS JSON as
`verifiableCredential`): 200 with the report when verified, else an RFC 9457 problem whose
type is the VC Data Model 2.0 one (a seal that does not verify is a cryptographic error) and
whose detail is the deciding finding in English, from the catalogue."""
from flask import Response, jsonify

from vc.checks import Outcome
from vc.findings import Finding
from verifier.checks.base import Category
from verifier.edc import EdcReport
from verifier.verdict import Verdict
from web.employer.vcapi_answers import S4C_PROBLEMS, VCDM_PROBLEMS
from web.plumbing.finding_words import say_english
from web.plumbing.problems import PROBLEM_JSON

# the checks whose failure means a signature or a time-stamp does not verify
CRYPTOGRAPHIC = frozenset({"seal.signature", "seal.certificate-digest", "seal.timestamp",
                           "seal.content-timestamp", "seal.archive-timestamp"})


def _problem(report: EdcReport) -> tuple[str, str]:
    failed = [c.id for c in report.checks if c.outcome is Outcome.FAILED]
    if report.verdict is Verdict.FORGED_OR_MALFORMED:
        if failed and failed[0] in CRYPTOGRAPHIC:
            return VCDM_PROBLEMS + "CRYPTOGRAPHIC_SECURITY_ERROR", "Forged or altered"
        return VCDM_PROBLEMS + "MALFORMED_VALUE_ERROR", "Malformed"
    if report.verdict is Verdict.NOT_VALID_NOW:
        if report.state == "issuer-not-confirmed":
            return S4C_PROBLEMS + "issuer-not-confirmed", "Sealed, but not by the issuer"
        return S4C_PROBLEMS + "not-valid-now", "Authentic, but not valid now"
    return S4C_PROBLEMS + "could-not-check", "Could not be checked"


def edc_answer(report: EdcReport) -> Response:
    body = {**report.to_json(), "checksApplied": ["seal", "edc"]}
    if report.verified:
        return jsonify(body)
    wanted = Outcome.UNKNOWN if report.verdict is Verdict.COULD_NOT_CHECK else Outcome.FAILED
    first = next((c for c in report.checks if c.outcome is wanted
                  and c.category is not Category.INFO and c.unknown_matters), None)
    detail = f"{first.id}: {say_english(first.detail)}" \
        if first is not None and isinstance(first.detail, Finding) else "not verified"
    type_, title = _problem(report)
    response = jsonify({"type": type_, "title": title, "status": 400, "detail": detail,
                        **body})
    response.status_code = 400
    response.mimetype = PROBLEM_JSON
    return response
