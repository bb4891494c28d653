"""The QR code the holder's credential page shows at once, before any share link exists
(issue 26, item 8): the signed credential itself (`S4C1:`, checked offline) when it fits a QR
code of version 25, else its compact summary signed by the issuer (`issuer.qr_summary`),
also checked offline, which names the full credential by id and digest. The page says which
of the two it shows."""
from dataclasses import dataclass
from typing import Any

from issuer.errors import IssuerError
from issuer.service import IssuerService
from vc.qr import QRPayloadError
from verifier.qr_payload import self_contained_png
from web.holder_pages import _png_data_url

FULL = "full"
SUMMARY = "summary"


@dataclass(frozen=True)
class HolderQR:
    kind: str  # FULL or SUMMARY
    data_url: str
    version: int


def credential_qr(issuer: IssuerService, document: dict[str, Any]) -> HolderQR | None:
    """The self-contained QR of `document`, or that of its steady signed summary; None when
    neither can be made (a credential of another issuer, or one changed since issuance)."""
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
