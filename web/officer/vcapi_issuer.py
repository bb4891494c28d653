"""`POST /credentials/issue`: the VC-API issuer (W3C VC-API (VCALM) "Issue Credential";
the request is `IssueCredentialRequest`, `{credential, options}`), for an officer's API
token (RFC 6750 Bearer).

This view checks the credential's shape as VC Data Model 2.0 states it (§4.3 contexts, §4.5
types, §4.7 issuer, §4.8 credential subject; 400 problem details with a JSON Pointer) and
that it names this issuer; `issuer.requested_credentials` issues what the candidate's
recorded certification gives, through the same minting as the console and `s4c issue`, and
refuses (422, naming the field) anything in the request that disagrees with it.
Answers 201 `{"verifiableCredential": ...}` (VCALM IssueCredentialResponse).

Before VC-API issuing, this path took `{candidate, assessments}`: that body is still
accepted and handled as `POST /assessments` is, with a `Deprecation` header (RFC 9745) and
a `Link` to the new path, so that existing clients keep working.
"""
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy.exc import IntegrityError

from issuer.requested_credentials import AlreadyIssued, RequestRefused, issue_requested
from vc.errors import MalformedInputError
from vc.findings import Finding
from vc.json_input import loads_strict
from web.officer import api as issuer_api
from web.officer.words import problem_members
from web.plumbing.auth import token_required
from web.plumbing.finding_words import say_english
from web.plumbing.problems import PROBLEM_JSON, problem, with_members
from web.wiring.services import current_services

vcapi_issuer = Blueprint("vcapi_issuer", __name__)

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
KNOWN_OPTIONS = ("credentialId",)
# VCALM "Error Handling": an option the implementation does not know
UNKNOWN_OPTION = "https://www.w3.org/TR/vcalm#UNKNOWN_OPTION_PROVIDED"
VCDM_MALFORMED = "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR"
VC11_DATES = {"issuanceDate": "validFrom", "expirationDate": "validUntil"}


class Invalid(ValueError):
    def __init__(self, pointer: str, detail: str, type_: str = VCDM_MALFORMED) -> None:
        super().__init__(detail)
        self.pointer, self.detail, self.type = pointer, detail, type_


def _refusal(status: int, pointer: str, detail: str, type_: str, title: str,
             also: tuple[str, ...] = (), found: Finding | None = None) -> Response:
    where = pointer.lstrip("/") or "credential"
    response = problem(status, f"{where}: {detail}", title=title, type_=type_)
    body = response.get_json()
    if found is not None:  # machines read the code, beside the VC DM problem type
        body.update(problem_members(found))
    body["errors"] = [{"pointer": f"#{p}", "detail": detail}  # RFC 9457 §3.2
                      for p in (pointer, *also)]
    replacement = jsonify(body)
    replacement.status_code = status
    replacement.mimetype = PROBLEM_JSON
    return replacement


def _english(found: Finding) -> str:
    """The refusal's sentence from the catalogue, then the record's facts (technical)."""
    sentence = say_english(found)
    return f"{sentence} ({found.detail})" if found.detail else sentence


def _strings(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def check_shape(credential: Any, issuer_did: str) -> None:
    """The VC DM 2.0 shape of an unsigned credential, and that it names this issuer.

    Each required property's presence and JSON type first, then the values (the first
    context, the VerifiableCredential type, this issuer): a missing property is named as
    such even in a credential that s4c would refuse anyway (e.g. a VC 1.1 one)."""
    if not isinstance(credential, dict):
        raise Invalid("/credential", "must be a JSON object, the unsigned credential")
    p = "/credential"
    context = credential.get("@context")
    if context is None:
        raise Invalid(f"{p}/@context", "is required (VC DM 2.0 §4.3)")
    if not isinstance(context, list) or not context:
        raise Invalid(f"{p}/@context", "must be an array of context URLs (VC DM 2.0 §4.3)")
    if not all(isinstance(c, str) for c in context):
        raise Invalid(f"{p}/@context", "s4c signs with its pinned contexts, named by URL: "
                                       "every item must be a string")
    types = credential.get("type")
    if types is None:
        raise Invalid(f"{p}/type", "is required (VC DM 2.0 §4.5)")
    if not _strings(types):
        raise Invalid(f"{p}/type", "must be an array of type names (VC DM 2.0 §4.5)")
    issuer = credential.get("issuer")
    if issuer is None:
        raise Invalid(f"{p}/issuer", "is required (VC DM 2.0 §4.7)")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str):
        raise Invalid(f"{p}/issuer", "must be a URL or an object whose id is a URL "
                                     "(VC DM 2.0 §4.7)")
    subject = credential.get("credentialSubject")
    if subject is None:
        raise Invalid(f"{p}/credentialSubject", "is required (VC DM 2.0 §4.8)")
    if not isinstance(subject, dict):
        raise Invalid(f"{p}/credentialSubject", "must be one object, the holder with the "
                                                "achievement (VC DM 2.0 §4.8)")
    if context[0] != V2:
        detail = "; VC Data Model 1.1 credentials are not issued" if context[0] == V1 else ""
        raise Invalid(f"{p}/@context/0", f"must be {V2} (VC DM 2.0 §4.3){detail}")
    if "VerifiableCredential" not in types:
        raise Invalid(f"{p}/type", "must include VerifiableCredential (VC DM 2.0 §4.5)")
    if issuer_id != issuer_did:
        raise Invalid(f"{p}/issuer", f"must be this issuer, {issuer_did}: s4c signs only "
                                     "as itself")
    for old, new in VC11_DATES.items():
        if old in credential:
            raise Invalid(f"{p}/{old}", f"is VC Data Model 1.1: use {new} (VC DM 2.0 §4.9)")


