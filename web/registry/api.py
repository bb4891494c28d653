"""The registry's public JSON API under `/registry`: anchors, issuers, recognitions, the
signed trust list and each authority's status list. Errors are RFC 9457 problem details."""
import json

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException

from registry.directory import anchor_json, issuer_json, recognition_json
from registry.errors import InvalidRecord, NotAuthorised, RecordConflict, RecordNotFound
from registry.validation import country as check_country
from registry.vocab import ROLE_CODES, now, role_id
from web.plumbing.problems import problem, with_members
from web.registry.words import registry_english
from web.wiring.services import current_registry

registry_api = Blueprint("registry_api", __name__, url_prefix="/registry")
JSON_MEDIA_TYPE = "application/json"
STATUS_BY_ERROR = ((InvalidRecord, 422), (NotAuthorised, 403), (RecordNotFound, 404),
                   (RecordConflict, 409))


def json_response(body: object, status: int = 200, *, public: bool = True) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False, indent=2), status=status,
                        mimetype=JSON_MEDIA_TYPE)
    if public:  # public data: browser-based verifiers fetch it cross-origin
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def registry_problem(error: Exception) -> Response:
    """A registry error as problem details; an invalid input lists every problem in
    `errors`, each with a JSON Pointer into the request (RFC 9457 §3.2 extension member,
    in the shape of its own example)."""
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            detail = registry_english(error.finding)
            members = error.finding.to_json()  # machines read code and params
            members.pop("detail", None)
            if isinstance(error, InvalidRecord):
                errors = [{"pointer": p.pointer, "detail": registry_english(p.finding),
                           "code": p.finding.code, "params": p.finding.to_json()["params"]}
                          for p in error.problems]
                detail = "; ".join(e["detail"] for e in errors) or detail
                response = problem(status, detail)
                body = response.get_json() | members | {
                    "errors": errors or [{"pointer": "", "detail": detail, **members}]}
                response.set_data(json.dumps(body, ensure_ascii=False))
                return response
            return with_members(problem(status, detail), members)
    raise error


def _http_problem(error: HTTPException) -> Response:
    return problem(error.code or 500, error.description if (error.code or 500) < 500 else None)


registry_api.register_error_handler(HTTPException, _http_problem)
for _kind, _ in STATUS_BY_ERROR:
    registry_api.register_error_handler(_kind, registry_problem)


@registry_api.get("/anchors")
def anchors() -> Response:
    services = current_registry()
    slugs = services.registry.anchor_slugs()
    snapshot = services.registry.snapshot()
    return json_response({"anchors": [anchor_json(a, slugs.get(a.did))
                                      for a in sorted(snapshot.anchors.values(),
                                                      key=lambda a: (a.country, a.did))]})


@registry_api.get("/anchors/<path:ref>")
def anchor(ref: str) -> Response:
    services = current_registry()
    slugs = services.registry.anchor_slugs()
    by_slug = {slug: did for did, slug in slugs.items()}
    found = services.registry.snapshot().anchors.get(by_slug.get(ref, ref))
    if found is None:
        return problem(404, f"{ref!r} is not a registered trust anchor")
    return json_response(anchor_json(found, slugs.get(found.did)))


@registry_api.get("/issuers")
def issuers() -> Response:
    snapshot = current_registry().trust_source.snapshot()
    at = now()
    return json_response({"issuers": [issuer_json(i, at) for i in snapshot.issuers.values()]})


@registry_api.get("/issuers/<path:did>")
def issuer(did: str) -> Response:
    found = current_registry().trust_source.issuer(did)
    if found is None:
        return problem(404, f"{did} is not an accredited certification body in this registry")
    return json_response(issuer_json(found, now()))


@registry_api.get("/recognitions")
def recognitions() -> Response:
    """Filter with `country` (ISO code) and `role` (SCPD, SCPM, SCPMC) or `achievement` (id)."""
    country = request.args.get("country")
    if country:
        country = check_country(country)
    achievement = request.args.get("achievement")
    role = request.args.get("role")
    if role:
        if role not in ROLE_CODES:
            return problem(422, f"role must be one of {', '.join(ROLE_CODES)}")
        achievement = role_id(role)
    snapshot = current_registry().trust_source.snapshot()
    found = [r for r in snapshot.recognitions
             if (achievement is None or r.achievement == achievement)
             and (country is None or r.country == country)]
    at = now()
    return json_response({"recognitions": [recognition_json(r, at) for r in found]})


@registry_api.get("/trust-list")
def trust_list() -> Response:
    response = json_response(current_registry().trust_list())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@registry_api.get("/status/<slug>")
def status_list(slug: str) -> Response:
    found = current_registry().registry.status_list(slug)
    if found is None:
        return problem(404, f"no status list for {slug!r}")
    response = json_response(found)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@registry_api.get("/credentials/<path:credential_id>")
def credential(credential_id: str) -> Response:
    found = current_registry().registry.credential(credential_id)
    if found is None:
        return problem(404, f"no registry credential {credential_id!r}")
    return json_response(found)
