"""Where the seal key lives: a PKCS#12 file, a PKCS#11 token (Debian's SoftHSM2, a throwaway
token in a temporary folder), or the demo seal of the data directory. Every seal is checked
with jwcrypto against the x5c certificate and its time-stamp with `openssl ts -verify`."""
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass, TokenFlag
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

from issuer.demo import sample_role_credential
from issuer.seal import SealConfig, SealConfigError, open_seal
from issuer.seal.pkcs11 import Pkcs11Signer, open_token_session, pin_refusal
from issuer.seal.pkcs12 import load_pkcs12_signer
from issuer.seal.token_keys import TokenKeyStore
from schemas.jsonld_contexts import CONTEXTS_DIR
from vc import api
from vc.contexts import shared_store
from vc.cryptosuites import ALL_SUITES
from vc.did_key import did_key_from_public_key
from vc.did_resolver import DIDResolver
from vc.fetch import StaticFetcher
from vc.jades.seal import seal_document
from vc.key_store import KeyStoreError
from vc.multikey import Ed25519Multikey
from vc.timestamps import HttpTimeStamper
from vc.tsa import make_demo_tsa, serve_tsa
from vc.x509_chain import CertificateAuthority
from web.app import create_app
from web.wiring.datadir import open_issuer_keys, prepare_data_dir
from web.wiring.settings import Settings

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
            _store_certificate(session, label, seal_certificate(
                ca, _cryptography_public_key(public), f"{label} (DEMO)"))
        # a key whose certificate comes from an intermediate CA, both CAs stored in the
        # token too (as an HSM holding the eSeal chain has them)
        root, intermediate = _ca_pair()
        public, _ = session.create_domain_parameters(KeyType.EC, {
            Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
            local=True).generate_keypair(label="seal-chained", store=True)
        leaf = seal_certificate(intermediate, _cryptography_public_key(public), "chained (DEMO)")
        for label, cert in (("root", root.certificate), ("intermediate", intermediate.certificate),
                            ("seal-chained", leaf)):
            _store_certificate(session, label, cert)
    return {"module": SOFTHSM, "ca": ca, "chained": (leaf, intermediate.certificate)}


def _store_certificate(session, label: str, cert: x509.Certificate) -> None:
    session.create_object({
        Attribute.CLASS: ObjectClass.CERTIFICATE,
        Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
        Attribute.TOKEN: True, Attribute.LABEL: label,
        Attribute.SUBJECT: cert.subject.public_bytes(),
        Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER)})


