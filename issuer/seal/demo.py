"""The demo seal and the demo TSA of a data directory, so `make run` seals with no setup.

`<data_dir>/seal/` holds, made once (by `s4c init`, or on first use under a lock):
- `seal.p12`: the seal's RSA key (RS256, as the EU samples) and its certificate from a
  self-made CA, "<body> eSeal (DEMO)", encrypted under the data directory's key passphrase;
- `tsa.pem`, `tsa-key.pem`: the demo TSA's certificate (critical EKU timeStamping) from its
  own CA, and its key (encrypted likewise);
- `anchors/seal-ca.pem`, `anchors/tsa-ca.pem`: the two demo CAs, alone in a folder a
  verifier can be given as its anchors (S4C_SEAL_ANCHORS_DIR) to trust the demo seal.
Every subject says DEMO, and no verifier trusts these CAs unless it is given them.
"""
import datetime as dt
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from issuer.seal.errors import SealConfigError
from issuer.seal.pkcs12 import load_pkcs12_signer
from vc.jades.seal import PrivateKeySigner
from vc.tsa import TimeStampAuthority, make_tsa_certificate
from vc.x509_chain import CertificateAuthority, load_certificates, make_demo_ca

DIR = "seal"
ANCHORS = "anchors"
DEMO_MARK = "(DEMO)"
SEAL_DAYS = 825
OID_ORGANIZATION_IDENTIFIER = x509.ObjectIdentifier("2.5.4.97")  # ETSI EN 319 412-1 §5.1.4


@dataclass(frozen=True)
class DemoSealFiles:
    folder: Path

    @property
    def seal_p12(self) -> Path:
        return self.folder / "seal.p12"

    @property
    def anchors(self) -> Path:
        return self.folder / ANCHORS

    @property
    def seal_ca(self) -> x509.Certificate:
        return load_certificates((self.anchors / "seal-ca.pem").read_bytes())[0]

    @property
    def tsa_ca(self) -> x509.Certificate:
        return load_certificates((self.anchors / "tsa-ca.pem").read_bytes())[0]


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def demo_seal_certificate(ca: CertificateAuthority, public_key: rsa.RSAPublicKey,
                          issuer_name: str, legal_identifier: str = "NTREU-DEMO",
                          country: str = "EU") -> x509.Certificate:
    """A seal certificate (ETSI EN 319 412-3 shape: organisation name and identifier, no
    person) marked DEMO, non-repudiation and digital signature, for `public_key`. Its
    organizationIdentifier is the body's eIDAS legal identifier, the one its EDCs name
    (`eidasLegalIdentifier`), so a verifier can match the sealer to the awarding body."""
    name = issuer_name if DEMO_MARK in issuer_name else f"{issuer_name} {DEMO_MARK}"
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f"{name[:40]} eSeal {DEMO_MARK}"[:64]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, name[:64]),
        x509.NameAttribute(OID_ORGANIZATION_IDENTIFIER, legal_identifier),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "DEMO seal: not for real use"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, country),
    ])
    return (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca.certificate.subject)
        .public_key(public_key).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=SEAL_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca.private_key.public_key()), critical=False)
        .sign(ca.private_key, hashes.SHA256()))


def _create(folder: Path, issuer_name: str, passphrase: bytes, legal_identifier: str,
            country: str) -> None:
    encryption = serialization.BestAvailableEncryption(passphrase)
    seal_ca = make_demo_ca(f"s4c demo seal CA {DEMO_MARK}", organization=f"s4c {DEMO_MARK}")
    key = rsa.generate_private_key(65537, 2048)
    certificate = demo_seal_certificate(seal_ca, key.public_key(), issuer_name, legal_identifier,
                                        country)
    tsa_ca = make_demo_ca(f"s4c demo TSA CA {DEMO_MARK}", organization=f"s4c {DEMO_MARK}")
    tsa_key, tsa_certificate = make_tsa_certificate(tsa_ca, f"s4c demo TSA {DEMO_MARK}")
    (folder / ANCHORS).mkdir(mode=0o755, exist_ok=True)  # public certificates only
    _write(folder / ANCHORS / "seal-ca.pem", _pem(seal_ca.certificate))
    _write(folder / ANCHORS / "tsa-ca.pem", _pem(tsa_ca.certificate))
    _write(folder / "tsa.pem", _pem(tsa_certificate))
    _write(folder / "tsa-key.pem", tsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    # written last: its presence says the folder is complete
    _write(folder / "seal.p12", pkcs12.serialize_key_and_certificates(
        b"s4c demo seal", key, certificate, None, encryption))


def ensure_demo_seal(data_dir: Path, issuer_name: str, passphrase: bytes,
                     legal_identifier: str = "NTREU-DEMO", country: str = "EU") -> DemoSealFiles:
    """The demo seal files of `data_dir`, made when missing (one maker among workers)."""
    folder = Path(data_dir) / DIR
    files = DemoSealFiles(folder)
    if files.seal_p12.exists():
        return files
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not files.seal_p12.exists():
            _create(folder, issuer_name, passphrase, legal_identifier, country)
    return files


def demo_signer(files: DemoSealFiles, passphrase: bytes) -> PrivateKeySigner:
    return load_pkcs12_signer(files.seal_p12, passphrase)


def demo_tsa(files: DemoSealFiles, passphrase: bytes) -> TimeStampAuthority:
    key = serialization.load_pem_private_key((files.folder / "tsa-key.pem").read_bytes(),
                                             passphrase)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SealConfigError(f"{files.folder / 'tsa-key.pem'} is not the demo TSA's key")
    certificate = load_certificates((files.folder / "tsa.pem").read_bytes())[0]
    return TimeStampAuthority(key, certificate)
