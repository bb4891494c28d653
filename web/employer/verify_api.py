"""VC-API verification: `POST /credentials/verify`, `POST /presentations/verify` and
`POST /presentations/challenges` (W3C VC-API (VCALM) "Verifying"). Views translate HTTP to
`verifier` calls; every rule lives in the verifier.

200 with the report when verified; 400 when not, as RFC 9457 problem details carrying the
same report (`web.employer.vcapi_answers`); 400/413 problem details for unusable input.

`POST /presentations/verify` takes `options.holderMustBeSubject` (default true): false accepts a
holder who is not the subject of a credential it presents (VC DM 2.0 §4.13), and the report
says so in its `holder-binding` check.

A European Digital Credential (its sealed JWS JSON as `verifiableCredential`) is checked by
`verifier.edc` (`web.employer.edc_answers`).

A verification receipt (`verifier.receipts`) sent to /credentials/verify is checked as a
receipt of this server's verifier: verified only when that verifier signed it (in full:
`options.checks` does not apply)."""
import json
import logging
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from issuer.newest import newest_of_each_kind
from vc.checks import Outcome
from vc.codes import ErrorCode
from vc.errors import MalformedInputError
from vc.findings import Finding, finding
from vc.instants import format_instant
from vc.jades.jws import looks_like_seal
from vc.json_input import TooLargeError, loads_bounded
from verifier.challenges import ChallengeStore
from verifier.checks.base import ReportedCheck
from verifier.enveloped import sd_jwt_text
from verifier.holder_binding import PresenterMayDiffer, SubjectMustPresent
from verifier.presentation import PresentationReport, verify_presentation
from verifier.receipts import ReceiptCheck, check_receipt, is_receipt
from verifier.service import VerificationReport
from verifier.verdict import Verdict, worst
from web.employer import vcapi_answers as answers
from web.employer.edc_answers import edc_answer
from web.plumbing.problems import PROBLEM_JSON, problem
from web.wiring.services import current_services, services_of
from web.wiring.verifier_identity import verifier_did
from web.wiring.verifiers import edc_verifier_for_app, sd_jwt_verifier_for_app, verifier_for_app

log = logging.getLogger(__name__)
verify_api = Blueprint("verify_api", __name__)
MAX_BODY_BYTES = 256 * 1024


