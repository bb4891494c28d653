"""The wallet-facing endpoints of OpenID4VCI 1.0 (pre-authorized code flow).

Errors take the forms wallets parse: RFC 6749 §5.2 at the token endpoint, OpenID4VCI §8.3.1
at the credential endpoint, RFC 6750 §3 / RFC 9449 §7.1 `WWW-Authenticate` for a missing or
bad access token. Every response is `Cache-Control: no-store` (RFC 6749 §5.1).
"""
import json
import time
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from issuer.client_attestation import (
    ATTESTATION_HEADER,
    POP_HEADER,
    ClientAuthError,
    presented_attestation,
)
from issuer.errors import NotFound
from issuer.wallet_authorization import redeem_code
from issuer.wallet_grants import GrantError, parse_configuration_id
from issuer.wallet_issuing import HolderKey
from web.oid4vci import metadata
from web.oid4vci.dpop import DpopError, check_dpop
from web.oid4vci.holder_jwt import HolderJwtError, did_jwk, read_holder_jwt
from web.oid4vci.offers import PRE_AUTHORIZED_GRANT
from web.oid4vci.tokens import (
    ACCESS_TOKEN_S,
    c_nonce_is_fresh,
    make_access_token,
    make_c_nonce,
    read_access_token,
)
from web.sd_jwt_keys import SdJwtIssuerKey, sd_jwt_issuer_key
from web.services import current_services

oid4vci = Blueprint("oid4vci", __name__)
PROOF_TYP = "openid4vci-proof+jwt"
PROOF_MAX_AGE_S = 300
FORMATS = ("dc+sd-jwt", "ldp_vc")
SD_JWT_KEY = "s4c.sd_jwt_key"


_MAC_KEY = "s4c.oid4vci_mac_key"


def _key() -> bytes:
    """The key of access tokens and c_nonces: the app's secret key, as bytes."""
    found = current_app.extensions.get(_MAC_KEY)
    if found is None or found[0] is not current_app.secret_key:
        key = current_app.secret_key
        found = current_app.extensions[_MAC_KEY] = (
            key, key if isinstance(key, bytes) else str(key).encode())
    return found[1]


def sd_jwt_key() -> SdJwtIssuerKey:
    """The SD-JWT signing key, read once per worker."""
    found = current_app.extensions.get(SD_JWT_KEY)
    if found is None:
        found = current_app.extensions[SD_JWT_KEY] = sd_jwt_issuer_key(
            current_services().settings)
    return found


def _public_url() -> str:
    return current_services().settings.public_url


def _json(body: dict, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status,
                    {"Cache-Control": "no-store", **(headers or {})},
                    mimetype="application/json")


def _error(error: str, description: str, status: int = 400,
           headers: dict[str, str] | None = None) -> Response:
    return _json({"error": error, "error_description": description}, status, headers)


@oid4vci.get("/.well-known/openid-credential-issuer")
def issuer_metadata() -> Response:
    services = current_services()
    body = metadata.credential_issuer_metadata(
        services.settings.public_url, services.settings.issuer_name,
        services.issuer.framework(), FORMATS)
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


@oid4vci.post(metadata.TOKEN_PATH)
def token() -> Response:
    """§6.1 Token Request (pre-authorized code, or authorization code with PKCE), with a
    DPoP proof (RFC 9449 §5). A pre-authorized code needs no client authentication (§6.1,
    `pre-authorized_grant_anonymous_access_supported`: the tx_code guards it); an
    authorization code is redeemed only by the client that pushed its request."""
    try:
        proof = check_dpop(request.headers.getlist("DPoP"), "POST",
                           _public_url() + metadata.TOKEN_PATH)
    except DpopError as e:
        return _error("invalid_dpop_proof", str(e))
    form = request.form
    grant_type = form.get("grant_type")
    sessions = current_services().issuer.sessions
    try:
        if grant_type == PRE_AUTHORIZED_GRANT:
            code = form.get("pre-authorized_code")
            if not code:
                return _error("invalid_request", "pre-authorized_code is missing")
            grant = current_services().issuer.wallets.redeem(
                code, form.get("tx_code"), datetime.now(UTC))
        elif grant_type == "authorization_code":
            code = form.get("code")
            if not code:
                return _error("invalid_request", "code is missing")
            presented = presented_attestation(request.headers.getlist(ATTESTATION_HEADER),
                                              request.headers.getlist(POP_HEADER))
            grant = redeem_code(sessions, code, form.get("code_verifier"),
                                form.get("redirect_uri"), form.get("client_id"), presented,
                                _public_url(), datetime.now(UTC))
        else:
            return _error("unsupported_grant_type", "grant_type must be authorization_code "
                          f"or {PRE_AUTHORIZED_GRANT}")
    except GrantError as e:
        return _error(e.error, str(e))
    except ClientAuthError as e:
        return _error(e.error, str(e), e.status)
    return _json({"access_token": make_access_token(_key(), grant, proof.thumbprint),
                  "token_type": "DPoP", "expires_in": ACCESS_TOKEN_S})


