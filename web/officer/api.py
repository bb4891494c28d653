"""The issuer's certification API, Bearer-authenticated: assessments, status, cohorts.

The VC-API issuer (`POST /credentials/issue` with `{credential, options}`) is
`web.officer.vcapi_issuer`. Here the certification body's own path: `POST /assessments` records
exam results, applies the rules and issues what they earn. It takes:

    {"candidate": {"name": "...", "email": "...", "did": "did:..." (optional)},
     "assessments": [{"unit": "SCPM-U1", "score": 80, "max_score": 100,
                      "assessed_on": "2026-05-30", "exam_body": "...", "assessor": "..."}]}

It records them, certifies and issues in one transaction and answers with the signed
credentials: 201 `{"issued": [...], "existing": [...], "assessments": [...]}` when something
new was issued, 200 when everything had been issued before (issuing is idempotent).

`POST /cohorts` (a cohort CSV as the body, `Content-Type: text/csv`, `?filename=`) starts a
background job (`web.wiring.job_queue`) and answers 202 with its progress and a `Location`;
`GET /cohorts/<id>` follows it (`finished`, `percent`, `issued`, `errors` by line).

`POST /assessments/<ref>/void` with `{"reason": "..."}` voids an assessment recorded in error
(each outcome of `POST /assessments` names its `assessment` and `attempt`): 200 with what it
withdrew and the credentials issued from it, which are not changed; 404 for an unknown
assessment, 409 when it was voided before, 422 without a reason.

`POST /credentials/status`:

    {"credentialId": "urn:uuid:...", "reason": "...",
     "credentialStatus": [{"type": "BitstringStatusListEntry",
                           "status": "revoked" | "suspended" | "reinstated"}]}
"""
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy.exc import IntegrityError

from issuer import cohort_jobs
from issuer.service import IssuerError, NotFound
from issuer.voiding import AlreadyVoided, reason_problem
from vc.errors import MalformedInputError
from vc.json_input import loads_strict
from web.officer.words import issuer_reason_english, problem_members
from web.plumbing.auth import token_required
from web.plumbing.problems import problem, with_members
from web.wiring.services import current_services

issuer_api = Blueprint("issuer_api", __name__)

MAX_ASSESSMENTS = 200
MAX_TEXT = 1000
STATUS_ACTIONS = ("revoked", "suspended", "reinstated")


class BadField(ValueError):
    """A request field that is missing or wrong; `pointer` is its JSON Pointer (RFC 6901);
    `refused` the issuer's refusal, when it was the issuer that refused the field."""

    def __init__(self, pointer: str, detail: str, refused: IssuerError | None = None) -> None:
        super().__init__(f"{pointer}: {detail}")
        self.pointer = pointer
        self.detail = detail
        self.refused = refused

    @classmethod
    def refusal(cls, pointer: str, error: IssuerError) -> "BadField":
        return cls(pointer, issuer_reason_english(error), error)


def _bad_request(error: BadField) -> Response:
    # RFC 9457 §3.2 extension member "errors" with a JSON Pointer, as in the RFC's example.
    response = problem(400, f"{error.pointer.lstrip('/') or 'body'}: {error.detail}",
                       title="Invalid request")
    body = response.get_json()
    body["errors"] = [{"pointer": f"#{error.pointer}", "detail": error.detail}]
    if error.refused is not None:  # the code and its facts, for machines
        body.update(problem_members(error.refused))
    return _with_body(response, body)


def _refused(status: int, error: IssuerError, title: str | None = None) -> Response:
    """A problem answer for an issuer's refusal: English from the catalogue as `detail`,
    and the refusal's `code` and `params`."""
    return with_members(problem(status, issuer_reason_english(error), title=title),
                        problem_members(error))


def _with_body(response: Response, body: dict) -> Response:
    replacement = jsonify(body)
    replacement.status_code = response.status_code
    if response.mimetype is not None:  # a problem() always has one
        replacement.mimetype = response.mimetype
    return replacement


# -- request parsing (HTTP shape only; the issuer applies the rules) -------------------------
@dataclass(frozen=True)
class AssessmentInput:
    unit: str
    score: float
    max_score: float
    assessed_on: date
    exam_body: str
    assessor: str


def _object(value: Any, pointer: str) -> dict:
    if not isinstance(value, dict):
        raise BadField(pointer, "must be a JSON object")
    return value


