"""A seal key in a PKCS#12 file (RFC 7292), as certification authorities deliver software
eSeal certificates: the key, its certificate and the issuing CAs, under one passphrase."""
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from issuer.seal.errors import SealConfigError
from vc.jades.seal import PrivateKeySigner, SealError

MAX_PKCS12_BYTES = 1024 * 1024


def load_pkcs12_signer(path: Path, passphrase: bytes) -> PrivateKeySigner:
    """The signer of the PKCS#12 file at `path`: its key and chain (leaf first, then the CAs
    the file holds, each issuing the one before)."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise SealConfigError(f"cannot read the seal's PKCS#12 file {path}: {e.strerror}") \
            from None
    if len(data) > MAX_PKCS12_BYTES:
        raise SealConfigError(f"{path} is larger than {MAX_PKCS12_BYTES} bytes: not a seal's "
                              "PKCS#12 file")
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:
        raise SealConfigError(f"cannot open {path}: wrong S4C_SEAL_PASSPHRASE, or not a "
                              "PKCS#12 file") from None
    if key is None or certificate is None:
        raise SealConfigError(f"{path} must hold the seal's private key and its certificate")
    try:
        return PrivateKeySigner(key, _ordered(certificate, extra))  # type: ignore[arg-type]
    except SealError as e:
        raise SealConfigError(f"{path}: {e}") from None


def _ordered(leaf: x509.Certificate, others: list[x509.Certificate]) -> list[x509.Certificate]:
    """leaf, its issuer, that one's issuer... (a PKCS#12 file keeps its CAs in any order);
    self-signed roots are left out, as x5c should (RFC 7515 §4.1.6: the anchor is the
    verifier's)."""
    chain, pool = [leaf], list(others)
    while pool:
        issuer = next((c for c in pool if c.subject == chain[-1].issuer
                       and c.subject != c.issuer), None)
        if issuer is None:
            break
        chain.append(issuer)
        pool.remove(issuer)
    return chain
