"""Seal keys, certificates and a local TSA for the seal tests (real keys, a real HTTP TSA)."""
import base64
import datetime as dt
import json
import os
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from vc.x509_chain import CertificateAuthority, make_demo_ca

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def europass_dir() -> Path:
    """The EU's ELM material: $S4C_EUROPASS, else ../shared/europass."""
    configured = os.environ.get("S4C_EUROPASS")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "europass"


def new_key(algorithm: str):
    if algorithm == "RS256":
        return rsa.generate_private_key(65537, 2048)
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    return ed25519.Ed25519PrivateKey.generate()


def seal_certificate(ca: CertificateAuthority, public_key, name: str = "Test body eSeal (DEMO)",
                     *, days: int = 30) -> x509.Certificate:
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                                     x509.NameAttribute(NameOID.COUNTRY_NAME, "EU")]))
            .issuer_name(ca.certificate.subject).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca.private_key, hashes.SHA256()))


def seal_ca() -> CertificateAuthority:
    return make_demo_ca("Seal test CA (DEMO)", organization="s4c tests (DEMO)")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def protected_of(signature: dict) -> dict:
    return json.loads(b64url_decode(signature["protected"]))


def etsi_unsigned(signature: dict) -> list[dict]:
    """The `etsiU` members, decoded (each is base64url JSON, as in the EU samples)."""
    return [json.loads(b64url_decode(member)) for member in signature["header"]["etsiU"]]


def signature_timestamp_token(signature: dict) -> bytes:
    stamps = [m["sigTst"] for m in etsi_unsigned(signature) if "sigTst" in m]
    assert len(stamps) == 1
    return base64.b64decode(stamps[0]["tstTokens"][0]["val"])


def openssl_ts_verify(token: bytes, data: bytes, ca: x509.Certificate,
                      folder: Path) -> subprocess.CompletedProcess:
    """`openssl ts -verify`: the token's signature, its TSA certificate's chain to `ca`, the
    ESS signing-certificate attribute and its imprint over `data`, checked by OpenSSL."""
    (folder / "token.der").write_bytes(token)
    (folder / "data").write_bytes(data)
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return subprocess.run(
        ["openssl", "ts", "-verify", "-token_in", "-in", str(folder / "token.der"),
         "-data", str(folder / "data"), "-CAfile", str(folder / "ca.pem")],
        capture_output=True, text=True, timeout=60, check=False)
