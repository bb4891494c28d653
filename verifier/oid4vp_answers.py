"""A wallet's answer to one of our OpenID4VP 1.0 requests, checked (§8, §14.1, Appendix B).

`read_answer` takes the response parameters (after decrypting a `direct_post.jwt` response,
`decrypt_response`) and the request they answer, and either raises `RefusedAnswer` with the
reason, or returns the `Answer`: the presented credential with the same report a scanned
one gets. Refused, whatever the credential:
- a response with another request's `state` (§8.2: it belongs to another transaction);
- a VP Token that does not answer the DCQL query (`verifier.dcql`), or misses a requested
  claim (§6.4.1: the wallet must not send a credential without all of them);
- a presentation not bound to this request (§14.1.2): an SD-JWT VC whose KB-JWT lacks this
  request's `nonce` or names another audience than our `client_id`; a Verifiable
  Presentation whose proof lacks `challenge` = nonce or `domain` = client_id (Appendix
  B.1.3.2), or is not signed by the credential's subject.
A well-formed answer whose credential is not valid (forged, revoked, expired, from an issuer
not accredited, or not checkable now) is read and reported like any other, but it does not
end the request (`not_valid_because`): anyone who sees the QR code can answer,
so only a valid answer uses the request up; the employer sees why the others were refused.
"""
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from joserfc import jwe, jwk
from joserfc.errors import JoseError

from schemas.jsonld_contexts import CONTEXTS_DIR
from vc.checks import Outcome
from vc.did_jwk import DidJwkResolver
from vc.errors import MalformedInputError
from vc.findings import Finding
from vc.json_input import as_list, loads_bounded
from vc.sd_jwt_errors import KeyBindingError, SdJwtError
from vc.sd_jwt_kb import KeyBindingRequirement
from vc.sd_jwt_vc import verify_sd_jwt_vc
from verifier.checks.base import ReportedCheck
from verifier.codes import RefusalCode
from verifier.dcql import (
    DcqlError,
    credential_queries,
    missing_claims,
    presentations_by_query,
    types_match,
)
from verifier.presentation import verify_presentation
from verifier.sd_jwt_vc import SdJwtVcVerifier
from verifier.service import VerificationReport, Verifier
from verifier.verdict import Verdict
from verifier.vp_requests import PresentationRequest

MAX_RESPONSE_CHARS = 512_000
ENCRYPTION_ENCS = ("A128GCM", "A256GCM")
VC_TYPE = "https://www.w3.org/2018/credentials#VerifiableCredential"
S4C_CONTEXT = "https://w3id.org/skills4cities/v1"


class RefusedAnswer(Exception):
    """The response is not a valid answer to this request. `code` says what kind of refusal
    it is (the employer's page says it from the catalogue); `reason` says exactly why, in
    English, for the wallet's `error_description` and as the page's technical detail."""

    def __init__(self, reason: str, code: RefusalCode = RefusalCode.UNREADABLE,
                 error: str = "invalid_request") -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error
        self.finding = Finding(code, {}, reason)


class WalletDeclined(Exception):
    """The wallet sent an error response (§8.5), e.g. the holder declined."""


@dataclass(frozen=True)
class Answer:
    query_id: str
    format: str
    report: VerificationReport  # the credential's, as for a scanned one
    presentation_checks: tuple[ReportedCheck, ...]  # holder binding to this request
    credential: dict[str, Any] | None  # a W3C credential (None for an SD-JWT VC)


def _s4c_terms() -> dict[str, str]:
    document = json.loads((CONTEXTS_DIR / "s4c-v1.jsonld").read_text(encoding="utf-8"))
    return {k: v for k, v in document["@context"].items()
            if isinstance(v, str) and not k.startswith("@")}


S4C_TERMS = _s4c_terms()


def expanded_types(credential: Mapping[str, Any]) -> set[str]:
    """The IRIs of a W3C credential's types under the contexts we pin (VC DM 2.0 and s4c): the
    "alternative mechanism" Appendix B.1.1 allows. Undefined types stay as they are."""
    contexts = as_list(credential.get("@context"))
    out = set()
    for name in as_list(credential.get("type")):
        if not isinstance(name, str):
            continue
        if name == "VerifiableCredential":
            out.add(VC_TYPE)
        elif name in S4C_TERMS and S4C_CONTEXT in contexts:
            out.add(S4C_TERMS[name])
        else:
            out.add(name)
    return out


def decrypt_response(text: object, private_jwk: Mapping[str, Any]) -> dict[str, Any]:
    """§8.3: the JWE (ECDH-ES to this request's key, `kid` naming it, A128GCM or A256GCM)
    holding the response parameters as a JSON object."""
    if not isinstance(text, str) or len(text) > MAX_RESPONSE_CHARS:
        raise RefusedAnswer("the response is not an encrypted JWT (direct_post.jwt)")
    key = jwk.ECKey.import_key(dict(private_jwk))
    registry = jwe.JWERegistry(algorithms=["ECDH-ES", *ENCRYPTION_ENCS])
    try:
        header = jwe.extract_compact(text.encode("ascii", "replace"), registry).headers()
        if header.get("kid") != private_jwk.get("kid"):
            raise RefusedAnswer("the response is encrypted to another key than this request's",
                                RefusalCode.ANOTHER_REQUEST)
        if header.get("alg") != "ECDH-ES" or header.get("enc") not in ENCRYPTION_ENCS:
            raise RefusedAnswer("the response is encrypted with an algorithm this request did "
                                "not offer")
        plain = jwe.decrypt_compact(text, key, registry=registry).plaintext
    except (JoseError, ValueError) as e:
        raise RefusedAnswer(f"the encrypted response could not be decrypted ({e})") from None
    try:
        payload = loads_bounded(plain or b"", "the decrypted response",
                                max_bytes=MAX_RESPONSE_CHARS)
    except MalformedInputError as e:
        raise RefusedAnswer(str(e)) from None
    if not isinstance(payload, dict):
        raise RefusedAnswer("the decrypted response is not a JSON object")
    return payload


