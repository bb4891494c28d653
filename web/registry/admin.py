"""Administration of the registry over HTTP, one bearer token per authority (RFC 6750).

The token says which authority calls; the request is then signed with that authority's
key, and the registry service decides whether that authority is in charge (403 if not).
No token or an unknown one is 401.
"""
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from flask import Blueprint, Response, request

from registry.authority import Authority
from registry.codes import RegistryCode
from registry.errors import FieldProblem, InvalidRecord
from registry.validation import Problems
from registry.vocab import FRAMEWORK, ROLE_CODES, role_id
from vc.findings import Finding
from vc.instants import read_instant
from web.plumbing.problems import problem
from web.registry.api import STATUS_BY_ERROR, json_response, registry_problem
from web.wiring.registry_setup import RegistryServices
from web.wiring.services import current_registry

registry_admin = Blueprint("registry_admin", __name__, url_prefix="/registry/admin")
for _kind, _ in STATUS_BY_ERROR:
    registry_admin.register_error_handler(_kind, registry_problem)


def _unauthorised(detail: str) -> Response:
    response = problem(401, detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="s4c-registry"'
    return response


def _caller(services: RegistryServices) -> Authority | Response:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _unauthorised("send the authority's API token as 'Authorization: Bearer ...'")
    info = services.registry.authenticate(token.strip())
    if info is None:
        return _unauthorised("the API token is not valid")
    return services.keys.existing(info.slug)


def authenticated(view: Callable[..., Response]) -> Callable[..., Response]:
    """Passes the registry services and the calling authority, or answers 401."""
    @wraps(view)
    def wrapper(**kwargs: object) -> Response:
        services = current_registry()
        caller = _caller(services)
        if isinstance(caller, Response):
            return caller
        return view(services, caller, **kwargs)
    return wrapper


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        found = Finding(RegistryCode.BODY_NOT_JSON)
        raise InvalidRecord(found, problems=(FieldProblem("", found),))
    return body


def _time(body: dict, key: str, problems: Problems) -> datetime | None:
    if body.get(key) is None:
        return None
    try:
        return read_instant(body[key], key)
    except ValueError as e:
        problems.add(f"/{key}", RegistryCode.TIME_INVALID, str(e), what=key)
        return None


def _required(body: dict, key: str, problems: Problems) -> Any:
    """The JSON value under `key`, as sent (the registry service checks it); a missing one
    is a problem at its pointer, reported with every other problem of the request."""
    if key not in body or body[key] is None:
        problems.add(f"/{key}", RegistryCode.FIELD_REQUIRED, what=key)
        return None
    return body[key]


@registry_admin.get("/whoami")
@authenticated
def whoami(services: RegistryServices, caller: Authority) -> Response:
    info = services.registry.authority(caller.did)
    if info is None:  # removed since its token was checked
        return _unauthorised("the API token is not valid")
    return json_response({"slug": info.slug, "kind": info.kind, "did": info.did},
                         public=False)


@registry_admin.post("/anchors")
@authenticated
def add_anchor(services: RegistryServices, caller: Authority) -> Response:
    """Operator only: {slug, country, name: {lang: text}, validFrom?, validUntil?, demo?}."""
    body = _body()
    services.registry.require_operator(caller)
    problems = Problems()
    fields = {"slug": _required(body, "slug", problems),
              "country": _required(body, "country", problems),
              "names": _required(body, "name", problems),
              "valid_from": _time(body, "validFrom", problems),
              "valid_until": _time(body, "validUntil", problems)}
    # every field is checked before a key is made for the slug
    slug, country, names = services.registry.check_anchor(**fields, problems=problems)
    anchor = services.keys.authority(slug)
    added = services.registry.add_anchor(
        caller, anchor.did, slug=slug, country=country, names=names,
        valid_from=fields["valid_from"], valid_until=fields["valid_until"],
        demo=body.get("demo") is True)
    return json_response({"did": anchor.did, "slug": slug, "token": added.token,
                          "credential": added.credential}, 201, public=False)


@registry_admin.delete("/anchors/<ref>")
@authenticated
def remove_anchor(services: RegistryServices, caller: Authority, ref: str) -> Response:
    revoked = services.registry.remove_anchor(caller, ref)
    return json_response({"removed": ref, "revokedCredential": revoked}, public=False)


@registry_admin.post("/accreditations")
@authenticated
def accredit(services: RegistryServices, caller: Authority) -> Response:
    """Anchors: {issuer, name?, achievements?, maxEqfLevel, validFrom?, validUntil?,
    country?, publicKeys?, framework?, replaces?}. `name` is this anchor's wording of the
    body's name, shown beside this accreditation as the anchor's; the body's own name is
    the operator's (`PUT /issuers/<did>/name`). `publicKeys` (key ids, or {id: multibase})
    only narrows the body's keys, which come from the body's own DID document. `replaces`
    (the id of this anchor's accreditation of the same body) changes it: the old credential
    is revoked as the new one is signed."""
    body = _body()
    problems = Problems()
    issuer = _required(body, "issuer", problems)
    names = body.get("name")
    level = _required(body, "maxEqfLevel", problems)
    start, end = _time(body, "validFrom", problems), _time(body, "validUntil", problems)
    replaces = body.get("replaces")
    if replaces is not None and not isinstance(replaces, str):
        problems.add("/replaces", RegistryCode.REPLACES_NOT_AN_ID, kind="accreditation")
    credential = services.registry.accredit(
        caller, issuer, names=names, achievements=body.get("achievements", []),
        max_eqf_level=level, valid_from=start, valid_until=end,
        framework=body.get("framework", FRAMEWORK), country=body.get("country"),
        public_keys=body.get("publicKeys"), demo=body.get("demo") is True,
        replaces=replaces, problems=problems)
    return json_response(credential, 201, public=False)


@registry_admin.delete("/accreditations/<path:credential_id>")
@authenticated
def revoke_accreditation(services: RegistryServices, caller: Authority,
                         credential_id: str) -> Response:
    services.registry.revoke_accreditation(caller, credential_id)
    return json_response({"revoked": credential_id}, public=False)


@registry_admin.post("/recognitions")
@authenticated
def recognise(services: RegistryServices, caller: Authority) -> Response:
    """Anchors: {role | achievement, nqfLevel, eqfLevel, equivalence: {lang: text},
    legalBasis, validFrom?, validUntil?, replaces?}; the country is the anchor's. A country
    has one current decision per role: a second one must name it in `replaces` (409
    otherwise, or when `replaces` is not the current one); the replaced one is kept as
    history."""
    body = _body()
    problems = Problems()
    role = body.get("role")
    achievement = None
    if role is not None:
        if role in ROLE_CODES:
            achievement = role_id(role)
        else:
            problems.add("/role", RegistryCode.ROLE_UNKNOWN, roles=", ".join(ROLE_CODES))
            problems.skip("/achievement")
    else:
        achievement = _required(body, "achievement", problems)
    replaces = body.get("replaces")
    if replaces is not None and not isinstance(replaces, str):
        problems.add("/replaces", RegistryCode.REPLACES_NOT_AN_ID, kind="recognition")
    credential = services.registry.recognise(
        caller, achievement or "", nqf_level=_required(body, "nqfLevel", problems),
        eqf_level=_required(body, "eqfLevel", problems),
        equivalence=_required(body, "equivalence", problems),
        legal_basis=_required(body, "legalBasis", problems),
        valid_from=_time(body, "validFrom", problems),
        valid_until=_time(body, "validUntil", problems),
        framework=body.get("framework", FRAMEWORK), demo=body.get("demo") is True,
        replaces=replaces, problems=problems)
    return json_response(credential, 201, public=False)


@registry_admin.delete("/recognitions/<path:credential_id>")
@authenticated
def withdraw_recognition(services: RegistryServices, caller: Authority,
                         credential_id: str) -> Response:
    services.registry.withdraw_recognition(caller, credential_id)
    return json_response({"withdrawn": credential_id}, public=False)


@registry_admin.put("/issuers/<path:issuer_did>/name")
@authenticated
def register_body(services: RegistryServices, caller: Authority, issuer_did: str) -> Response:
    """Operator only: {name: {lang: text}, country?}: the name the registry shows for the
    body everywhere (pages, trust list, verification reports). No anchor can set it."""
    body = _body()
    services.registry.require_operator(caller)
    problems = Problems()
    names = _required(body, "name", problems)
    problems.raise_any()
    changed = services.registry.register_body(caller, issuer_did, names=names,
                                              country=body.get("country"))
    registered = services.registry.registered_body(issuer_did)
    return json_response({"issuer": issuer_did, "changed": changed,
                          "name": registered.name if registered else names,
                          "country": registered.country if registered else None},
                         public=False)


@registry_admin.post("/issuers/<path:issuer_did>/keys/refresh")
@authenticated
def refresh_body_keys(services: RegistryServices, caller: Authority,
                      issuer_did: str) -> Response:
    """The operator or an accrediting anchor: re-read the body's keys from its DID
    document (after a rotation). Nobody can send the registry a key."""
    changed = services.registry.refresh_body_keys(caller, issuer_did)
    return json_response({"issuer": issuer_did, "changed": changed}, public=False)
