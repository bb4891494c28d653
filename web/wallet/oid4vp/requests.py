"""The OpenID4VP 1.0 authorization request the employer's page shows as a QR code and a link.

- What is asked (§6 DCQL): one role or unit credential of s4c, as an SD-JWT VC (`dc+sd-jwt`,
  our two `vct` values; the holder's name, the title, the EQF level and the issuing authority
  as claims) or as a W3C credential with a Data Integrity proof (`ldp_vc`, Appendix B.1.1:
  `type_values` are the types' IRIs after the @context, here those of the s4c context).
- Who asks (§5.9.3 Client Identifier Prefixes):
  - `x509_san_dns:<host>` when the public URL's host is a DNS name: the request object is a
    signed JWT (RFC 9101; `typ` `oauth-authz-req+jwt`) with the `x5c` chain of this
    deployment's certificate (the key that signs its SD-JWT VCs, whose leaf names the host
    as a dNSName), fetched by the wallet from `request_uri`;
  - `x509_hash:<sha-256 of the leaf>` otherwise (a loopback demo at http://127.0.0.1: no
    dNSName can name an IP address): signed with the same chain, also by reference, so the
    QR code is as small in every mode;
  - `redirect_uri:<response_uri>` only without a certificate: such requests "cannot be
    signed", so the parameters go in the link itself (by value).
- How it answers (§8.2, §8.3): `direct_post` to a `response_uri` of this request, or
  `direct_post.jwt`, encrypted (ECDH-ES, RFC 7518 §4.6) to an ephemeral P-256 key made for this
  request alone (HAIP 1.0 asks for encrypted responses).
- `nonce` and `state`: fresh, 192 random bits each (§5.2: at least 128).
"""
import base64
import hashlib
import ipaddress
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from cryptography import x509
from joserfc import jwk

from issuer.wallet_issuing import vct_url
from vc.jose import JwsSigner, json_bytes
from verifier.vp_requests import new_id

REQUEST_TYP = "oauth-authz-req+jwt"  # RFC 9101 §10.8; OpenID4VP 1.0 §5.10
REQUEST_MEDIA_TYPE = "application/oauth-authz-req+jwt"  # RFC 9101 §10.2
STATIC_AUDIENCE = "https://self-issued.me/v2"  # OpenID4VP 1.0 §5.8 (static discovery)
RESPONSE_MODES = ("direct_post.jwt", "direct_post")
ENCRYPTION_ALG = "ECDH-ES"
ENCRYPTION_ENCS = ("A128GCM", "A256GCM")
WALLET_SCHEME = "openid4vp://"  # §13.1.2 static configuration bound to openid4vp://
RESPONSE_PATH = "/oid4vp/response/"
REQUEST_PATH = "/oid4vp/request/"

# Appendix B.1.1: the IRIs of our credentials' types (VC DM 2.0 context, s4c context)
VC_TYPE = "https://www.w3.org/2018/credentials#VerifiableCredential"
S4C_TYPES = {"role": "https://w3id.org/skills4cities/vocab#S4CRoleCredential",
             "unit": "https://w3id.org/skills4cities/vocab#S4CCompetencyCredential"}
# the SD-JWT VC claims asked for (issuer.wallet_copies.sd_jwt_claims)
SD_JWT_CLAIMS = (("name", ["name"]), ("title", ["achievement_title"]),
                 ("eqf_level", ["achievement", "eqf_level"]),
                 ("issuer", ["issuing_authority"]))
