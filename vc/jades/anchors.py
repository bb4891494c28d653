"""The trust anchors a deployment holds for seals: a folder of CA certificates
(S4C_SEAL_ANCHORS_DIR), or an ETSI TS 119 612 trusted list (S4C_TRUSTED_LIST: a national list,
or the EU's list of trusted lists with the national lists it points to beside it), read
offline (`vc.jades.trusted_list`). Anchors are read once, at start, never fetched."""
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

MAX_ANCHOR_FILES = 1000
MAX_ANCHOR_BYTES = 1024 * 1024
CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".der")


class AnchorsError(ValueError):
    """The configured anchors cannot be read (an operator's mistake: said at start)."""


@dataclass(frozen=True)
class TrustAnchor:
    certificate: x509.Certificate
    source: str  # where it came from: a file name, or a trusted list's territory and service
    # what a trusted list says this CA issues as qualified certificates (TS 119 612 §5.5.1
    # CA/QC, status granted; §5.5.9.4 ForeSignatures/ForeSeals/ForWebSiteAuthentication);
    # "timestamp" for a qualified time-stamping service (TSA/QTST); empty: no trusted list
    # vouches for it (a folder anchor)
    qualified_for: frozenset[str] = frozenset()
    territory: str | None = None


@dataclass(frozen=True)
class SealAnchors:
    anchors: tuple[TrustAnchor, ...] = ()
    kind: str = "none"  # none | folder | trusted-list
    # for a trusted list: whether its XML signature was checked (None: not a list)
    list_signature_checked: bool | None = None
    _by_der: dict[bytes, TrustAnchor] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for anchor in self.anchors:
            self._by_der.setdefault(
                anchor.certificate.public_bytes(serialization.Encoding.DER), anchor)

    @property
    def certificates(self) -> list[x509.Certificate]:
        return [a.certificate for a in self.anchors]

    def anchor_for(self, certificate: x509.Certificate) -> TrustAnchor | None:
        return self._by_der.get(certificate.public_bytes(serialization.Encoding.DER))


def read_certificates(data: bytes) -> list[x509.Certificate]:
    """PEM (one or more) or DER; AnchorsError when neither."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as e:
        raise AnchorsError(f"not a certificate: {e}") from None


def anchors_from_folder(folder: Path) -> SealAnchors:
    """Every certificate file (.pem, .crt, .cer, .der) in `folder` is an anchor."""
    if not folder.is_dir():
        raise AnchorsError(f"{folder} is not a folder")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in CERTIFICATE_SUFFIXES)
    if len(files) > MAX_ANCHOR_FILES:
        raise AnchorsError(f"{folder} holds more than {MAX_ANCHOR_FILES} certificate files")
    anchors: list[TrustAnchor] = []
    for path in files:
        if path.stat().st_size > MAX_ANCHOR_BYTES:
            raise AnchorsError(f"{path} is larger than {MAX_ANCHOR_BYTES} bytes")
        try:
            certificates = read_certificates(path.read_bytes())
        except AnchorsError as e:
            raise AnchorsError(f"{path}: {e}") from None
        anchors.extend(TrustAnchor(c, path.name) for c in certificates)
    return SealAnchors(tuple(anchors), "folder")


def anchors_of(anchors: Iterable[x509.Certificate]) -> SealAnchors:
    """Anchors given directly (tests, embedding)."""
    return SealAnchors(tuple(TrustAnchor(c, "given") for c in anchors), "folder")


def load_anchors(folder: str | None, trusted_list: str | None) -> SealAnchors:
    """The deployment's anchors from its settings: both sources may be given together."""
    from vc.jades.trusted_list import anchors_from_trusted_list

    parts: list[SealAnchors] = []
    if folder:
        parts.append(anchors_from_folder(Path(folder)))
    if trusted_list:
        parts.append(anchors_from_trusted_list(Path(trusted_list)))
    if not parts:
        return SealAnchors()
    if len(parts) == 1:
        return parts[0]
    return SealAnchors(parts[0].anchors + parts[1].anchors, "trusted-list",
                       parts[1].list_signature_checked)
