"""The trust anchors a deployment holds for seals: a folder of CA certificates
(S4C_SEAL_ANCHORS_DIR), or an ETSI TS 119 612 trusted list (S4C_TRUSTED_LIST: a national list,
or the EU's list of trusted lists with the national lists it points to beside it), read
offline (`vc.jades.trusted_list`). Anchors are read once, at start, never fetched."""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.verification import Store

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
    # paths already validated: the chain's DERs -> (anchor, the window in which every
    # certificate of the path is valid); a path's validity depends on the time only through
    # those dates (no revocation is checked), so one seal certificate is validated once
    paths: dict[tuple[bytes, ...], tuple[x509.Certificate, datetime, datetime]] = field(
        default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for anchor in self.anchors:
            self._by_der.setdefault(
                anchor.certificate.public_bytes(serialization.Encoding.DER), anchor)

    @cached_property
    def certificates(self) -> list[x509.Certificate]:
        return [a.certificate for a in self.anchors]

    @cached_property
    def store(self) -> Store:
        return Store(self.certificates)

    @cached_property
    def subjects(self) -> set[x509.Name]:
        return {a.certificate.subject for a in self.anchors}

    def holds(self, der: bytes) -> bool:
        return der in self._by_der

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