VP_FORMATS = {
    "dc+sd-jwt": {"sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["ES256", "EdDSA"]},
    "ldp_vc": {"proof_type_values": ["DataIntegrityProof", "Ed25519Signature2020"],
               "cryptosuite_values": ["eddsa-rdfc-2022", "eddsa-jcs-2022"]},
}


def dcql_query(public_url: str) -> dict[str, Any]:
    """One s4c credential, role or unit, in either format (§6.2: one set, four options)."""
    credentials: list[dict[str, Any]] = []
    for kind in ("role", "unit"):
        credentials.append({
            "id": f"{kind}_sd_jwt", "format": "dc+sd-jwt",
            "meta": {"vct_values": [vct_url(public_url, kind)]},
            "claims": [{"id": claim_id, "path": path} for claim_id, path in SD_JWT_CLAIMS]})
    for kind in ("role", "unit"):
        credentials.append({"id": f"{kind}_ldp_vc", "format": "ldp_vc",
                            "meta": {"type_values": [[VC_TYPE, S4C_TYPES[kind]]]}})
    return {"credentials": credentials,
            "credential_sets": [{"options": [[c["id"]] for c in credentials]}]}


@dataclass(frozen=True)
class ClientIdentity:
    client_id: str
    signer: JwsSigner | None  # None: unsigned, passed by value (`redirect_uri:`)


def _dns_names(signer: JwsSigner) -> list[str]:
    leaf = x509.load_der_x509_certificate(base64.b64decode(signer.x5c[0]))  # RFC 7515 §4.1.6
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return names.get_values_for_type(x509.DNSName)


def client_identity(public_url: str, signer: JwsSigner | None,
                    response_uri: str) -> ClientIdentity:
    """`x509_san_dns:<host>` when `signer`'s certificate names the host, else `x509_hash:`
    (`redirect_uri:` without a certificate).
    `signer`: this deployment's key with its x5c chain (`web.wiring.sd_jwt_keys`)."""
    host = urlsplit(public_url).hostname or ""
    try:
        ipaddress.ip_address(host)
        is_ip = True
    except ValueError:
        is_ip = False
    if signer is None or not signer.x5c:
        return ClientIdentity(f"redirect_uri:{response_uri}", None)
    if not is_ip and host in _dns_names(signer):
        return ClientIdentity(f"x509_san_dns:{host}", signer)
    # §5.9.3 `x509_hash`: the base64url SHA-256 of the leaf certificate (DER). It names any
    # host, an IP address included, so that the request is signed and passed by reference
    # in every mode: its QR code holds a short link, not the whole request
    leaf = base64.b64decode(signer.x5c[0])
    thumbprint = base64.urlsafe_b64encode(hashlib.sha256(leaf).digest()).rstrip(b"=")
    return ClientIdentity(f"x509_hash:{thumbprint.decode('ascii')}", signer)


@dataclass(frozen=True)
class NewRequest:
    request_id: str
    claims: dict[str, Any]  # the authorization request's parameters
    decryption_key: dict[str, Any] | None  # private JWK, for direct_post.jwt
    signed: bool


def new_request(public_url: str, signer: JwsSigner | None, response_mode: str) -> NewRequest:
    if response_mode not in RESPONSE_MODES:
        raise ValueError(f"response mode {response_mode!r} is not one of {RESPONSE_MODES}")
    request_id = new_id()
    response_uri = public_url + RESPONSE_PATH + request_id
    identity = client_identity(public_url, signer, response_uri)
    metadata: dict[str, Any] = {"vp_formats_supported": VP_FORMATS}
    private: dict[str, Any] | None = None
    if response_mode == "direct_post.jwt":
        key = jwk.ECKey.generate_key("P-256")
        kid = new_id()
        private = {**key.as_dict(private=True), "kid": kid, "alg": ENCRYPTION_ALG, "use": "enc"}
        metadata["jwks"] = {"keys": [{**key.as_dict(private=False), "kid": kid,
                                      "alg": ENCRYPTION_ALG, "use": "enc"}]}
        metadata["encrypted_response_enc_values_supported"] = list(ENCRYPTION_ENCS)
    claims = {"response_type": "vp_token", "client_id": identity.client_id,
              "response_mode": response_mode, "response_uri": response_uri,
              "nonce": new_id(), "state": new_id(), "dcql_query": dcql_query(public_url),
              "client_metadata": metadata}
    return NewRequest(request_id, claims, private, identity.signer is not None)


def request_object(public_url: str, signer: JwsSigner | None, claims: dict[str, Any],
                   expires_at: float) -> str:
    """The signed request object (RFC 9101 §4; OpenID4VP 1.0 §5.8 `aud`)."""
    identity = client_identity(public_url, signer, str(claims["response_uri"]))
    if identity.signer is None or identity.client_id != claims["client_id"]:
        raise LookupError("this request is not passed by reference")
    now = int(time.time())
    return identity.signer.sign(REQUEST_TYP, {
        **claims, "iss": claims["client_id"], "aud": STATIC_AUDIENCE, "iat": now,
        "exp": int(expires_at)})


def wallet_link(public_url: str, request_id: str, claims: dict[str, Any],
                signed: bool) -> str:
    """The `openid4vp://` link (QR code and same-device button): by reference when signed
    (§5.10, RFC 9101 §5.2: `client_id` and `request_uri`), else by value."""
    if signed:
        params = {"client_id": claims["client_id"],
                  "request_uri": public_url + REQUEST_PATH + request_id}
    else:
        params = {k: v if isinstance(v, str) else json_bytes(v).decode("utf-8")
                  for k, v in claims.items()}
    return WALLET_SCHEME + "?" + urlencode(params)