def _text(obj: dict, key: str, pointer: str, *, required: bool = True) -> str | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadField(f"{pointer}/{key}", "must be a non-empty string")
    if len(value) > MAX_TEXT:
        raise BadField(f"{pointer}/{key}", f"must be at most {MAX_TEXT} characters")
    if "\0" in value:  # not text (and PostgreSQL cannot store it)
        raise BadField(f"{pointer}/{key}", "must not contain a NUL character")
    return value.strip()


def _number(obj: dict, key: str, pointer: str) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value):
        raise BadField(f"{pointer}/{key}", "must be a number")
    return float(value)


def _date(obj: dict, key: str, pointer: str) -> date:
    text = _text(obj, key, pointer)
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        raise BadField(f"{pointer}/{key}", "must be a date (YYYY-MM-DD)") from None


def _assessment(value: Any, pointer: str) -> AssessmentInput:
    obj = _object(value, pointer)
    return AssessmentInput(
        unit=_text(obj, "unit", pointer) or "", score=_number(obj, "score", pointer),
        max_score=_number(obj, "max_score", pointer),
        assessed_on=_date(obj, "assessed_on", pointer),
        exam_body=_text(obj, "exam_body", pointer) or "",
        assessor=_text(obj, "assessor", pointer) or "")


def _json_body() -> dict:
    if not request.is_json:
        raise BadField("", "the body must be JSON (Content-Type: application/json)")
    try:  # I-JSON (RFC 7493): no duplicate keys, no NaN, bounded nesting
        body = loads_strict(request.get_data(cache=False))
    except MalformedInputError as e:
        raise BadField("", str(e)) from None
    return _object(body, "")


# -- routes ----------------------------------------------------------------------------------
@issuer_api.post("/assessments")
@token_required
def issue() -> Response:
    try:
        body = _json_body()
        candidate = _object(body.get("candidate"), "/candidate")
        name = _text(candidate, "name", "/candidate") or ""
        email = _text(candidate, "email", "/candidate") or ""
        did = _text(candidate, "did", "/candidate", required=False)
        items = body.get("assessments", [])
        if not isinstance(items, list) or len(items) > MAX_ASSESSMENTS:
            raise BadField("/assessments", f"must be a list of at most {MAX_ASSESSMENTS}")
        inputs = [_assessment(a, f"/assessments/{i}") for i, a in enumerate(items)]
    except BadField as e:
        return _bad_request(e)
    service = current_services().issuer
    actor: str = g.officer
    for attempt in range(2):
        outcomes: list[dict] = []
        try:
            result = _record_and_issue(service, name, email, did, inputs, actor, outcomes)
            break
        except IntegrityError:
            # another request issued for the same candidate at the same moment: it won the
            # unique rows; a second try finds them and answers with the same credentials
            if attempt:
                return problem(409, "another request is issuing for this candidate right "
                                    "now; send this one again", title="Conflict")
        except BadField as e:
            return _bad_request(e)
        except IssuerError as e:
            return _refused(400, e, title="Cannot issue")
    response = jsonify({"candidate": result.candidate_ref, "assessments": outcomes,
                        "issued": result.issued, "existing": result.existing})
    response.status_code = 201 if result.issued else 200
    return response


def _record_and_issue(service, name: str, email: str, did: str | None,
                      inputs: list, actor: str, outcomes: list[dict]):
    # One transaction: a refused assessment leaves nothing recorded and nothing issued.
    with service.sessions.begin() as session:
        try:
            ref = service.add_candidate(name, email, did, actor, session)
        except IssuerError as e:
            raise BadField.refusal("/candidate", e) from None
        for i, a in enumerate(inputs):
            try:
                recorded = service.record_attempt(ref, a.unit, a.score, a.max_score,
                                                  a.assessed_on, a.exam_body, a.assessor,
                                                  actor, session)
            except IssuerError as e:
                raise BadField.refusal(f"/assessments/{i}", e) from None
            outcomes.append({"unit": a.unit, "passed": recorded.passed,
                             "assessment": recorded.ref, "attempt": recorded.attempt,
                             "new": recorded.new})
        return service.certify_and_issue(ref, actor, session)


