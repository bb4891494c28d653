"""JAdES baseline B-T seals (ETSI TS 119 182-1) shaped like the EU's sealed EDCs, checked
by independent implementations: jwcrypto for the JWS (RFC 7797 b64:false, with the key of
the certificate in x5c) and `openssl ts -verify` for each signature time-stamp, over the
base64url signature value (§5.3.4.1), against the CA of a TSA served on 127.0.0.1."""
import base64
import hashlib
import json

import pytest
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwk, jws
from jwcrypto.common import JWSEHeaderParameter
from seal_fixtures import (
    b64url_decode,
    etsi_unsigned,
    europass_dir,
    new_key,
    openssl_ts_verify,
    protected_of,
    seal_ca,
    seal_certificate,
    signature_timestamp_token,
)

from vc.jades.seal import PrivateKeySigner, SealError, seal_document
from vc.timestamps import HttpTimeStamper, gen_time
from vc.tsa import make_demo_tsa, serve_tsa

DOCUMENT = {"id": "urn:credential:1", "type": ["VerifiableCredential",
                                                "EuropeanDigitalCredential"],
            "title": {"el": "Υπεύθυνος έξυπνης πόλης", "de": "Smart-City-Beauftragte/r"}}


@pytest.fixture(scope="module")
def tsa():
    authority, ca = make_demo_tsa()
    with serve_tsa(authority) as url:
        yield HttpTimeStamper(url), ca


@pytest.fixture(scope="module")
def ca():
    return seal_ca()


def _signer(ca, algorithm: str) -> PrivateKeySigner:
    key = new_key(algorithm)
    return PrivateKeySigner(key, [seal_certificate(ca, key.public_key()), ca.certificate])


def jwcrypto_verify(sealed: dict, certificate: x509.Certificate) -> bytes:
    """jwcrypto's check of the JWS JSON serialisation (it enforces `crit`: sigT is
    registered as understood), with the public key of `certificate`."""
    key = jwk.JWK.from_pyca(certificate.public_key())
    token = jws.JWS(header_registry={
        "sigT": JWSEHeaderParameter("JAdES claimed signing time", False, True, None)})
    token.deserialize(json.dumps(sealed), key)  # raises InvalidJWSSignature when it fails
    return token.payload


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA"])
def test_seal_verifies_with_jwcrypto_and_the_x5c_certificate(ca, tsa, algorithm):
    sealed = seal_document(DOCUMENT, _signer(ca, algorithm), tsa[0])
    [signature] = sealed["signatures"]
    header = protected_of(signature)
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))

    assert json.loads(jwcrypto_verify(sealed, leaf)) == DOCUMENT
    assert header["alg"] == algorithm
    assert sealed["payload"] == json.dumps(DOCUMENT, ensure_ascii=False,
                                           separators=(",", ":"))
    assert len(header["x5c"]) == 2  # the chain, leaf first (RFC 7515 §4.1.6)


def test_a_changed_payload_byte_fails_the_jwcrypto_check(ca, tsa):
    signer = _signer(ca, "RS256")
    sealed = seal_document(DOCUMENT, signer, tsa[0])
    sealed["payload"] = sealed["payload"].replace("urn:credential:1", "urn:credential:2")
    with pytest.raises(jws.InvalidJWSSignature):
        jwcrypto_verify(sealed, signer.chain[0])


def test_signature_timestamp_verifies_with_openssl_over_the_signature_value(ca, tsa, tmp_path):
    sealed = seal_document(DOCUMENT, _signer(ca, "ES256"), tsa[0])
    [signature] = sealed["signatures"]
    token = signature_timestamp_token(signature)

    # ETSI TS 119 182-1 §5.3.4.1: the imprint is over the base64url-encoded signature value
    good = openssl_ts_verify(token, signature["signature"].encode("ascii"), tsa[1], tmp_path)
    assert good.returncode == 0 and "Verification: OK" in good.stdout, good.stderr

    other = openssl_ts_verify(token, signature["signature"][:-2].encode() + b"AA", tsa[1],
                              tmp_path)
    assert other.returncode != 0 and "message imprint mismatch" in other.stderr

    stranger = make_demo_tsa("Another TSA (DEMO)")[1]  # a CA that did not certify this TSA
    untrusted = openssl_ts_verify(token, signature["signature"].encode("ascii"), stranger,
                                  tmp_path)
    assert untrusted.returncode != 0


def test_header_has_the_shape_of_the_eu_samples(ca, tsa):
    """Same protected parameters in the same order as `Sample-*-signed.jsonld` (less the
    optional content time-stamp adoTst), same `typ`/`cty`, and etsiU members in the same
    base64url-JSON form."""
    folder = europass_dir() / "elm" / "examples"
    if not folder.is_dir():
        pytest.fail(f"the EU samples are missing: {folder} (set S4C_EUROPASS)")
    sample = json.loads((folder / "Sample-CertOfPart-signed.jsonld").read_text())
    [eu] = sample["signatures"]
    eu_header = protected_of(eu)

    signer = _signer(ca, "RS256")
    sealed = seal_document(DOCUMENT, signer, tsa[0])
    [ours] = sealed["signatures"]
    header = protected_of(ours)

    assert list(sealed) == list(sample) == ["payload", "signatures"]
    assert list(ours) == list(eu)
    assert list(header) == [k for k in eu_header if k != "adoTst"]
    assert header["crit"] == [k for k in eu_header["crit"] if k != "adoTst"] == ["b64", "sigT"]
    for name in ("alg", "typ", "cty", "b64"):
        assert header[name] == eu_header[name]
    assert list(ours["header"]) == ["etsiU"]
    assert list(etsi_unsigned(ours)[0]) == list(etsi_unsigned(eu)[0]) == ["sigTst"]
    assert len(header["sigT"]) == len(eu_header["sigT"]) == len("2023-09-27T12:07:01Z")


def test_certificate_references_name_the_leaf(ca, tsa):
    """x5t#S256 (§5.1.7) is the SHA-256 of the leaf; kid (§5.1.4) its DER IssuerSerial."""
    signer = _signer(ca, "ES256")
    header = protected_of(seal_document(DOCUMENT, signer, tsa[0])["signatures"][0])
    leaf_der = signer.chain[0].public_bytes(serialization.Encoding.DER)
    assert b64url_decode(header["x5t#S256"]) == hashlib.sha256(leaf_der).digest()

    issuer_serial = cms.IssuerSerial.load(base64.b64decode(header["kid"]))
    leaf = asn1_x509.Certificate.load(leaf_der)
    assert issuer_serial["serial"].native == leaf.serial_number
    assert issuer_serial["issuer"][0].chosen == leaf.issuer


def test_time_stamp_is_not_before_the_signing_time(ca, tsa):
    [signature] = seal_document(DOCUMENT, _signer(ca, "EdDSA"), tsa[0])["signatures"]
    assert gen_time(signature_timestamp_token(signature)) >= protected_of(signature)["sigT"]


def test_a_key_and_a_certificate_that_do_not_match_are_refused(ca):
    key, other = new_key("ES256"), new_key("ES256")
    with pytest.raises(SealError, match="not the seal key's"):
        PrivateKeySigner(key, [seal_certificate(ca, other.public_key())])
    with pytest.raises(SealError, match="at least 2048"):
        PrivateKeySigner(rsa.generate_private_key(65537, 1024), [])  # noqa: S505 - refused
