"""The wallet-facing endpoints of OpenID4VCI 1.0 (pre-authorized code flow).

Errors take the forms wallets parse: RFC 6749 §5.2 at the token endpoint, OpenID4VCI §8.3.1
at the credential endpoint, RFC 6750 §3 / RFC 9449 §7.1 `WWW-Authenticate` for a missing or
bad access token. Every response is `Cache-Control: no-store` (RFC 6749 §5.1).
"""
import json
import time
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, request

from issuer.client_attestation import (
    ATTESTATION_HEADER,
    POP_HEADER,
    ClientAuthError,
    presented_attestation,
)
from issuer.errors import NotFound
from issuer.wallet_authorization import redeem_code
from issuer.wallet_grants import Grant, GrantError, parse_configuration_id
from issuer.wallet_limits import CopiesExhausted, Replayed, SingleUse
from web.officer.words import issuer_reason_english
from web.wallet.oid4vci import metadata
from web.wallet.oid4vci.dpop import DpopError, DpopNonceNeeded, check_dpop, single_use
from web.wallet.oid4vci.key_proofs import RefusedRequest, read_key_proofs
from web.wallet.oid4vci.offers import PRE_AUTHORIZED_GRANT
from web.wallet.oid4vci.tokens import (
    ACCESS_TOKEN_S,
    make_access_token,
    make_c_nonce,
    make_dpop_nonce,
    read_access_token,
)
from web.wiring.sd_jwt_keys import SdJwtIssuerKey
from web.wiring.services import current_services

oid4vci = Blueprint("oid4vci", __name__)
FORMATS = ("dc+sd-jwt", "ldp_vc")


def _key() -> bytes:
    """The key of access tokens and c_nonces: the app's secret key, as bytes."""
    key = current_app.secret_key
    return key if isinstance(key, bytes) else str(key).encode()


def sd_jwt_key() -> SdJwtIssuerKey:
    """The SD-JWT signing key, read once per worker (in `create_app`)."""
    return current_services().sd_jwt_key


def _public_url() -> str:
    return current_services().settings.public_url


def _json(body: dict, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status,
                    {"Cache-Control": "no-store", **(headers or {})},
                    mimetype="application/json")


def _error(error: str, description: str, status: int = 400,
           headers: dict[str, str] | None = None) -> Response:
    # RFC 6749 §5.2, OpenID4VCI §8.3.1.2: error_description is printable ASCII without " or
    # \ (a refusal may quote what the wallet sent)
    said = "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in description)
    return _json({"error": error, "error_description": said}, status, headers)


@oid4vci.get("/.well-known/openid-credential-issuer")
def issuer_metadata() -> Response:
    services = current_services()
    body = metadata.credential_issuer_metadata(
        services.settings.public_url, services.settings.issuer_name,
        services.issuer.framework(), FORMATS, services.issuer.config.wallet_copies)
    response = jsonify(body)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@oid4vci.get("/.well-known/oauth-authorization-server")
def authorization_server_metadata() -> Response:
    response = jsonify(metadata.authorization_server_metadata(_public_url()))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@oid4vci.get("/vct/<kind>-v1")
