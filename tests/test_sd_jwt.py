"""SD-JWT (RFC 9901): issue, present, verify, and the failures that must fail."""
import json
import time

import pytest

from vc.jose import JwsSigner, b64url_decode, b64url_encode, json_bytes
from vc.sd_jwt import (
    Disclosure,
    SdJwt,
    issue_sd_jwt,
    present_sd_jwt,
    verify_sd_jwt,
)
from vc.sd_jwt_errors import (
    DisclosureError,
    KeyBindingError,
    SdJwtFormatError,
    SdJwtSignatureError,
)
from vc.sd_jwt_kb import KeyBindingRequirement, sd_hash

TYP = "example+sd-jwt"
ISSUER = JwsSigner.generate(kid="issuer-key-1")
HOLDER = JwsSigner.generate()
OTHER = JwsSigner.generate()
CLAIMS = {
    "iss": "https://issuer.example",
    "given_name": "Ada",
    "family_name": "Lovelace",
    "address": {"locality": "London", "country": "GB"},
    "nationalities": ["GB", "IT"],
    "cnf": {"jwk": HOLDER.public_jwk()},
}
DISCLOSABLE = ["given_name", "family_name", ("address", "locality"), "address",
               ("nationalities", 1)]


def issuer_key(_jws):
    return ISSUER.public


def issued(decoys: int = 0) -> str:
    return issue_sd_jwt(CLAIMS, DISCLOSABLE, ISSUER, TYP, decoys=decoys)


def verify(text, **kwargs):
    return verify_sd_jwt(text, issuer_key=issuer_key, typ=TYP, **kwargs)


def requirement(nonce="n-123", audience="https://verifier.example", now=None):
    return KeyBindingRequirement(nonce, audience, now)


def test_rfc_9901_disclosure_digests():
    """RFC 9901 §4.2.1 and §4.2.2 examples: the digest is over the Disclosure as received."""
    d = Disclosure.parse("WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0")
    assert (d.name, d.value) == ("family_name", "Möbius")
    assert d.digest == "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
    e = Disclosure.parse("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0")
    assert (e.name, e.value, e.digest) == (None, "FR", "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs")


def test_issued_sd_jwt_hides_disclosable_claims_and_verifies_back_to_the_claims():
    text = issued(decoys=2)
    parsed = SdJwt.parse(text)
    assert text.endswith("~") and parsed.kb_jwt is None
    signed = parsed.jws.payload
    assert "given_name" not in signed and "address" not in signed
    assert signed["_sd_alg"] == "sha-256"
    assert len(signed["_sd"]) == 3 + 2  # given_name, family_name, address, two decoys
    assert signed["nationalities"][0] == "GB" and set(signed["nationalities"][1]) == {"..."}
    result = verify(text)
    assert result.claims == CLAIMS
    assert result.key_binding is None
    assert ("address", "locality") in result.disclosed


def test_salts_are_fresh_so_the_same_claims_give_different_digests():
    assert SdJwt.parse(issued()).jws.payload["_sd"] != SdJwt.parse(issued()).jws.payload["_sd"]


def test_presentation_reveals_only_chosen_claims_and_the_objects_around_them():
    text = present_sd_jwt(issued(), disclose=[("address", "locality")])
    claims = verify(text).claims
    assert claims["address"] == {"locality": "London", "country": "GB"}
    assert "given_name" not in claims and "family_name" not in claims
    assert claims["nationalities"] == ["GB"]  # the undisclosed element is left out


def test_key_binding_with_the_verifiers_nonce_and_audience_verifies():
    text = present_sd_jwt(issued(), disclose=["given_name"], holder=HOLDER, nonce="n-123",
                          audience="https://verifier.example")
    result = verify(text, key_binding=requirement())
    assert result.claims["given_name"] == "Ada" and "family_name" not in result.claims
    assert result.key_binding is not None and result.key_binding.nonce == "n-123"
    header = json.loads(b64url_decode(text.rsplit("~", 1)[1].split(".")[0], "h"))
    assert header == {"alg": "ES256", "typ": "kb+jwt"}


def test_key_binding_required_but_absent_fails():
    with pytest.raises(KeyBindingError, match="no Key Binding JWT"):
        verify(present_sd_jwt(issued()), key_binding=requirement())


def test_key_binding_by_another_key_fails():
    text = present_sd_jwt(issued(), holder=OTHER, nonce="n-123",
                          audience="https://verifier.example")
    with pytest.raises(KeyBindingError, match="not signed by the holder key"):
        verify(text, key_binding=requirement())


def test_stale_nonce_fails():
    text = present_sd_jwt(issued(), holder=HOLDER, nonce="old-nonce",
                          audience="https://verifier.example")
    with pytest.raises(KeyBindingError, match="another nonce"):
        verify(text, key_binding=requirement())


def test_wrong_audience_fails():
    text = present_sd_jwt(issued(), holder=HOLDER, nonce="n-123",
                          audience="https://other-verifier.example")
    with pytest.raises(KeyBindingError, match="audience"):
        verify(text, key_binding=requirement())


def test_old_or_future_key_binding_fails():
    now = time.time()
    old = present_sd_jwt(issued(), holder=HOLDER, nonce="n-123",
                         audience="https://verifier.example", issued_at=int(now) - 3600)
    with pytest.raises(KeyBindingError, match="older than"):
        verify(old, key_binding=requirement(now=now))
    future = present_sd_jwt(issued(), holder=HOLDER, nonce="n-123",
                            audience="https://verifier.example", issued_at=int(now) + 3600)
    with pytest.raises(KeyBindingError, match="future"):
        verify(future, key_binding=requirement(now=now))


