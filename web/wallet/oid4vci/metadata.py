"""What a wallet reads before it asks: the Credential Issuer Metadata (OpenID4VCI 1.0 §12.2)
and the Authorization Server Metadata (RFC 8414, with OpenID4VCI §12.3 and RFC 9449 §5.1).

One credential configuration per role and unit of the loaded framework and per format:
`ldp_vc` (the Open Badges 3.0 credential with its Data Integrity proof, Appendix A.1.2) and
`dc+sd-jwt` (SD-JWT VC, Appendix A.3) once that format is enabled. Names and descriptions are
given in the six languages of the framework (§12.2.4 `display`).
"""
from typing import Any

from issuer.wallet_grants import configuration_id
from issuer.wallet_issuing import vct_url
from schemas.framework import Framework, localized
from vc.sd_jwt_vc_type_metadata import ClaimDisplay, ClaimMetadata, TypeDisplay, TypeMetadata

LANGUAGES = ("en", "bg", "ro", "el", "es", "de")
BATCH_SIZE = 10  # copies per request (§12.2.4 batch_credential_issuance), for unlinkability


def batch_size(copies: int) -> int:
    """Proofs per Credential Request: no more than the copies an access token may obtain of
    a configuration (`issuer.wallet_limits`)."""
    return min(BATCH_SIZE, copies)
PROOF_ALGORITHMS = ["ES256", "EdDSA"]
CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://w3id.org/skills4cities/v1"]
TYPES = {"role": ["VerifiableCredential", "OpenBadgeCredential", "S4CRoleCredential"],
         "unit": ["VerifiableCredential", "OpenBadgeCredential", "S4CCompetencyCredential"]}

TOKEN_PATH = "/oid4vci/token"  # noqa: S105 (a path, not a password)
NONCE_PATH = "/oid4vci/nonce"
CREDENTIAL_PATH = "/oid4vci/credential"
PAR_PATH = "/oid4vci/par"
AUTHORIZE_PATH = "/oid4vci/authorize"


def _display(name: dict[str, str] | Any, description: dict[str, str] | Any) -> list[dict]:
    return [{"name": localized(name, lang), "locale": lang,
             "description": localized(description, lang),
             "background_color": "#12355b", "text_color": "#ffffff"} for lang in LANGUAGES]


def _items(framework: Framework) -> list[tuple[str, Any]]:
    return [("role", r) for r in framework.roles] + [("unit", u) for u in framework.units]


# The claims of our SD-JWT VCs (issuer.wallet_copies.sd_jwt_claims), with their labels;
# `sd` per SD-JWT VC §6.3 (personal claims "always" disclosable one by one, others "never").
CLAIMS = [(("name",), "Holder's name", "always"),
          (("achievement_title",), "Title", "never"),
          (("achievement_description",), "Description", "never"),
          (("issuing_authority",), "Issuing authority", "never"),
          (("date_of_issuance",), "Date of issuance", "never"),
          (("date_of_expiry",), "Date of expiry", "never"),
          (("learning_outcomes",), "Learning outcomes", "never"),
          (("assessment_grade",), "Assessment grade", "always"),
          (("achievement", "eqf_level"), "EQF level", "never")]
KIND_NAMES = {"role": ("Skills4Cities role certification",
                       "A smart-city role, certified after every competency unit was passed"),
              "unit": ("Skills4Cities competency unit",
                       "A competency unit of the Skills4Cities framework, assessed and passed")}


def type_metadata(public_url: str, kind: str) -> TypeMetadata:
    """SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc §6) of role or unit credentials."""
    name, description = KIND_NAMES[kind]
    return TypeMetadata(
        vct=vct_url(public_url, kind), name=name, description=description,
        display=(TypeDisplay("en", name, description),),
        claims=tuple(ClaimMetadata(path, (ClaimDisplay("en", label),), sd)
                     for path, label, sd in CLAIMS))


