"""The QR code the holder's credential page shows at once, before any share link exists
: the signed credential itself (`S4C1:`, checked offline) when it fits a QR
code of version 25, else its compact summary signed by the issuer (`issuer.qr_summary`),
also checked offline, which names the full credential by id and digest. The page says which
of the two it shows."""
import threading
from dataclasses import dataclass
from typing import Any

from issuer.errors import IssuerError
from issuer.service import IssuerService
from vc.qr import QRPayloadError
from verifier.qr_payload import self_contained_png
from web.holder.pages import _png_data_url

FULL = "full"
SUMMARY = "summary"


@dataclass(frozen=True)
class HolderQR:
    kind: str  # FULL or SUMMARY
    data_url: str
    version: int


_MADE: dict[tuple[str, str, str], HolderQR | None] = {}
_KEPT = 512  # QR codes kept per process (a few kilobytes each)
_LOCK = threading.Lock()  # a threaded server's requests share them


def credential_qr(issuer: IssuerService, document: dict[str, Any]) -> HolderQR | None:
    """The self-contained QR of `document`, or that of its steady signed summary; None when
    neither can be made (a credential of another issuer, or one changed since issuance).
    The same credential and key always give the same QR code: it is made once per process
    (signing and encoding at every visit would slow the page)."""
    proof = document.get("proof")
    key = (str(document.get("id")),
           str(proof.get("proofValue")) if isinstance(proof, dict) else "",
           issuer.signer.active()[0])
    with _LOCK:
        if key in _MADE:
            return _MADE[key]
    made = _make(issuer, document)
    with _LOCK:
        if len(_MADE) >= _KEPT:
            _MADE.pop(next(iter(_MADE)))
        _MADE[key] = made
    return made


def _make(issuer: IssuerService, document: dict[str, Any]) -> HolderQR | None:
    try:
        png, version = self_contained_png(document)
        return HolderQR(FULL, _png_data_url(png), version)
    except (QRPayloadError, ValueError):
        pass  # too large for version 25: the signed summary is
    try:
        png, version = self_contained_png(issuer.steady_summary(document, actor="holder"))
    except (IssuerError, QRPayloadError, ValueError):
        return None
    return HolderQR(SUMMARY, _png_data_url(png), version)
