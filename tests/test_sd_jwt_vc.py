"""SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): issuing, issuer keys (x5c, JWT VC Issuer Metadata),
type metadata, and the verifier's report and three-way verdict."""
import json
import time
from datetime import UTC, datetime

import pytest

from tests.test_verifier_support import FakeTrustSource
from vc.fetch import StaticFetcher
from vc.jose import JwsSigner
from vc.sd_jwt import present_sd_jwt
from vc.sd_jwt_errors import (
    IssuerKeyError,
    IssuerKeyUnavailable,
    SdJwtFormatError,
    SdJwtSignatureError,
)
from vc.sd_jwt_kb import KeyBindingRequirement
from vc.sd_jwt_vc import issue_sd_jwt_vc, verify_sd_jwt_vc
from vc.sd_jwt_vc_issuer_key import IssuerKeyPolicy, metadata_url
from vc.sd_jwt_vc_type_metadata import (
    ClaimDisplay,
    ClaimMetadata,
    TypeDisplay,
    TypeMetadata,
    TypeMetadataError,
    check_selective_disclosure,
    integrity,
    integrity_matches,
)
from vc.token_status_list import StatusList, TokenStatus, sign_status_list_token
from vc.trust import Accreditation, TrustedIssuer
from vc.x509_chain import make_demo_ca, make_issuer_certificate
from verifier.sd_jwt_facts import did_web_for
from verifier.sd_jwt_vc import SdJwtVcVerifier
from verifier.verdict import Verdict

ISS = "https://cert.example.org"
DID = "did:web:cert.example.org"
VCT = "https://cert.example.org/vct/smart-city-manager"
ROLE = "https://skills4cities.eu/framework/roles/SCM"
STATUS_URI = "https://cert.example.org/status/sd-jwt/1"
CA = make_demo_ca()
CERT = make_issuer_certificate(CA, dns_name="cert.example.org", uri=ISS)
SIGNER = JwsSigner(CERT.jwk, x5c=CERT.x5c)
HOLDER = JwsSigner.generate()
KEYS = IssuerKeyPolicy(trust_anchors=[CA.certificate])
CLAIMS = {
    "given_name": "Ada", "family_name": "Lovelace",
    "achievement": {"id": ROLE, "type": "Certification", "eqf_level": 6,
                    "title": {"en": "Smart City Manager", "bg": "Мениджър на умен град"}},
}


def issue(signer=SIGNER, iss=ISS, index=5, **kwargs):
    return issue_sd_jwt_vc(CLAIMS, disclosable=["given_name", "family_name"], signer=signer,
                           vct=VCT, issuer=iss, holder_jwk=HOLDER.public_jwk(),
                           status=(STATUS_URI, index), **kwargs)


def status_fetcher(revoked=(), suspended=(), signer=SIGNER):
    status_list = StatusList(1024, 2)
    for i in revoked:
        status_list.set(i, TokenStatus.INVALID)
    for i in suspended:
        status_list.set(i, TokenStatus.SUSPENDED)
    token = sign_status_list_token(status_list, uri=STATUS_URI, signer=signer)
    return StaticFetcher({STATUS_URI: token.encode()}, "application/statuslist+jwt")


def trust(accredited=True):
    accreditation = Accreditation(
        id="urn:uuid:acc-1", anchor_did="did:web:nacid.example.bg", anchor_name="NACID (test)",
        country="BG", issuer_did=DID, framework="https://skills4cities.eu/framework",
        achievements=(ROLE,) if accredited else ("https://other.example/role",),
        max_eqf_level=7, valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        valid_until=datetime(2035, 1, 1, tzinfo=UTC))
    body = TrustedIssuer(did=DID, name={"en": "Cert Body (registry)"}, country="BG",
                         public_keys={}, accreditations=(accreditation,))
    return FakeTrustSource([body])


def verifier(fetcher=None, trust_source=None, keys=KEYS):
    return SdJwtVcVerifier(trust_source or trust(), keys, fetcher or status_fetcher())


def outcomes(report):
    return {c.id: str(c.outcome) for c in report.checks}


# --- the library ------------------------------------------------------------------------