def vct_type_metadata(kind: str) -> Response:
    """SD-JWT VC Type Metadata at the URL that `vct` names (draft-ietf-oauth-sd-jwt-vc §6.3.1)."""
    if kind not in metadata.KIND_NAMES:
        return _error("not_found", f"no credential type {kind!r} here", 404)
    response = Response(metadata.type_metadata(_public_url(), kind).to_bytes(),
                        mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@oid4vci.get("/status/token/<int:number>")
def token_status_list(number: int) -> Response:
    """A Status List Token (draft-ietf-oauth-status-list §5, §8.1): the state of every SD-JWT
    VC copy indexed in list `number`, from its original's (revoked 1, suspended 2)."""
    services = current_services()
    token = services.issuer.wallets.status_list_token(
        number, sd_jwt_key().signer, _public_url())
    if token is None:
        return _error("not_found", f"there is no token status list {number}", 404)
    response = Response(token, mimetype="application/statuslist+jwt")
    response.headers["Cache-Control"] = "max-age=60"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _with_dpop_nonce(headers: dict[str, str] | None = None) -> dict[str, str]:
    """A fresh DPoP nonce on every answer of the token and credential endpoints (RFC 9449
    §8.2, §9): the wallet's next proof carries it, without a round trip to be told."""
    return {**(headers or {}), "DPoP-Nonce": make_dpop_nonce(_key())}


def _replayed_dpop() -> str:
    return ("this DPoP proof was already used (RFC 9449 section 11.1): make a new one for "
            "each request")


@oid4vci.post(metadata.TOKEN_PATH)
def token() -> Response:
    """§6.1 Token Request (pre-authorized code, or authorization code with PKCE), with a
    DPoP proof (RFC 9449 §5) over a nonce of ours (§8) and a `jti` used once (§11.1). A
    pre-authorized code needs no client authentication (§6.1,
    `pre-authorized_grant_anonymous_access_supported`: the tx_code guards it); an
    authorization code is redeemed only by the client that pushed its request."""
    try:
        proof = check_dpop(request.headers.getlist("DPoP"), "POST",
                           _public_url() + metadata.TOKEN_PATH, nonce_key=_key())
    except DpopNonceNeeded as e:
        return _error("use_dpop_nonce", str(e), headers=_with_dpop_nonce())
    except DpopError as e:
        return _error("invalid_dpop_proof", str(e), headers=_with_dpop_nonce())
    once = [single_use(proof)]
    form = request.form
    grant_type = form.get("grant_type")
    services = current_services()
    try:
        if grant_type == PRE_AUTHORIZED_GRANT:
            code = form.get("pre-authorized_code")
            if not code:
                return _error("invalid_request", "pre-authorized_code is missing",
                              headers=_with_dpop_nonce())
            grant = services.issuer.wallets.redeem(
                code, form.get("tx_code"), datetime.now(UTC), once=once)
        elif grant_type == "authorization_code":
            code = form.get("code")
            if not code:
                return _error("invalid_request", "code is missing", headers=_with_dpop_nonce())
            presented = presented_attestation(request.headers.getlist(ATTESTATION_HEADER),
                                              request.headers.getlist(POP_HEADER))
            grant = redeem_code(services.issuer.sessions, code, form.get("code_verifier"),
                                form.get("redirect_uri"), form.get("client_id"), presented,
                                _public_url(), datetime.now(UTC))
            # recorded once the code is good (no write for a made-up code); the code is
            # single use anyway, so a replay of this request fails on it first
            services.issuer.wallets.use_up(once)
        else:
            return _error("unsupported_grant_type", "grant_type must be authorization_code "
                          f"or {PRE_AUTHORIZED_GRANT}", headers=_with_dpop_nonce())
    except Replayed:
        return _error("invalid_dpop_proof", _replayed_dpop(), headers=_with_dpop_nonce())
    except GrantError as e:
        return _error(e.error, str(e), headers=_with_dpop_nonce())
    except ClientAuthError as e:
        return _error(e.error, str(e), e.status, headers=_with_dpop_nonce())
    return _json({"access_token": make_access_token(_key(), grant, proof.thumbprint),
                  "token_type": "DPoP", "expires_in": ACCESS_TOKEN_S},
                 headers=_with_dpop_nonce())


@oid4vci.post(metadata.NONCE_PATH)
def nonce() -> Response:
    """§7: a fresh c_nonce for key proofs."""
    return _json({"c_nonce": make_c_nonce(_key())})


def _unauthorized(error: str, description: str) -> Response:
    """RFC 6750 §3 / RFC 9449 §7.1, §9: the challenge names the error (the body says why);
    a fresh DPoP nonce."""
    return _error(error, description, 401, _with_dpop_nonce(
        {"WWW-Authenticate": f'DPoP error="{error}", algs="ES256 EdDSA"'}))


@oid4vci.post(metadata.CREDENTIAL_PATH)
def credential() -> Response:
    """§8 Credential Request, with a DPoP-bound access token (RFC 9449 §7)."""
    now = time.time()
    authorization = request.headers.get("Authorization", "")
    scheme, _, access_token = authorization.partition(" ")
    if scheme != "DPoP" or not access_token:
        return _unauthorized("invalid_token",
                             "send the access token as `Authorization: DPoP <token>`")
    token_value = read_access_token(_key(), access_token, now)
    if token_value is None:
        return _unauthorized("invalid_token", "the access token is not ours or has expired")
    try:
        dpop = check_dpop(request.headers.getlist("DPoP"), "POST",
                          _public_url() + metadata.CREDENTIAL_PATH, access_token, now,
                          nonce_key=_key())
    except DpopNonceNeeded as e:
        return _unauthorized("use_dpop_nonce", str(e))
    except DpopError as e:
        return _unauthorized("invalid_dpop_proof", str(e))
    if dpop.thumbprint != token_value.jkt:
        return _unauthorized("invalid_token", "the access token is bound to another DPoP key")
    refused = _issued(token_value.grant, now, single_use(dpop))
    if isinstance(refused, Response):
        return refused
    return _json({"credentials": [{"credential": c} for c in refused]},
                 headers=_with_dpop_nonce())


def _issued(grant: Grant, now: float, dpop: SingleUse) -> list | Response:
    """The copies the request's body asks for, or the §8.3.1.2 error answer."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error("invalid_credential_request", "the body must be a JSON object",
                      headers=_with_dpop_nonce())
    config_id = body.get("credential_configuration_id")
    services = current_services()
    # the grant is redeemed, unchanging, and carried by the token (tokens.py)
    if not isinstance(config_id, str) or config_id not in grant.offered:
        return _error("unknown_credential_configuration",
                      f"this offer does not include {config_id!r}: it offers "
                      f"{', '.join(sorted(grant.offered))}", headers=_with_dpop_nonce())
    parsed = parse_configuration_id(config_id)
    if parsed is None or parsed[1] not in FORMATS:
        return _error("unknown_credential_configuration", f"{config_id!r} is not issued here",
                      headers=_with_dpop_nonce())
    wallets = services.issuer.wallets
    try:
        proofs = read_key_proofs(body.get("proofs"), now, _public_url(), _key(),
                                 metadata.batch_size(services.issuer.config.wallet_copies))
        once = [dpop, *proofs.nonces]
        return wallets.issue_ldp_vc(grant, config_id, proofs.keys, datetime.now(UTC), once) \
            if parsed[1] == "ldp_vc" else wallets.issue_sd_jwt(
                grant, config_id, proofs.keys, datetime.now(UTC), sd_jwt_key().signer,
                _public_url(), once)
    except RefusedRequest as e:
        return _error(e.error, e.description, e.status, _with_dpop_nonce())
    except Replayed as e:
        if e.kind == "dpop":
            return _unauthorized("invalid_dpop_proof", _replayed_dpop())
        return _error("invalid_nonce", "a key proof's c_nonce was already used by another "
                      "credential request: ask the nonce endpoint for a new one",
                      headers=_with_dpop_nonce())
    except CopiesExhausted as e:
        # §8.3.1.2: a well-formed request the issuer does not accept, and will not with this
        # token (not `invalid_credential_request`, which says the request is malformed)
        return _error("credential_request_denied", str(e), headers=_with_dpop_nonce())
    except NotFound as e:  # OAuth's error_description is English (RFC 6749 §5.2)
        return _error("credential_request_denied", issuer_reason_english(e),
                      headers=_with_dpop_nonce())