def test_disclosure_dropped_after_key_binding_breaks_sd_hash():
    text = present_sd_jwt(issued(), disclose=["given_name", "family_name"], holder=HOLDER,
                          nonce="n-123", audience="https://verifier.example")
    jwt, first, _second, kb = text.split("~")
    with pytest.raises(KeyBindingError, match="sd_hash"):
        verify(f"{jwt}~{first}~{kb}", key_binding=requirement())


def test_sd_hash_is_over_the_presented_string():
    text = present_sd_jwt(issued(), holder=HOLDER, nonce="n", audience="a")
    presented, kb = text.rsplit("~", 1)
    claims = json.loads(b64url_decode(kb.split(".")[1], "p"))
    assert claims["sd_hash"] == sd_hash(presented + "~")


def test_tampered_disclosure_fails():
    text = issued()
    parts = text.split("~")
    salt, name, _value = json.loads(b64url_decode(parts[1], "d"))
    parts[1] = b64url_encode(json_bytes([salt, name, "Mallory"]))
    with pytest.raises(DisclosureError, match="match no digest"):
        verify("~".join(parts))


def test_foreign_disclosure_fails():
    extra = Disclosure.make("is_admin", True).encoded
    with pytest.raises(DisclosureError, match="match no digest"):
        verify(issued() + extra + "~")


def test_repeated_disclosure_fails():
    text = issued()
    first = text.split("~")[1]
    with pytest.raises(DisclosureError, match="twice"):
        verify(text + first + "~")


def test_digest_repeated_in_the_signed_payload_fails():
    d = Disclosure.make("given_name", "Ada")
    payload = {"_sd": [d.digest], "nested": {"_sd": [d.digest]}, "_sd_alg": "sha-256"}
    text = "~".join([ISSUER.sign(TYP, payload), d.encoded, ""])
    with pytest.raises(DisclosureError, match="more than once"):
        verify(text)


def test_disclosure_overwriting_a_signed_claim_fails():
    d = Disclosure.make("iss", "https://evil.example")
    text = "~".join([ISSUER.sign(TYP, {"iss": "https://issuer.example", "_sd": [d.digest]}),
                     d.encoded, ""])
    with pytest.raises(DisclosureError, match="already exists"):
        verify(text)


def test_array_disclosure_used_as_property_fails():
    d = Disclosure.make(None, "x")
    text = "~".join([ISSUER.sign(TYP, {"_sd": [d.digest]}), d.encoded, ""])
    with pytest.raises(DisclosureError, match="array-element"):
        verify(text)


def test_disclosure_naming_a_reserved_claim_fails():
    encoded = b64url_encode(json_bytes(["salt", "_sd", ["x"]]))
    with pytest.raises(DisclosureError, match="must not name"):
        Disclosure.parse(encoded)


def test_issuer_signature_by_another_key_fails():
    text = issue_sd_jwt(CLAIMS, DISCLOSABLE, OTHER, TYP)
    with pytest.raises(SdJwtSignatureError, match="does not verify"):
        verify(text)


def test_alg_none_fails():
    header = b64url_encode(json_bytes({"alg": "none", "typ": TYP}))
    payload = b64url_encode(json_bytes({"iss": "https://issuer.example"}))
    with pytest.raises(SdJwtFormatError, match="algorithm 'none'"):
        verify(f"{header}.{payload}.AAAA~")


def test_unknown_critical_header_fails():
    text = ISSUER.sign(TYP, {"iss": "x"}, {"crit": ["exp_v2"], "exp_v2": 1}) + "~"
    with pytest.raises(SdJwtFormatError, match="critical"):
        verify(text)


def test_typ_mismatch_fails():
    text = issue_sd_jwt(CLAIMS, DISCLOSABLE, ISSUER, "JWT")
    with pytest.raises(SdJwtFormatError, match="typ 'JWT'"):
        verify(text)


def test_unsupported_sd_alg_fails():
    text = ISSUER.sign(TYP, {"_sd_alg": "md5", "_sd": []}) + "~"
    with pytest.raises(SdJwtFormatError, match="_sd_alg"):
        verify(text)


def test_malformed_serializations_fail():
    for bad in ("", "not-a-jwt", "a.b.c~", ISSUER.sign(TYP, {}) + "~~"):
        with pytest.raises(SdJwtFormatError):
            verify(bad)


def test_duplicate_json_member_in_payload_fails():
    header = b64url_encode(json_bytes({"alg": "ES256", "typ": TYP}))
    payload = b64url_encode(b'{"iss":"a","iss":"b"}')
    with pytest.raises(SdJwtFormatError, match="duplicate"):
        verify(f"{header}.{payload}.AAAA~")


def test_issuing_a_reserved_claim_name_or_a_missing_path_is_refused():
    with pytest.raises(SdJwtFormatError, match="reserved"):
        issue_sd_jwt({"_sd": ["x"], "a": 1}, ["a"], ISSUER, TYP)
    with pytest.raises(SdJwtFormatError, match="nothing at the disclosable path"):
        issue_sd_jwt({"a": 1}, [("b", "c")], ISSUER, TYP)


def test_presenting_from_a_presentation_is_refused():
    text = present_sd_jwt(issued(), holder=HOLDER, nonce="n", audience="a")
    with pytest.raises(SdJwtFormatError, match="as issued"):
        present_sd_jwt(text)


def test_eddsa_holder_key_binding_verifies():
    holder = JwsSigner.generate("EdDSA")
    claims = {**CLAIMS, "cnf": {"jwk": holder.public_jwk()}}
    text = issue_sd_jwt(claims, ["given_name"], ISSUER, TYP)
    presented = present_sd_jwt(text, holder=holder, nonce="n-123",
                               audience="https://verifier.example")
    assert verify(presented, key_binding=requirement()).key_binding is not None