def test_issued_sd_jwt_vc_has_the_draft_header_and_claims():
    verified = verify_sd_jwt_vc(issue(expires_at=int(time.time()) + 3600), keys=KEYS)
    assert verified.header["typ"] == "dc+sd-jwt" and verified.header["alg"] == "ES256"
    assert verified.header["x5c"] == list(CERT.x5c)
    assert verified.vct == VCT and verified.issuer.method == "x5c"
    assert verified.issuer.issuer == ISS
    assert verified.status is not None and verified.status.idx == 5
    assert verified.claims["cnf"] == {"jwk": HOLDER.public_jwk()}
    assert verified.claims["given_name"] == "Ada"
    assert verified.validity_problem(time.time()) is None
    assert verified.validity_problem(time.time() + 7200) == "expired (exp)"


def test_never_disclosable_claims_cannot_be_made_disclosable():
    for claim in ("iss", "vct", "cnf", "status", "exp"):
        with pytest.raises(SdJwtFormatError, match="never be selectively disclosed"):
            issue_sd_jwt_vc({}, disclosable=[claim], signer=SIGNER, vct=VCT, issuer=ISS)
    with pytest.raises(SdJwtFormatError, match="must not set"):
        issue_sd_jwt_vc({"iss": "https://evil.example"}, disclosable=[], signer=SIGNER, vct=VCT)


def test_a_disclosed_registered_claim_is_refused_by_the_verifier():
    from vc.sd_jwt import issue_sd_jwt
    text = issue_sd_jwt({"iss": ISS, "vct": VCT, "exp": 1}, ["exp"], SIGNER, "dc+sd-jwt")
    with pytest.raises(SdJwtFormatError, match="'exp' was selectively disclosed"):
        verify_sd_jwt_vc(text, keys=KEYS)


def test_vct_is_required_and_typ_must_be_dc_sd_jwt():
    from vc.sd_jwt import issue_sd_jwt
    with pytest.raises(SdJwtFormatError, match="no vct"):
        verify_sd_jwt_vc(issue_sd_jwt({"iss": ISS}, [], SIGNER, "dc+sd-jwt"), keys=KEYS)
    with pytest.raises(SdJwtFormatError, match="typ 'vc\\+sd-jwt'"):
        verify_sd_jwt_vc(issue_sd_jwt({"iss": ISS, "vct": VCT}, [], SIGNER, "vc+sd-jwt"),
                         keys=KEYS)


def test_x5c_certificate_for_another_issuer_fails():
    other = make_issuer_certificate(CA, dns_name="other.example.org",
                                    uri="https://other.example.org")
    text = issue(JwsSigner(other.jwk, x5c=other.x5c))
    with pytest.raises(IssuerKeyError, match="not for the issuer"):
        verify_sd_jwt_vc(text, keys=KEYS)


def test_x5c_from_an_untrusted_ca_fails():
    rogue = make_issuer_certificate(make_demo_ca(), dns_name="cert.example.org", uri=ISS)
    with pytest.raises(IssuerKeyError, match="trusted anchor"):
        verify_sd_jwt_vc(issue(JwsSigner(rogue.jwk, x5c=rogue.x5c)), keys=KEYS)


def test_x5c_leaf_with_a_key_other_than_the_signers_fails():
    swapped = JwsSigner(JwsSigner.generate().key, x5c=CERT.x5c)
    with pytest.raises(SdJwtSignatureError, match="does not verify"):
        verify_sd_jwt_vc(issue(swapped), keys=KEYS)


def test_dns_san_matching_the_iss_host_is_enough():
    dns_only = make_issuer_certificate(CA, dns_name="cert.example.org")
    verified = verify_sd_jwt_vc(issue(JwsSigner(dns_only.jwk, x5c=dns_only.x5c)), keys=KEYS)
    assert verified.issuer.issuer == ISS