def _options(body: dict) -> dict:
    options = body.get("options", {})
    if not isinstance(options, dict):
        raise Invalid("/options", "must be a JSON object")
    for key in options:
        if key not in KNOWN_OPTIONS:
            raise Invalid(f"/options/{key}", f"is not an option s4c knows (it knows "
                                              f"{', '.join(KNOWN_OPTIONS)})", UNKNOWN_OPTION)
    if "credentialId" in options and not isinstance(options["credentialId"], str):
        raise Invalid("/options/credentialId", "must be a string")
    return options


def _is_legacy(body: dict) -> bool:
    return "credential" not in body and "candidate" in body and "assessments" in body


@vcapi_issuer.post("/credentials/issue")
@token_required
def issue_credential() -> Response:
    if not request.is_json:
        return _refusal(400, "", "send JSON (Content-Type: application/json)",
                        VCDM_MALFORMED, "Invalid request")
    try:  # I-JSON (RFC 7493): no duplicate keys, no NaN, bounded nesting
        body = loads_strict(request.get_data())
    except MalformedInputError as e:
        return _refusal(400, "", str(e), "https://www.w3.org/TR/vc-data-model#PARSING_ERROR",
                        "Invalid request")
    if isinstance(body, dict) and _is_legacy(body):
        # the officer is already authenticated: the undecorated view (functools.wraps)
        response = issuer_api.issue.__wrapped__()  # type: ignore[attr-defined]
        response.headers["Deprecation"] = "true"
        response.headers["Link"] = '</assessments>; rel="successor-version"'
        return response
    services = current_services()
    try:
        if not isinstance(body, dict):
            raise Invalid("", "the body must be a JSON object: {credential, options}")
        if "credential" not in body:
            raise Invalid("/credential", "is required: the unsigned credential to issue "
                                         "(VC-API IssueCredentialRequest)")
        credential = body["credential"]
        check_shape(credential, services.settings.issuer_did)
        options = _options(body)
    except Invalid as e:
        return _refusal(400, e.pointer, e.detail, e.type, "Invalid request")
    option_id = options.get("credentialId")
    if "id" in credential and option_id is not None and credential["id"] != option_id:
        # VCALM IssueCredentialOptions.credentialId "the id of the credential": two ids
        return _refusal(422, "/credential/id", f"{str(credential['id'])[:200]!r} differs "
                        f"from /options/credentialId {option_id[:200]!r}: give the "
                        "credential's id once, or the same in both", VCDM_MALFORMED,
                        "Cannot issue this credential", also=("/options/credentialId",))
    issuer = services.issuer
    try:
        with issuer.sessions.begin() as session:  # a refusal rolls everything back
            signed = issue_requested(session, issuer.minter(g.officer), credential,
                                     credential_id=option_id)
    except RequestRefused as e:
        return _refusal(422, f"/credential{e.pointer}", _english(e.finding), VCDM_MALFORMED,
                        "Cannot issue this credential", found=e.finding)
    except AlreadyIssued as e:
        return with_members(problem(409, say_english(e.finding), title="Already issued"),
                            problem_members(e))
    except IntegrityError:  # the same request at the same moment won the unique rows
        return problem(409, "another request issued this credential right now",
                       title="Conflict")
    response = jsonify({"verifiableCredential": signed})
    response.status_code = 201
    response.headers["Location"] = f"/credentials/{signed['id']}/download"
    return response
