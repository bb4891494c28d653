"""A DEMO seal so `make run` seals PDF certificates with no setup: a self-made CA, a seal
certificate for the body and a time-stamping certificate, every name marked DEMO, made once in
the data directory. A real body uses its qualified seal (S4C_SEAL_PKCS12 or a PKCS#11 token)
and a real TSA (S4C_TSA_URL); a verifier trusts this CA only if told to (its anchors folder).
"""
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

DEMO_FOLDER = "seal-demo"
CA_FILE, SEAL_FILE, TSA_CERT_FILE, TSA_KEY_FILE = "ca.pem", "seal.p12", "tsa.pem", "tsa-key.pem"
DEMO_YEARS = 10


@dataclass(frozen=True)
class DemoSeal:
    folder: Path
    passphrase: str

    @property
    def ca_path(self) -> Path:
        return self.folder / CA_FILE

    @property
    def pkcs12_path(self) -> Path:
        return self.folder / SEAL_FILE

    def timestamper(self) -> DummyTimeStamper:
        """An in-process RFC 3161 responder with the DEMO TSA certificate (tests and
        `make run`; production asks the TSA at S4C_TSA_URL)."""
        cert = x509.load_pem_x509_certificate((self.folder / TSA_CERT_FILE).read_bytes())
        key = serialization.load_pem_private_key(
            (self.folder / TSA_KEY_FILE).read_bytes(), password=self.passphrase.encode())
        return DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())))


def _name(common_name: str, country: str = "EU") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, country),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "s4c DEMO"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: x509.Name, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey, issuer: x509.Name,
                 issuer_key: ec.EllipticCurvePrivateKey, *, ca: bool,
                 usage: x509.ObjectIdentifier | None = None) -> x509.Certificate:
    now = datetime.now(UTC) - timedelta(minutes=5)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now).not_valid_after(now + timedelta(days=365 * DEMO_YEARS))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False)
               .add_extension(x509.KeyUsage(
                   digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                   data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                   crl_sign=ca, encipher_only=False, decipher_only=False), critical=True))
    if not ca:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer_key.public_key()), critical=False)
    if usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def ensure_demo_seal(data_dir: Path, body_name: str, passphrase: str) -> DemoSeal:
    """The data directory's DEMO seal, made on first use (files readable by the owner only)."""
    folder = data_dir / DEMO_FOLDER
    demo = DemoSeal(folder, passphrase)
    if demo.pkcs12_path.is_file():
        return demo
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("s4c DEMO seal CA (not trusted anywhere)")
    ca = _certificate(ca_name, ca_key, ca_name, ca_key, ca=True)
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal = _certificate(_name(f"{body_name[:50]} DEMO seal"), seal_key, ca_name, ca_key,
                        ca=False)
    # pyhanko's in-process responder signs with RSA only
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = _certificate(_name("s4c DEMO time-stamping authority"), tsa_key, ca_name, ca_key,
                       ca=False, usage=ExtendedKeyUsageOID.TIME_STAMPING)
    secret = serialization.BestAvailableEncryption(passphrase.encode())
    _write(folder / CA_FILE, ca.public_bytes(serialization.Encoding.PEM))
    _write(folder / TSA_CERT_FILE, tsa.public_bytes(serialization.Encoding.PEM))
    _write(folder / TSA_KEY_FILE, tsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, secret))
    # written last: its presence means the demo seal is complete
    _write(folder / SEAL_FILE, pkcs12.serialize_key_and_certificates(
        b"s4c DEMO seal", seal_key, seal, [ca], secret))
    return demo


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