def test_jwt_vc_issuer_metadata_gives_the_key_by_kid():
    signer = JwsSigner(JwsSigner.generate().key, kid="k-2026")
    metadata = {"issuer": ISS, "jwks": {"keys": [{**signer.public_jwk(), "kid": "k-2026"}]}}
    assert metadata_url(ISS) == "https://cert.example.org/.well-known/jwt-vc-issuer"
    assert metadata_url(ISS + "/tenant/1/") == \
        "https://cert.example.org/.well-known/jwt-vc-issuer/tenant/1"
    keys = IssuerKeyPolicy(metadata_fetcher=StaticFetcher(
        {metadata_url(ISS): json.dumps(metadata).encode()}))
    verified = verify_sd_jwt_vc(issue(signer), keys=keys)
    assert verified.issuer.method == "jwt-vc-issuer"


def test_jwt_vc_issuer_metadata_for_another_issuer_is_not_used():
    signer = JwsSigner(JwsSigner.generate().key, kid="k")
    metadata = {"issuer": "https://evil.example", "jwks": {"keys": [
        {**signer.public_jwk(), "kid": "k"}]}}
    keys = IssuerKeyPolicy(metadata_fetcher=StaticFetcher(
        {metadata_url(ISS): json.dumps(metadata).encode()}))
    with pytest.raises(IssuerKeyError, match="another issuer"):
        verify_sd_jwt_vc(issue(signer), keys=keys)


def test_unreachable_metadata_is_unavailable_not_forged():
    signer = JwsSigner(JwsSigner.generate().key, kid="k")
    keys = IssuerKeyPolicy(metadata_fetcher=StaticFetcher({}))
    with pytest.raises(IssuerKeyUnavailable):
        verify_sd_jwt_vc(issue(signer), keys=keys)


def test_no_permitted_key_mechanism_fails():
    with pytest.raises(IssuerKeyError, match="no X.509 trust anchor"):
        verify_sd_jwt_vc(issue(), keys=IssuerKeyPolicy())


def test_type_metadata_round_trips_and_integrity_matches():
    metadata = TypeMetadata(
        vct=VCT, name="Smart City Manager",
        display=(TypeDisplay("en", "Smart City Manager"), TypeDisplay("bg", "Мениджър")),
        claims=(ClaimMetadata(("given_name",), (ClaimDisplay("en", "Given name"),), "always"),
                ClaimMetadata(("achievement", "id"), sd="never")))
    document = metadata.to_bytes()
    assert TypeMetadata.from_json(json.loads(document)) == metadata
    value = integrity(document)
    assert value.startswith("sha256-") and integrity_matches(value, document)
    assert not integrity_matches(value, document + b" ")
    assert integrity_matches(f"sha256-AAAA {integrity(document, 'sha384')}", document)
    assert metadata.always_disclosable() == [("given_name",)]
    verified = verify_sd_jwt_vc(issue(vct_integrity=value), keys=KEYS)
    assert verified.claims["vct#integrity"] == value
    check_selective_disclosure(metadata, verified.disclosed, verified.claims)
    wrong = TypeMetadata(vct=VCT, claims=(ClaimMetadata(("given_name",), sd="never"),))
    with pytest.raises(TypeMetadataError, match="type says never"):
        check_selective_disclosure(wrong, verified.disclosed, verified.claims)


def test_malformed_type_metadata_is_refused():
    for bad in ({}, {"vct": VCT, "claims": [{"path": []}]},
                {"vct": VCT, "claims": [{"path": ["a"], "sd": "sometimes"}]},
                {"vct": VCT, "display": [{"name": "x"}]}):
        with pytest.raises(TypeMetadataError):
            TypeMetadata.from_json(bad)


def test_did_web_mapping_of_iss():
    assert did_web_for("https://cert.example.org") == "did:web:cert.example.org"
    assert did_web_for("https://cert.example.org:8443/bodies/acme") == \
        "did:web:cert.example.org%3A8443:bodies:acme"
    for bad in ("http://cert.example.org", "https://cert.example.org?x=1", None,
                "https://user@cert.example.org", "https://cert.example.org/../x"):
        assert did_web_for(bad) is None


# --- the verifier: report shape and three-way verdict --------------------------------------