class InputProblem(Exception):
    """Unusable input: becomes a 400/413 problem details response. `found`: the finding of a
    body that could not be parsed (VC DM 2.0 §7.1 PARSING_ERROR, or RANGE_ERROR when too
    large); without one, a request whose values are wrong (MALFORMED_VALUE_ERROR)."""

    def __init__(self, detail: str, status: int = 400, found: Finding | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.found = found


WARM_UP_CREDENTIALS = 40


def warm_up(app: Flask) -> None:
    """Verifies this server's newest credential of each role and unit once, in process,
    before a server worker takes requests: the first verifications after a start then find
    the contexts processed, the RDF plans and JSON Schemas compiled, and this issuer's DID
    document, status lists and registry entries at hand. Never fatal: a failure is logged
    and the worker serves cold."""
    try:
        with app.app_context():
            documents = newest_of_each_kind(services_of(app).issuer.sessions,
                                            WARM_UP_CREDENTIALS)
            verifier = verifier_for_app(app)
            for document in documents:
                verifier.verify_credential(document)
    except Exception:  # warming up must never keep a worker from serving
        log.exception("warming up the verifier failed; the first verifications run cold")


def challenges_for_app(app: Flask) -> ChallengeStore:
    return services_of(app).challenges


def bounded_json(raw: bytes, what: str = "the request body") -> object:
    """Strict JSON of at most MAX_BODY_BYTES, nested at most MAX_DEPTH levels."""
    try:
        return loads_bounded(raw, what, max_bytes=MAX_BODY_BYTES)
    except TooLargeError as e:
        raise InputProblem(str(e), 413, e.finding) from None
    except MalformedInputError as e:
        raise InputProblem(str(e), 400, e.finding) from None


def _body() -> dict:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise InputProblem(f"the request body is larger than {MAX_BODY_BYTES} bytes", 413,
                           finding(ErrorCode.TOO_LARGE))
    body = bounded_json(request.get_data(cache=False))
    if not isinstance(body, dict):
        raise InputProblem("the request body must be a JSON object")
    return body


# VC DM 2.0 §4.13 lets a holder present a credential about someone else; whether that is
# accepted is the verifier's policy (`verifier.holder_binding`), per request: true (the
# default, strict) or false (the presenter may differ; the report says when it does).
HOLDER_MUST_BE_SUBJECT = "holderMustBeSubject"


def _options(body: dict) -> dict:
    options = body.get("options", {})
    if not isinstance(options, dict):
        raise InputProblem("options must be a JSON object")
    for key in ("country", "challenge", "domain", "lang"):
        if key in options and not isinstance(options[key], str):
            raise InputProblem(f"options.{key} must be a string")
    country = options.get("country")
    if country is not None and not (len(country) == 2 and country.isascii()
                                    and country.isalpha()):
        raise InputProblem("options.country must be an ISO 3166-1 alpha-2 code, e.g. BG")
    if HOLDER_MUST_BE_SUBJECT in options and not isinstance(options[HOLDER_MUST_BE_SUBJECT],
                                                             bool):
        raise InputProblem(f"options.{HOLDER_MUST_BE_SUBJECT} must be true or false")
    try:
        options["checks"] = answers.requested_checks(options.get("checks"))
    except answers.UnknownCheck as e:
        raise InputProblem(str(e)) from None
    return options


def _answer(report: VerificationReport | PresentationReport | ReceiptCheck, verdict: Verdict,
            groups: tuple[str, ...], **applied: object) -> Response:
    """200 with the report when `verdict` is valid, else a 400 problem carrying it.
    `applied`: the policies the request chose, echoed in the answer."""
    verified = verdict is Verdict.VALID
    body = {**answers.answer_fields(report.to_json(), verified, groups), **applied}
    if verified:
        return jsonify(body)
    checks = list(report.checks)
    if isinstance(report, PresentationReport) and not checks_failed(checks):
        checks += [c for r in report.credentials for c in r.checks]
    type_, title = answers.problem_type(verdict, checks)
    kind = type_.removeprefix(answers.VCDM_PROBLEMS)
    vcdm_code = {"code": answers.VCDM_CODES[kind]} if kind in answers.VCDM_CODES else {}
    # the report's fields first: the problem's own (type, code, title, status) win
    response = jsonify({**body, "type": type_, **vcdm_code, "title": title, "status": 400,
                        **answers.problem_fields(checks, verdict, groups)})
    response.status_code = 400
    response.mimetype = PROBLEM_JSON
    return response


def checks_failed(checks: list[ReportedCheck]) -> bool:
    return any(c.outcome is Outcome.FAILED for c in checks)


def _object(body: dict, key: str) -> dict:
    value = body.get(key)
    if not isinstance(value, dict):
        raise InputProblem(f"the body must hold {key!r}, a JSON object")
    return value


@verify_api.errorhandler(InputProblem)
def _input_problem(error: InputProblem) -> Response:
    kind = answers.RANGE_ERROR if error.status == 413 else \
        answers.PARSING_ERROR if error.found is not None else answers.MALFORMED_VALUE_ERROR
    response = problem(error.status, str(error), type_=answers.VCDM_PROBLEMS + kind)
    extra: dict[str, object] = {"code": answers.VCDM_CODES[kind]}
    if error.found is not None:
        extra["finding"] = {k: v for k, v in error.found.to_json().items() if k != "detail"}
    response.set_data(json.dumps({**json.loads(response.get_data()), **extra}))
    return response


@verify_api.errorhandler(RecursionError)
def _too_deep(_error: RecursionError) -> Response:
    return problem(400, "the document is nested too deeply to verify")


@verify_api.post("/credentials/verify")
def verify_credential() -> Response:
    body = _body()
    options = _options(body)
    if looks_like_seal(body.get("verifiableCredential")):  # a European Digital Credential
        return edc_answer(edc_verifier_for_app(current_app).verify(body["verifiableCredential"]))
    sd_jwt = sd_jwt_text(body.get("verifiableCredential"))
    if sd_jwt is not None:  # an SD-JWT VC, as text or enveloped (VC DM 2.0 §4.13)
        report = sd_jwt_verifier_for_app(current_app).verify(
            sd_jwt, country=options.get("country"), lang=options.get("lang", "en"))
        groups = options["checks"]
        return _answer(report, answers.verdict_for(report.checks, groups), groups)
    credential = _object(body, "verifiableCredential")
    if is_receipt(credential):
        verifier = verifier_for_app(current_app)
        receipt = check_receipt(credential, verifier.resolver, verifier.store,
                                expected_verifier=verifier_did(current_services().settings),
                                now=verifier.clock())
        # every check of a receipt decides, whatever options.checks asks: "proof" alone
        # would accept a receipt anyone signed with a key of their own
        return _answer(receipt, receipt.verdict, answers.ALL_CHECKS)
    related = body.get("relatedCredentials", [])
    if not isinstance(related, list):
        raise InputProblem("relatedCredentials must be a list of credentials")
    report = verifier_for_app(current_app).verify_credential(
        credential, country=options.get("country"), lang=options.get("lang", "en"),
        related=related)
    groups = options["checks"]
    return _answer(report, answers.verdict_for(report.checks, groups), groups)


@verify_api.post("/presentations/verify")
def verify_presentation_view() -> Response:
    body = _body()
    presentation = _object(body, "verifiablePresentation")
    options = _options(body)
    binding = SubjectMustPresent() if options.get(HOLDER_MUST_BE_SUBJECT, True) \
        else PresenterMayDiffer()
    report = verify_presentation(
        verifier_for_app(current_app), presentation, challenge=options.get("challenge"),
        domain=options.get("domain"), challenges=challenges_for_app(current_app),
        country=options.get("country"), lang=options.get("lang", "en"), holder_binding=binding)
    groups = options["checks"]
    verdict = answers.verdict_for(report.checks, groups)
    if verdict is not Verdict.FORGED_OR_MALFORMED:
        # the presentation holds: each credential decides by the checks asked about
        verdict = worst([verdict, *(answers.verdict_for(r.checks, groups)
                                    for r in report.credentials)])
    return _answer(report, verdict, groups,
                   **{HOLDER_MUST_BE_SUBJECT: options.get(HOLDER_MUST_BE_SUBJECT, True)})


@verify_api.post("/presentations/challenges")
def new_challenge() -> Response:
    challenge, expires = challenges_for_app(current_app).issue()
    settings = current_services().settings
    response = jsonify({"challenge": challenge, "domain": urlsplit(settings.public_url).netloc,
                        "expires": format_instant(expires)})
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response