def _ca_pair() -> tuple[CertificateAuthority, CertificateAuthority]:
    """A root and an intermediate CA it certifies."""
    def ca(name: str, issuer: CertificateAuthority | None) -> CertificateAuthority:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        start = datetime.now(UTC) - timedelta(minutes=5)
        cert = (x509.CertificateBuilder().subject_name(subject)
                .issuer_name(issuer.certificate.subject if issuer else subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(start + timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(issuer.private_key if issuer else key, hashes.SHA256()))
        return CertificateAuthority(key, cert)
    root = ca("Chain test root (DEMO)", None)
    return root, ca("Chain test intermediate (DEMO)", root)


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


def test_the_token_chain_is_the_leaf_then_its_cas_without_the_root(softhsm, tsa, tmp_path):
    signer = Pkcs11Signer(softhsm["module"], TOKEN, "seal-chained", PIN)
    assert signer.chain == softhsm["chained"]  # leaf, intermediate; the root is an anchor
    sealed = seal_document(DOCUMENT, signer, tsa[0])
    assert len(protected_of(sealed["signatures"][0])["x5c"]) == 2
    _check(sealed, tsa[1], tmp_path)


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


# -- the issuer's Data Integrity keys in the same token -------------------------------------

def _token_settings(tmp_path: Path, softhsm: dict) -> Settings:
    return Settings.from_environment(tmp_path / "data", environ={
        "S4C_SEAL_PKCS11_MODULE": softhsm["module"], "S4C_SEAL_TOKEN_LABEL": TOKEN,
        "S4C_SEAL_KEY_LABEL": "seal-ec", "S4C_SEAL_PIN": PIN,
        "S4C_ISSUER_KEY_IN_TOKEN": "1"})


def test_the_issuer_key_lives_in_the_token_and_its_proofs_verify(softhsm, tmp_path):
    settings = _token_settings(tmp_path, softhsm)
    prepare_data_dir(settings)
    keys = open_issuer_keys(settings)
    assert isinstance(keys, TokenKeyStore)
    [stored] = keys.all()
    assert sorted(p.name for p in settings.keys_dir.glob("key-*")) == []  # no key file

    # the DID document lists the token's key, and a Data Integrity proof made by the token
    # verifies with it (eddsa-rdfc-2022)
    body = create_app(settings).test_client().get("/.well-known/did.json").get_json()
    [method] = body["verificationMethod"]
    assert method["publicKeyMultibase"] == stored.public_key_multibase
    key = keys.signing_key(stored.key_id)
    did = did_key_from_public_key(key.public_key)
    signed = api.sign(sample_role_credential(1, did), key, store=shared_store(CONTEXTS_DIR),
                      verification_method=f"{did}#{key.public_key_multibase}")
    assert api.verify(signed, resolver=DIDResolver(fetcher=StaticFetcher({})),
                      store=shared_store(CONTEXTS_DIR), suites=ALL_SUITES).verified

    with pytest.raises(KeyStoreError, match="never leaves"):
        key.private_key.private_bytes_raw()
    with open_token_session(softhsm["module"], TOKEN, PIN) as session:
        private = session.get_key(object_class=ObjectClass.PRIVATE_KEY,
                                  label=f"s4c-issuer-{stored.key_id}")
        assert private[Attribute.SENSITIVE] and not private[Attribute.EXTRACTABLE]


def test_a_rotation_makes_the_new_issuer_key_in_the_token(softhsm, tmp_path):
    settings = _token_settings(tmp_path, softhsm)
    prepare_data_dir(settings)
    keys = open_issuer_keys(settings)
    old = keys.active()
    new = keys.rotate()
    assert [k.key_id for k in keys.all()] == [old.key_id, new.key_id] and new.key_id != old.key_id
    assert keys.active() == new
    signature = keys.signing_key(new.key_id).sign(b"a role credential")
    public = Ed25519Multikey.from_multibase(new.public_key_multibase)
    assert public.verify(signature, b"a role credential")


def test_an_index_that_lists_another_key_than_the_tokens_is_refused(softhsm, tmp_path):
    settings = _token_settings(tmp_path, softhsm)
    prepare_data_dir(settings)
    index = settings.keys_dir / "index.json"
    data = json.loads(index.read_text())
    data["keys"][0]["public_key_multibase"] = Ed25519Multikey.generate().public_key_multibase
    index.write_text(json.dumps(data))
    with pytest.raises(KeyStoreError, match="is not key-"):
        open_issuer_keys(settings).signing_key(data["keys"][0]["key_id"])


def test_the_issuer_key_in_a_token_needs_the_token_settings(tmp_path):
    settings = Settings.from_environment(tmp_path, environ={"S4C_ISSUER_KEY_IN_TOKEN": "1"})
    with pytest.raises(KeyStoreError, match="S4C_SEAL_PKCS11_MODULE"):
        open_issuer_keys(settings, create_passphrase=True)


FORKED_WORKER = """
import os, sys
from issuer.seal.pkcs11 import Pkcs11Signer
module, token, pin = sys.argv[1:4]
parent = Pkcs11Signer(module, token, "seal-ed25519", pin)
read, write = os.pipe()
pid = os.fork()
if pid == 0:  # the worker
    code = 1
    try:
        child = Pkcs11Signer(module, token, "seal-ed25519", pin)
        os.write(write, child.sign(b"from the worker") + parent.sign(b"and again"))
        code = 0
    finally:
        os._exit(code)
os.close(write)
signatures = os.fdopen(read, "rb").read()
assert os.waitpid(pid, 0)[1] == 0
public = parent.chain[0].public_key()
public.verify(signatures[:64], b"from the worker")
public.verify(signatures[64:], b"and again")
public.verify(parent.sign(b"parent still signs"), b"parent still signs")
print("ok")
"""


def test_a_forked_worker_signs_with_the_token_too(softhsm):
    """`s4c serve` opens the seal before gunicorn forks its workers: a child process
    initialises the PKCS#11 module again and signs in its own session (in a process of its
    own: single-threaded, as a server's master is when it forks)."""
    result = subprocess.run([sys.executable, "-c", FORKED_WORKER, softhsm["module"], TOKEN, PIN],
                            capture_output=True, text=True, timeout=120, check=False,
                            env=os.environ.copy())
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_s4c_stops_trying_the_pin_before_the_token_locks_it():
    """A server restarted in a loop with a wrong PIN must not lock the HSM: with one try
    left, or locked, s4c does not log in and says why (PKCS#11 token flags)."""
    assert pin_refusal(TokenFlag.LOGIN_REQUIRED | TokenFlag.USER_PIN_COUNT_LOW, TOKEN) is None
    assert "one more PIN try" in pin_refusal(
        TokenFlag.LOGIN_REQUIRED | TokenFlag.USER_PIN_FINAL_TRY, TOKEN)
    assert "locked" in pin_refusal(TokenFlag.USER_PIN_LOCKED, TOKEN)
