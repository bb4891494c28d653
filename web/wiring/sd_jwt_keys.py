"""The key the issuer signs SD-JWT VCs and Token Status Lists with: ES256 with an `x5c`
chain, as HAIP 1.0 asks of credential issuers.

In production the body's own key and certificate chain are given (S4C_SD_JWT_KEY: a PEM
private key, encrypted under the key passphrase or not; S4C_SD_JWT_CHAIN: the PEM chain,
leaf first, without the root). Otherwise, for the demo, `<data_dir>/sd-jwt/` holds a key and
a leaf certificate from a demo CA made once for this data directory; verifiers trust the
demo CA's certificate (`ca.pem`), and nothing else, as its anchor.
"""
import base64
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from joserfc import jwk

from vc.jose import JwsSigner
from vc.x509_chain import load_certificates, make_demo_ca, make_issuer_certificate
from web.wiring.datadir import key_passphrase
from web.wiring.settings import Settings

DIR = "sd-jwt"


@dataclass(frozen=True)
class SdJwtIssuerKey:
    signer: JwsSigner
    anchors: tuple[x509.Certificate, ...]  # what verifiers here trust the chain to


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _create_demo(folder: Path, settings: Settings, passphrase: bytes) -> None:
    ca = make_demo_ca(f"{settings.issuer_name} demo CA (DEMO)")
    host = urlsplit(settings.public_url).hostname or "localhost"
    leaf = make_issuer_certificate(ca, dns_name=host, uri=settings.public_url,
                                   common_name=settings.issuer_name)
    _write(folder / "key.pem", leaf.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase)))
    _write(folder / "chain.pem", b"".join(
        c.public_bytes(serialization.Encoding.PEM) for c in leaf.chain))
    _write(folder / "ca.pem", ca.pem())


def sd_jwt_issuer_key(settings: Settings) -> SdJwtIssuerKey:
    """The configured key and chain, or this data directory's demo ones (made on first use,
    under a lock, so that two workers starting together make one)."""
    passphrase = key_passphrase(settings)
    if settings.sd_jwt_key:
        if not settings.sd_jwt_chain:
            raise ValueError("S4C_SD_JWT_KEY is set without S4C_SD_JWT_CHAIN: give the "
                             "certificate chain of the key too (PEM, leaf first)")
        key_pem = Path(settings.sd_jwt_key).read_bytes()
        chain = load_certificates(Path(settings.sd_jwt_chain).read_bytes())
        anchors: tuple[x509.Certificate, ...] = ()
    else:
        folder = settings.data_dir / DIR
        folder.mkdir(mode=0o700, exist_ok=True)
        with open(folder / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / "key.pem").exists():
                _create_demo(folder, settings, passphrase)
        key_pem = (folder / "key.pem").read_bytes()
        chain = load_certificates((folder / "chain.pem").read_bytes())
        anchors = tuple(load_certificates((folder / "ca.pem").read_bytes()))
    try:
        private = serialization.load_pem_private_key(key_pem, passphrase)
    except TypeError:  # a key given unencrypted
        private = serialization.load_pem_private_key(key_pem, None)
    x5c = tuple(c.public_bytes(serialization.Encoding.DER) for c in chain)
    signer = JwsSigner(jwk.ECKey.import_key(private),  # type: ignore[arg-type]
                       x5c=tuple(base64.b64encode(c).decode() for c in x5c))
    return SdJwtIssuerKey(signer, anchors)