@issuer_api.post("/assessments/<ref>/void")
@token_required
def void_assessment(ref: str) -> Response:
    """Voids an assessment recorded in error: `{"reason": "..."}`. Credentials already issued
    from it are listed in `credentialsUnchanged`: revoke them with `/credentials/status`."""
    try:
        body = _json_body()
    except BadField as e:
        return _bad_request(e)
    reason = body.get("reason")
    found = reason_problem(reason if isinstance(reason, str) else None)
    if found is not None:
        problem_text = issuer_reason_english(found)
        response = problem(422, f"reason: {problem_text}", title="Invalid request")
        return _with_body(response, {**response.get_json(), **problem_members(found),
                                     "errors": [{"pointer": "#/reason",
                                                 "detail": problem_text}]})
    try:
        voided = current_services().issuer.void_assessment(ref, str(reason), g.officer)
    except NotFound as e:
        return _refused(404, e)
    except AlreadyVoided as e:
        return _refused(409, e, title="Already voided")
    except IssuerError as e:
        return _refused(422, e, title="Invalid request")
    return jsonify({
        "assessment": voided.ref, "candidate": voided.candidate_ref, "unit": voided.unit,
        "attempt": voided.attempt, "voided": {"at": voided.voided_at.isoformat(),
                                              "by": voided.voided_by,
                                              "reason": voided.reason},
        "withdrawn": [{"kind": kind, "code": code} for kind, code in voided.withdrawn],
        "credentialsUnchanged": [{"id": c.id, "kind": c.kind, "code": c.code,
                                  "revoked": c.revoked, "suspended": c.suspended}
                                 for c in voided.credentials]})


@issuer_api.post("/credentials/status")
@token_required
def update_status() -> Response:
    try:
        body = _json_body()
        credential_id = _text(body, "credentialId", "") or ""
        reason = _text(body, "reason", "") or ""
        entries = body.get("credentialStatus")
        if not isinstance(entries, list) or len(entries) != 1:
            raise BadField("/credentialStatus", "must be a list with exactly one entry")
        entry = _object(entries[0], "/credentialStatus/0")
        if entry.get("type") != "BitstringStatusListEntry":
            raise BadField("/credentialStatus/0/type", "must be 'BitstringStatusListEntry'")
        action = entry.get("status")
        if action not in STATUS_ACTIONS:
            raise BadField("/credentialStatus/0/status",
                           f"must be one of {', '.join(STATUS_ACTIONS)}")
    except BadField as e:
        return _bad_request(e)
    service = current_services().issuer
    change = {"revoked": service.revoke, "suspended": service.suspend,
              "reinstated": service.reinstate}[action]
    try:
        change(credential_id, reason, g.officer)
    except NotFound as e:
        return _refused(404, e)
    except IssuerError as e:
        return _refused(409, e, title="Status change refused")
    record = service.credential(credential_id)
    return jsonify({"credentialId": credential_id, "revoked": record.revoked,
                    "suspended": record.suspended})


# -- cohorts -------------------------------------------------------------------------------------
MAX_COHORT_BYTES = 16 * 1024 * 1024  # as the console's upload


@issuer_api.post("/cohorts")
@token_required
def submit_cohort() -> Response:
    if request.mimetype not in ("text/csv", "text/plain"):
        return problem(415, "send the cohort as CSV (Content-Type: text/csv; charset=utf-8)",
                       title="Unsupported Media Type")
    request.max_content_length = MAX_COHORT_BYTES  # only for an authenticated officer
    try:
        text = request.get_data(cache=False).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return problem(400, f"the body is not UTF-8 text (byte {e.start}); send UTF-8 CSV",
                       title="Cannot read the cohort")
    services = current_services()
    filename = (request.args.get("filename") or "cohort.csv")[:200]
    try:
        job_id = services.jobs.submit(services.issuer, text, filename, g.officer)
    except IssuerError as e:
        return _refused(400, e, title="Cannot read the cohort")
    response = jsonify(_progress(services.issuer, job_id))
    response.status_code = 202
    response.headers["Location"] = f"/cohorts/{job_id}"
    return response


@issuer_api.get("/cohorts/<job_id>")
@token_required
def cohort_progress(job_id: str) -> Response:
    try:
        return jsonify(_progress(current_services().issuer, job_id))
    except NotFound as e:
        return _refused(404, e)


def _progress(service, job_id: str) -> dict:
    """A job's progress: `errors` in English from the catalogue ("line 3: ..."), as before,
    and `findings`, the same errors as codes with their parameters."""
    job = cohort_jobs.progress(service, job_id)
    body = job.to_json()
    body["findings"] = body["errors"]
    body["errors"] = [issuer_reason_english(e) for e in job.summary.errors]
    return body