def _vp_token(value: object) -> object:
    """§8.1: a JSON object; in a form-encoded direct_post, its JSON text."""
    if isinstance(value, str):
        try:
            return loads_bounded(value.encode("utf-8"), "vp_token",
                                 max_bytes=MAX_RESPONSE_CHARS)
        except MalformedInputError as e:
            raise RefusedAnswer(str(e)) from None
    return value


def _first_failure(checks: Sequence[ReportedCheck]) -> ReportedCheck | None:
    return next((c for c in checks if c.outcome is Outcome.FAILED), None)


def not_valid_because(answer: Answer) -> Finding | None:
    """Why the answer's credential does not end the request (its state and first failed,
    else unknown, check), or None when it is valid."""
    report = answer.report
    if report.verdict is Verdict.VALID:
        return None
    check = _first_failure(report.checks) or next(
        (c for c in report.checks if c.outcome is Outcome.UNKNOWN and c.unknown_matters), None)
    said = f": {check.id}: {check.check.technical}" if check is not None else ""
    return Finding(RefusalCode.CREDENTIAL_NOT_VALID, {},
                   f"the credential in the answer is not valid ({report.headline.state}){said}")


def _sd_jwt_answer(query_id: str, query: Mapping[str, Any], presented: object,
                   request: PresentationRequest, verifier: SdJwtVcVerifier, country: str | None,
                   lang: str) -> Answer:
    if not isinstance(presented, str):
        raise RefusedAnswer(f"the presentation for {query_id!r} is not an SD-JWT VC",
                            RefusalCode.OTHER_TYPE)
    binding = KeyBindingRequirement(request.nonce, request.client_id)
    try:
        verified = verify_sd_jwt_vc(presented, keys=verifier.keys, key_binding=binding)
    except KeyBindingError as e:
        raise RefusedAnswer(f"the SD-JWT VC is not bound to this request: {e}",
                            RefusalCode.NOT_FOR_THIS_REQUEST) from None
    except SdJwtError:
        verified = None  # forged or unreadable: the report below says why
    if verified is not None:
        if verified.vct not in (query.get("meta") or {}).get("vct_values", []):
            raise RefusedAnswer(f"the credential is of type {verified.vct[:120]}, which this "
                                "request did not ask for", RefusalCode.OTHER_TYPE)
        missing = missing_claims(verified.claims, query)
        if missing:
            raise RefusedAnswer("the wallet did not disclose the requested claim(s) "
                                + ", ".join(missing), RefusalCode.CLAIMS_MISSING)
    report = verifier.verify(presented, key_binding=binding, country=country, lang=lang)
    return Answer(query_id, "dc+sd-jwt", report, (), None)


def _ldp_answer(query_id: str, query: Mapping[str, Any], presented: object,
                request: PresentationRequest, verifier: Verifier, country: str | None,
                lang: str) -> Answer:
    if not isinstance(presented, dict):
        raise RefusedAnswer(f"the presentation for {query_id!r} is not a Verifiable "
                            "Presentation (a JSON object)", RefusalCode.OTHER_TYPE)
    report = verify_presentation(verifier, presented, challenge=request.nonce,
                                 domain=request.client_id, challenges=None, country=country,
                                 lang=lang, resolver=DidJwkResolver(verifier.resolver))
    failure = _first_failure(report.checks)
    if failure is not None:
        raise RefusedAnswer(f"the presentation is not valid for this request: "
                            f"{failure.id}: {failure.check.technical}",
                            RefusalCode.NOT_FOR_THIS_REQUEST)
    credentials = [c for c in as_list(presented.get("verifiableCredential"))]
    for credential, credential_report in zip(credentials, report.credentials, strict=False):
        if isinstance(credential, dict) and types_match(expanded_types(credential), query):
            return Answer(query_id, "ldp_vc", credential_report, report.checks, credential)
    raise RefusedAnswer("the presentation holds no credential of the type this request asked "
                        "for", RefusalCode.OTHER_TYPE)


def read_answer(params: Mapping[str, Any], request: PresentationRequest, *,
                sd_jwt_verifier: SdJwtVcVerifier, verifier: Verifier,
                country: str | None = None, lang: str = "en") -> Answer:
    """The one credential that answers `request`, checked; or RefusedAnswer/WalletDeclined."""
    if params.get("state") != request.state:
        raise RefusedAnswer("the response names another request (its state is not this "
                            "request's)", RefusalCode.ANOTHER_REQUEST)
    if "error" in params:
        raise WalletDeclined(f"{str(params['error'])[:80]}: "
                             f"{str(params.get('error_description', ''))[:200]}")
    if "vp_token" not in params:
        raise RefusedAnswer("the response has no vp_token")
    query = request.request["dcql_query"]
    try:
        answered = presentations_by_query(_vp_token(params["vp_token"]), query)
    except DcqlError as e:
        raise RefusedAnswer(str(e), RefusalCode.CLAIMS_MISSING) from None
    if len(answered) != 1:
        raise RefusedAnswer("one credential was asked for; the answer holds several",
                            RefusalCode.CLAIMS_MISSING)
    (query_id, presentations), = answered.items()
    credential_query = credential_queries(query)[query_id]
    if credential_query["format"] == "dc+sd-jwt":
        return _sd_jwt_answer(query_id, credential_query, presentations[0], request,
                              sd_jwt_verifier, country, lang)
    return _ldp_answer(query_id, credential_query, presentations[0], request, verifier,
                       country, lang)