def test_valid_credential_presented_with_key_binding():
    text = present_sd_jwt(issue(), disclose=["given_name"], holder=HOLDER, nonce="nonce-1",
                          audience="https://verifier.example")
    report = verifier().verify(text, key_binding=KeyBindingRequirement(
        "nonce-1", "https://verifier.example"))
    assert report.verdict is Verdict.VALID, report.to_json()
    assert outcomes(report) == {"structure": "passed", "proof": "passed",
                                "disclosures": "passed", "key-binding": "passed",
                                "status": "passed", "validity": "passed",
                                "issuer-trust": "passed", "recognition": "unknown"}
    summary = report.to_json()["summary"]
    assert summary["issuer"] == {
        "id": DID, "name": "Cert Body (registry)", "registered": True, "country": "BG",
        "accreditation": {"id": "urn:uuid:acc-1", "anchor": "did:web:nacid.example.bg",
                          "anchorName": "NACID (test)", "country": "BG", "nameByAnchor": None}}
    assert summary["achievement"]["id"] == ROLE and summary["achievement"]["eqfLevel"] == 6
    assert summary["status"] == "active"


def test_issued_form_without_key_binding_is_valid_but_says_so():
    report = verifier().verify(issue())
    assert report.verdict is Verdict.VALID
    binding = next(c for c in report.checks if c.id == "key-binding")
    assert str(binding.outcome) == "unknown" and binding.check.finding.code == "key-binding.absent"


def test_revoked_and_suspended_indexes_are_authentic_but_not_valid_now():
    revoked = verifier(status_fetcher(revoked=[5])).verify(issue())
    assert revoked.verdict is Verdict.NOT_VALID_NOW
    assert outcomes(revoked)["status.revocation"] == "failed"
    assert revoked.summary["status"] == "revoked"
    suspended = verifier(status_fetcher(suspended=[5])).verify(issue())
    assert suspended.verdict is Verdict.NOT_VALID_NOW
    assert suspended.summary["status"] == "suspended"


def test_unreachable_or_foreign_status_list_is_could_not_check():
    unreachable = verifier(StaticFetcher({})).verify(issue())
    assert unreachable.verdict is Verdict.COULD_NOT_CHECK
    assert unreachable.summary["status"] == "unknown"
    forged_list = verifier(status_fetcher(signer=JwsSigner.generate())).verify(issue())
    assert forged_list.verdict is Verdict.COULD_NOT_CHECK


def test_tampered_disclosure_is_forged():
    parts = issue().split("~")
    parts[1] = parts[2]  # a Disclosure sent twice, one in place of another
    report = verifier().verify("~".join(parts))
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert outcomes(report) == {"disclosures": "failed"} and report.summary == {}


def test_key_binding_stale_nonce_is_forged():
    text = present_sd_jwt(issue(), holder=HOLDER, nonce="old", audience="https://v.example")
    report = verifier().verify(text, key_binding=KeyBindingRequirement("new",
                                                                       "https://v.example"))
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert outcomes(report) == {"key-binding": "failed"}


def test_untrusted_certificate_is_forged_and_unreachable_metadata_could_not_check():
    rogue = make_issuer_certificate(make_demo_ca(), dns_name="cert.example.org", uri=ISS)
    report = verifier().verify(issue(JwsSigner(rogue.jwk, x5c=rogue.x5c)))
    assert report.verdict is Verdict.FORGED_OR_MALFORMED and outcomes(report) == {
        "proof": "failed"}
    signer = JwsSigner(JwsSigner.generate().key, kid="k")
    report = verifier(keys=IssuerKeyPolicy(metadata_fetcher=StaticFetcher({}))).verify(
        issue(signer))
    assert report.verdict is Verdict.COULD_NOT_CHECK


def test_issuer_not_accredited_for_the_role_is_not_valid_now():
    report = verifier(trust_source=trust(accredited=False)).verify(issue())
    assert report.verdict is Verdict.NOT_VALID_NOW
    assert outcomes(report)["issuer-trust"] == "failed"


def test_expired_credential_is_not_valid_now():
    report = verifier().verify(issue(expires_at=int(time.time()) - 86_400))
    assert report.verdict is Verdict.NOT_VALID_NOW
    assert outcomes(report)["validity"] == "failed"


def test_not_a_string_is_malformed():
    report = verifier().verify({"not": "an sd-jwt"})
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert outcomes(report) == {"structure": "failed"}