def credential_configurations(framework: Framework, formats: tuple[str, ...],
                              public_url: str = "") -> dict:
    out: dict[str, dict] = {}
    for kind, item in _items(framework):
        display = _display(item.name, item.description)
        if "dc+sd-jwt" in formats:
            out[configuration_id(item.code, "dc+sd-jwt")] = {
                "format": "dc+sd-jwt",
                "scope": configuration_id(item.code, "dc+sd-jwt"),
                "vct": vct_url(public_url, kind),
                "cryptographic_binding_methods_supported": ["jwk"],
                "credential_signing_alg_values_supported": ["ES256"],
                "proof_types_supported": {
                    "jwt": {"proof_signing_alg_values_supported": PROOF_ALGORITHMS}},
                "credential_metadata": {
                    "display": display,
                    "claims": [{"path": list(path), "display": [{"name": label,
                                                                  "locale": "en"}]}
                               for path, label, _ in CLAIMS]},
            }
        if "ldp_vc" in formats:
            out[configuration_id(item.code, "ldp_vc")] = {
                "format": "ldp_vc",
                "scope": configuration_id(item.code, "ldp_vc"),
                "credential_definition": {"@context": CONTEXTS, "type": TYPES[kind]},
                "cryptographic_binding_methods_supported": ["did:jwk"],
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                "proof_types_supported": {
                    "jwt": {"proof_signing_alg_values_supported": PROOF_ALGORITHMS}},
                "credential_metadata": {"display": display},
            }
    return out


def credential_issuer_metadata(public_url: str, issuer_name: str, framework: Framework,
                               formats: tuple[str, ...], copies: int = BATCH_SIZE) -> dict:
    """§12.2.4. This server is its own authorization server, so `authorization_servers` is
    left out (§12.2.4: the Credential Issuer is then the authorization server). A batch is
    at most `copies` (what one access token may obtain of a configuration); below 2 there is
    no batch issuance (§12.2.4: batch_size "MUST be 2 or greater")."""
    body = {
        "credential_issuer": public_url,
        "credential_endpoint": public_url + CREDENTIAL_PATH,
        "nonce_endpoint": public_url + NONCE_PATH,
        "batch_credential_issuance": {"batch_size": batch_size(copies)},
        "display": [{"name": issuer_name, "locale": lang} for lang in LANGUAGES],
        "credential_configurations_supported": credential_configurations(framework, formats,
                                                                         public_url),
    }
    if batch_size(copies) < 2:
        del body["batch_credential_issuance"]
    return body


def authorization_server_metadata(public_url: str) -> dict:
    """RFC 8414 §2; `pre-authorized_grant_anonymous_access_supported` (OpenID4VCI §12.3):
    a wallet needs no client registration to redeem a pre-authorized code."""
    return {
        "issuer": public_url,
        "token_endpoint": public_url + TOKEN_PATH,
        "authorization_endpoint": public_url + AUTHORIZE_PATH,
        "pushed_authorization_request_endpoint": public_url + PAR_PATH,
        "require_pushed_authorization_requests": True,  # HAIP 1.0: PAR only
        "code_challenge_methods_supported": ["S256"],
        "response_types_supported": ["code"],
        # RFC 9207 §3: the authorization response carries `iss` (authorization._redirect_back),
        # so a wallet talking to several issuers can refuse a mix-up
        "authorization_response_iss_parameter_supported": True,
        "grant_types_supported": ["authorization_code",
                                  "urn:ietf:params:oauth:grant-type:pre-authorized_code"],
        "pre-authorized_grant_anonymous_access_supported": True,
        "dpop_signing_alg_values_supported": PROOF_ALGORITHMS,
        # a wallet the operator registered is a public client ("none", PKCE and an exact
        # redirect URI); any other presents a Wallet Attestation (draft-ietf-oauth-
        # attestation-based-client-auth-07 §10.1, OpenID4VCI 1.0 Appendix E)
        "token_endpoint_auth_methods_supported": ["attest_jwt_client_auth", "none"],
        "client_attestation_signing_alg_values_supported": PROOF_ALGORITHMS,
        "client_attestation_pop_signing_alg_values_supported": PROOF_ALGORITHMS,
    }
