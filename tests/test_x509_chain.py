"""x5c chains for SD-JWT VC issuer keys (RFC 7515 §4.1.6, HAIP 1.0 §6.1.1)."""
import base64
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from vc.x509_chain import (
    CertificateChainError,
    make_demo_ca,
    make_issuer_certificate,
    verify_x5c,
)

CA = make_demo_ca()
ISSUER = make_issuer_certificate(CA, dns_name="issuer.example", uri="https://issuer.example")


def der64(certificate):
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


def test_demo_issuer_certificate_chains_to_the_demo_ca_with_its_sans():
    chain = verify_x5c(list(ISSUER.x5c), [CA.certificate])
    assert chain.dns_names == ("issuer.example",)
    assert chain.uris == ("https://issuer.example",)
    assert chain.anchor == CA.certificate
    assert chain.public_key.as_dict(private=False) == ISSUER.jwk.as_dict(private=False)


def test_chain_to_another_anchor_fails():
    with pytest.raises(CertificateChainError, match="trusted anchor"):
        verify_x5c(list(ISSUER.x5c), [make_demo_ca().certificate])


def test_no_anchor_configured_fails():
    with pytest.raises(CertificateChainError, match="no X.509 trust anchors"):
        verify_x5c(list(ISSUER.x5c), [])


def test_x5c_including_the_trust_anchor_fails():
    with pytest.raises(CertificateChainError, match="includes the trust anchor"):
        verify_x5c([*ISSUER.x5c, der64(CA.certificate)], [CA.certificate])


def test_self_signed_leaf_fails():
    with pytest.raises(CertificateChainError, match="self-signed"):
        verify_x5c([der64(CA.certificate)], [make_demo_ca().certificate])


def test_expired_leaf_fails():
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    with pytest.raises(CertificateChainError, match="trusted anchor"):
        verify_x5c(list(ISSUER.x5c), [CA.certificate], later)


def test_leaf_without_digital_signature_or_that_is_a_ca_fails():
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "x")]))
            .issuer_name(CA.certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, True, False, False, False, False, False,
                                         False), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("issuer.example")]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                CA.private_key.public_key()), critical=False)
            .sign(CA.private_key, hashes.SHA256()))
    with pytest.raises(CertificateChainError, match="digitalSignature"):
        verify_x5c([der64(leaf)], [CA.certificate])


def test_malformed_x5c_fails():
    for bad in (None, [], "abc", ["not base64!"], [base64.b64encode(b"junk").decode()],
                list(ISSUER.x5c) * 6):
        with pytest.raises(CertificateChainError):
            verify_x5c(bad, [CA.certificate])
