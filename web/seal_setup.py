"""The body's PDF seal and the verifier's seal anchors, built once from `SealSettings`."""
import threading
from pathlib import Path

from cryptography import x509

from issuer.pdf_seal import PdfSeal, http_timestamper, pkcs11_signer, pkcs12_signer
from issuer.seal_demo import ensure_demo_seal
from web.seal_settings import SealSettings

MAX_ANCHORS = 500
MAX_ANCHOR_BYTES = 64 * 1024


def pdf_seal_for(seal: SealSettings, data_dir: Path, body_name: str,
                 key_passphrase: str | None) -> PdfSeal:
    """The body's PDF seal as configured, else the data directory's DEMO seal."""
    timestamper = http_timestamper(seal.tsa_url) if seal.tsa_url else None
    if seal.pkcs11_module:
        signer = pkcs11_signer(seal.pkcs11_module, seal.token_label or "",
                               seal.key_label or "", seal.pin)
        return PdfSeal(signer, timestamper, body_name)
    if seal.pkcs12:
        return PdfSeal(pkcs12_signer(Path(seal.pkcs12), seal.passphrase), timestamper,
                       body_name)
    demo = ensure_demo_seal(data_dir, body_name, key_passphrase or "s4c DEMO seal")
    return PdfSeal(pkcs12_signer(demo.pkcs12_path, demo.passphrase),
                   timestamper or demo.timestamper(), body_name)


def seal_anchors(seal: SealSettings) -> tuple[x509.Certificate, ...]:
    """The CA certificates of S4C_SEAL_ANCHORS_DIR (none when unset)."""
    if not seal.anchors_dir:
        return ()
    folder = Path(seal.anchors_dir)
    if not folder.is_dir():
        raise ValueError(f"S4C_SEAL_ANCHORS_DIR {folder} is not a folder")
    found = []
    for path in sorted(folder.iterdir())[:MAX_ANCHORS]:
        if not path.is_file() or path.stat().st_size > MAX_ANCHOR_BYTES:
            continue
        data = path.read_bytes()
        try:
            found += x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data \
                else [x509.load_der_x509_certificate(data)]
        except ValueError as e:
            raise ValueError(f"S4C_SEAL_ANCHORS_DIR: {path.name} is not a certificate: {e}") \
                from None
    return tuple(found)


class BodySeal:
    """The body's PDF seal, built once in `create_app`; its key is opened on first use (a
    token login, or the DEMO seal made in the data directory) and kept for the process."""

    def __init__(self, seal: SealSettings, data_dir: Path, body_name: str,
                 key_passphrase: str | None) -> None:
        self._args = (seal, data_dir, body_name, key_passphrase)
        self._seal: PdfSeal | None = None
        self._lock = threading.Lock()

    def get(self) -> PdfSeal:
        with self._lock:
            if self._seal is None:
                self._seal = pdf_seal_for(*self._args)
            return self._seal