@oid4vci.post(metadata.NONCE_PATH)
def nonce() -> Response:
    """§7: a fresh c_nonce for key proofs."""
    return _json({"c_nonce": make_c_nonce(_key())})


def _holder_keys(proofs: Any, now: float) -> list[HolderKey]:
    """§8.2 `proofs` of type `jwt` (Appendix F.1): each a JWT of typ openid4vci-proof+jwt,
    for this issuer (`aud`), recent (`iat`), with a fresh c_nonce from our nonce endpoint."""
    if not isinstance(proofs, dict) or set(proofs) != {"jwt"} \
            or not isinstance(proofs["jwt"], list) or not proofs["jwt"]:
        raise _Refused("invalid_proof", 'proofs must be {"jwt": [<one or more key proofs>]}')
    if len(proofs["jwt"]) > metadata.BATCH_SIZE:
        raise _Refused("invalid_credential_request",
                       f"at most {metadata.BATCH_SIZE} proofs per request")
    keys = []
    for jwt in proofs["jwt"]:
        try:
            proof = read_holder_jwt(jwt, PROOF_TYP, allow_did_jwk=True)
        except HolderJwtError as e:
            raise _Refused("invalid_proof", str(e)) from e
        claims = proof.claims
        if claims.get("aud") != _public_url():
            raise _Refused("invalid_proof", f"the key proof's aud must be {_public_url()}")
        iat = claims.get("iat")
        if not isinstance(iat, int) or isinstance(iat, bool) \
                or abs(now - iat) > PROOF_MAX_AGE_S:
            raise _Refused("invalid_proof",
                           f"the key proof's iat must be within {PROOF_MAX_AGE_S} s of now")
        if not c_nonce_is_fresh(_key(), claims.get("nonce"), now):
            raise _Refused("invalid_nonce", "the key proof's nonce is missing, stale or not "
                           "ours: ask the nonce endpoint for a new one")
        keys.append(HolderKey(proof.jwk, proof.thumbprint, did_jwk(proof.jwk)))
    return keys


class _Refused(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@oid4vci.post(metadata.CREDENTIAL_PATH)
def credential() -> Response:
    """§8 Credential Request, with a DPoP-bound access token (RFC 9449 §7)."""
    now = time.time()
    authorization = request.headers.get("Authorization", "")
    scheme, _, access_token = authorization.partition(" ")
    if scheme != "DPoP" or not access_token:
        return _error("invalid_token", "send the access token as `Authorization: DPoP <token>`",
                      401, {"WWW-Authenticate": 'DPoP error="invalid_token", algs="ES256 EdDSA"'})
    token_value = read_access_token(_key(), access_token, now)
    if token_value is None:
        return _error("invalid_token", "the access token is not ours or has expired", 401,
                      {"WWW-Authenticate": 'DPoP error="invalid_token"'})
    try:
        dpop = check_dpop(request.headers.getlist("DPoP"), "POST",
                          _public_url() + metadata.CREDENTIAL_PATH, access_token, now)
    except DpopError as e:
        return _error("invalid_dpop_proof", str(e), 401,
                      {"WWW-Authenticate": 'DPoP error="invalid_dpop_proof"'})
    if dpop.thumbprint != token_value.jkt:
        return _error("invalid_token", "the access token is bound to another DPoP key", 401,
                      {"WWW-Authenticate": 'DPoP error="invalid_token"'})
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error("invalid_credential_request", "the body must be a JSON object")
    config_id = body.get("credential_configuration_id")
    services = current_services()
    grant = token_value.grant  # redeemed, unchanging, and carried by the token (tokens.py)
    if not isinstance(config_id, str) or config_id not in grant.offered:
        return _error("unknown_credential_configuration",
                      f"this offer does not include {config_id!r}: it offers "
                      f"{', '.join(sorted(grant.offered))}")
    parsed = parse_configuration_id(config_id)
    if parsed is None or parsed[1] not in FORMATS:
        return _error("unknown_credential_configuration", f"{config_id!r} is not issued here")
    try:
        keys = _holder_keys(body.get("proofs"), now)
        wallets = services.issuer.wallets
        copies: list = wallets.issue_ldp_vc(grant, config_id, keys, datetime.now(UTC)) \
            if parsed[1] == "ldp_vc" else wallets.issue_sd_jwt(
                grant, config_id, keys, datetime.now(UTC), sd_jwt_key().signer, _public_url())
    except _Refused as e:
        return _error(e.error, e.description, e.status)
    except NotFound as e:
        return _error("credential_request_denied", str(e))
    return _json({"credentials": [{"credential": c} for c in copies]})
