"""Where the seal key lives: a PKCS#12 file, a PKCS#11 token (Debian's SoftHSM2, a throwaway
token in a temporary folder), or the demo seal of the data directory. Every seal is checked
with jwcrypto against the x5c certificate and its time-stamp with `openssl ts -verify`."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
from pkcs11.util.rsa import encode_rsa_public_key
from seal_fixtures import (
    new_key,
    openssl_ts_verify,
    protected_of,
    seal_ca,
    seal_certificate,
    signature_timestamp_token,
)
from test_jades_seal import DOCUMENT, jwcrypto_verify

from issuer.seal import SealConfig, SealConfigError, open_seal
from issuer.seal.pkcs11 import Pkcs11Signer, open_token_session
from issuer.seal.pkcs12 import load_pkcs12_signer
from vc.jades.seal import seal_document
from vc.timestamps import HttpTimeStamper
from vc.tsa import make_demo_tsa, serve_tsa

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN = "s4c-seal-test"
PIN = "246810"  # a throwaway token's PIN
SO_PIN = "13579111"


@pytest.fixture(scope="module")
def tsa():
    authority, ca = make_demo_tsa()
    with serve_tsa(authority) as url:
        yield HttpTimeStamper(url), ca


def _check(sealed: dict, tsa_ca: x509.Certificate, folder: Path) -> x509.Certificate:
    """The seal verifies (jwcrypto, x5c leaf) and its time-stamp too (openssl); the leaf."""
    [signature] = sealed["signatures"]
    import base64

    leaf = x509.load_der_x509_certificate(base64.b64decode(protected_of(signature)["x5c"][0]))
    assert json.loads(jwcrypto_verify(sealed, leaf)) == DOCUMENT
    result = openssl_ts_verify(signature_timestamp_token(signature),
                               signature["signature"].encode("ascii"), tsa_ca, folder)
    assert result.returncode == 0, result.stderr
    return leaf


# -- PKCS#12 -------------------------------------------------------------------------------

def test_a_pkcs12_seal_key_seals_with_its_chain(tmp_path, tsa):
    ca = seal_ca()
    key = new_key("RS256")
    leaf = seal_certificate(ca, key.public_key())
    path = tmp_path / "seal.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"seal", key, leaf, [ca.certificate],
        serialization.BestAvailableEncryption(b"p12 passphrase")))

    signer = load_pkcs12_signer(path, b"p12 passphrase")
    assert _check(seal_document(DOCUMENT, signer, tsa[0]), tsa[1], tmp_path) == leaf
    assert signer.chain == (leaf,)  # the self-signed root is the verifier's anchor, not x5c

    with pytest.raises(SealConfigError, match="wrong S4C_SEAL_PASSPHRASE"):
        load_pkcs12_signer(path, b"not it")


def test_open_seal_takes_the_pkcs12_file_and_the_tsa_url(tmp_path, tsa):
    key = new_key("ES256")
    leaf = seal_certificate(seal_ca(), key.public_key())
    path = tmp_path / "seal.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"seal", key, leaf, None, serialization.BestAvailableEncryption(b"pw")))
    with serve_tsa(make_demo_tsa()[0]) as url:
        seal = open_seal(SealConfig(tmp_path / "data", b"data passphrase", "Body",
                                    pkcs12=path, pkcs12_passphrase="pw", tsa_url=url))
        assert not seal.is_demo and seal.demo_tsa_anchors == ()
        sealed = seal_document(DOCUMENT, seal.signer, seal.timestamper)
    assert protected_of(sealed["signatures"][0])["alg"] == "ES256"
    assert not (tmp_path / "data" / "seal").exists()  # no demo material when configured
    with pytest.raises(SealConfigError, match="S4C_SEAL_PASSPHRASE"):
        open_seal(SealConfig(tmp_path, b"x", "Body", pkcs12=path))


# -- the demo seal ----------------------------------------------------------------------------

def test_the_demo_seal_is_made_once_marked_demo_and_verifies(tmp_path):
    config = SealConfig(tmp_path, b"data passphrase", "Smart City Body")
    seal = open_seal(config)
    assert seal.is_demo
    sealed = seal_document(DOCUMENT, seal.signer, seal.timestamper)  # the in-process TSA
    leaf = _check(sealed, seal.demo_tsa_anchors[0], tmp_path)
    assert "DEMO" in leaf.subject.rfc4514_string()
    assert "DEMO" in seal.demo_anchors[0].subject.rfc4514_string()
    assert protected_of(sealed["signatures"][0])["alg"] == "RS256"  # as the EU samples
    assert leaf.issuer == seal.demo_anchors[0].subject
    for name in ("seal.p12", "tsa-key.pem"):
        assert (tmp_path / "seal" / name).stat().st_mode & 0o077 == 0

    again = open_seal(config)  # a second process start: the same seal, not a new one
    assert again.signer.chain == seal.signer.chain
    with pytest.raises(SealConfigError):  # encrypted under the data directory's passphrase
        open_seal(SealConfig(tmp_path, b"another passphrase", "Smart City Body"))


# -- PKCS#11 (SoftHSM2) -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def softhsm(tmp_path_factory):
    """A throwaway SoftHSM2 token with an RSA, an EC P-256 and an Ed25519 seal key, each
    generated in the token, and their certificates stored next to them."""
    if not (Path(SOFTHSM).exists() and shutil.which("softhsm2-util")):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the PKCS#11 tests: install softhsm2 "
                        "(.ci/install-test-deps)")
        pytest.skip("softhsm2 is not installed (apt-get install softhsm2)")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read by the module when it is initialised
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN,
                    "--so-pin", SO_PIN, "--pin", PIN], check=True, capture_output=True,
                   timeout=60)
    library = pkcs11.lib(SOFTHSM)
    library.reinitialize()  # a module loaded earlier in this process reads the new conf
    ca = seal_ca()
    with library.get_token(token_label=TOKEN).open(user_pin=PIN, rw=True) as session:
        keys = {
            "seal-rsa": session.generate_keypair(KeyType.RSA, 2048, label="seal-rsa",
                                                 store=True),
            "seal-ec": session.create_domain_parameters(KeyType.EC, {
                Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
                local=True).generate_keypair(label="seal-ec", store=True),
            "seal-ed25519": session.create_domain_parameters(KeyType.EC_EDWARDS, {
                Attribute.EC_PARAMS: encode_named_curve_parameters("1.3.101.112")},
                local=True).generate_keypair(label="seal-ed25519", store=True),
        }
        for label, (public, _private) in keys.items():
            cert = seal_certificate(ca, _cryptography_public_key(public), f"{label} (DEMO)")
            session.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True, Attribute.LABEL: label,
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER)})
    return {"module": SOFTHSM, "ca": ca}


def _cryptography_public_key(public):
    if public.key_type == KeyType.RSA:
        return serialization.load_der_public_key(encode_rsa_public_key(public))
    if public.key_type == KeyType.EC:
        return serialization.load_der_public_key(encode_ec_public_key(public))
    point = bytes(public[Attribute.EC_POINT])  # DER OCTET STRING of the 32 key bytes
    return ed25519.Ed25519PublicKey.from_public_bytes(point[-32:])


@pytest.mark.parametrize(("label", "algorithm"), [("seal-rsa", "RS256"), ("seal-ec", "ES256"),
                                                  ("seal-ed25519", "EdDSA")])
def test_a_token_key_seals_without_leaving_the_token(softhsm, tsa, tmp_path, label, algorithm):
    signer = Pkcs11Signer(softhsm["module"], TOKEN, label, PIN)
    assert signer.algorithm == algorithm
    sealed = seal_document(DOCUMENT, signer, tsa[0])
    leaf = _check(sealed, tsa[1], tmp_path)
    assert leaf.issuer == softhsm["ca"].certificate.subject
    assert PIN not in repr(signer)

    with open_token_session(softhsm["module"], TOKEN, PIN) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=label)
        assert key[Attribute.SENSITIVE] and not key[Attribute.EXTRACTABLE]


def test_open_seal_takes_the_token_settings(softhsm, tmp_path):
    seal = open_seal(SealConfig(tmp_path, b"data passphrase", "Body",
                                pkcs11_module=softhsm["module"], token_label=TOKEN,
                                key_label="seal-ec", pin=PIN))
    assert seal.signer.algorithm == "ES256" and not seal.is_demo
    assert seal.demo_tsa_anchors  # no S4C_TSA_URL: the demo TSA stamps
    _check(seal_document(DOCUMENT, seal.signer, seal.timestamper), seal.demo_tsa_anchors[0],
           tmp_path)


def test_a_wrong_pin_is_a_clear_error_at_start(softhsm):
    """In a fresh process (a server starting), as a PKCS#11 login holds for the process."""
    code = ("from issuer.seal.pkcs11 import Pkcs11Signer\n"
            "from issuer.seal import SealConfigError\n"
            "try:\n"
            f"    Pkcs11Signer({softhsm['module']!r}, {TOKEN!r}, 'seal-ec', '000000')\n"
            "except SealConfigError as e:\n"
            "    print(e)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True, env=os.environ.copy())
    assert result.stdout.strip() == f"the PIN of token {TOKEN!r} is wrong"


def test_wrong_token_settings_are_clear_errors(softhsm, tmp_path):
    with pytest.raises(SealConfigError, match="no single private key labelled 'nothing'"):
        Pkcs11Signer(softhsm["module"], TOKEN, "nothing", PIN)
    with pytest.raises(SealConfigError, match="no single token"):
        Pkcs11Signer(softhsm["module"], "no-such-token", "seal-ec", PIN)
    with pytest.raises(SealConfigError, match="S4C_SEAL_PIN"):
        open_seal(SealConfig(tmp_path, b"x", "Body", pkcs11_module=softhsm["module"],
                             token_label=TOKEN, key_label="seal-ec"))


def test_a_chain_that_is_not_the_token_keys_is_refused(softhsm):
    other = new_key("ES256")
    chain = seal_certificate(softhsm["ca"], other.public_key()).public_bytes(
        serialization.Encoding.PEM)
    with pytest.raises(SealConfigError, match="not the token key's"):
        Pkcs11Signer(softhsm["module"], TOKEN, "seal-ec", PIN, chain_pem=chain)
