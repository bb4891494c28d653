"""The seal certificate: who it names (the sealer), what it says of itself (QcStatements,
ETSI EN 319 412-5), its validity at a given time, and its path to a trust anchor (RFC 5280
§6, with `cryptography.x509.verification`)."""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import core
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID, ObjectIdentifier
from cryptography.x509.verification import (
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

MAX_PATH = 6
QC_STATEMENTS = ObjectIdentifier("1.3.6.1.5.5.7.1.3")
# EN 319 412-5 §4.2.1 QcCompliance, §4.2.2 QcSSCD, §4.2.3 QcType and its three types
QC_COMPLIANCE = "0.4.0.1862.1.1"
QC_SSCD = "0.4.0.1862.1.4"
QC_TYPE = "0.4.0.1862.1.6"
QC_TYPES = {"0.4.0.1862.1.6.1": "esign", "0.4.0.1862.1.6.2": "eseal",
            "0.4.0.1862.1.6.3": "web"}


class SealChainError(ValueError):
    """The certificate does not lead to a trust anchor held here (`anchored` False: none of
    the anchors is its CA; True: one is, but the path does not validate)."""

    def __init__(self, detail: str, *, anchored: bool) -> None:
        super().__init__(detail)
        self.anchored = anchored


@dataclass(frozen=True)
class Sealer:
    """Who a seal certificate names (EN 319 412-3 §4.2: legal persons)."""

    organization: str | None
    common_name: str | None
    country: str | None
    organization_identifier: str | None  # e.g. VATES-A00000000 (EN 319 412-1 §5.1.4)
    issuer: str  # the CA, as named in the certificate
    not_before: datetime
    not_after: datetime
    serial_number: str

    def to_json(self) -> dict[str, str | None]:
        return {"organization": self.organization, "commonName": self.common_name,
                "country": self.country, "organizationIdentifier": self.organization_identifier,
                "issuer": self.issuer, "notBefore": self.not_before.isoformat(),
                "notAfter": self.not_after.isoformat(), "serialNumber": self.serial_number}


@dataclass(frozen=True)
class QcInfo:
    """What the certificate's QcStatements claim (EN 319 412-5 §4.2)."""

    compliance: bool  # an EU qualified certificate
    types: frozenset[str]  # esign, eseal, web (absent: esign, EN 319 412-5 §4.2.3)
    sscd: bool  # the key is in a qualified signature/seal creation device

    @property
    def qualified_eseal(self) -> bool:
        return self.compliance and "eseal" in self.types


def _attribute(name: x509.Name, oid: ObjectIdentifier) -> str | None:
    found = name.get_attributes_for_oid(oid)
    return str(found[0].value) if found else None


def sealer_of(certificate: x509.Certificate) -> Sealer:
    subject = certificate.subject
    issuer = _attribute(certificate.issuer, NameOID.COMMON_NAME) or \
        _attribute(certificate.issuer, NameOID.ORGANIZATION_NAME) or \
        certificate.issuer.rfc4514_string()
    return Sealer(_attribute(subject, NameOID.ORGANIZATION_NAME),
                  _attribute(subject, NameOID.COMMON_NAME),
                  _attribute(subject, NameOID.COUNTRY_NAME),
                  _attribute(subject, NameOID.ORGANIZATION_IDENTIFIER), issuer,
                  certificate.not_valid_before_utc, certificate.not_valid_after_utc,
                  format(certificate.serial_number, "X"))


class _QcStatement(core.Sequence):  # type: ignore[misc]  # EN 319 412-5 §4.1, RFC 3739
    _fields = [("statement_id", core.ObjectIdentifier),  # noqa: RUF012 - asn1crypto's spec
               ("statement_info", core.Any, {"optional": True})]


class _QcStatements(core.SequenceOf):  # type: ignore[misc]
    _child_spec = _QcStatement


class _QcTypes(core.SequenceOf):  # type: ignore[misc]
    _child_spec = core.ObjectIdentifier


def qc_info(certificate: x509.Certificate) -> QcInfo:
    """The QcStatements extension read leniently: an unreadable one claims nothing."""
    try:
        value = certificate.extensions.get_extension_for_oid(QC_STATEMENTS).value
    except (x509.ExtensionNotFound, ValueError):  # absent, or extensions that do not parse
        return QcInfo(False, frozenset(), False)
    der = value.value if isinstance(value, x509.UnrecognizedExtension) else b""
    statements: dict[str, core.Any | None] = {}
    types: set[str] = set()
    try:
        for statement in _QcStatements.load(der):
            info = statement["statement_info"]
            statements[statement["statement_id"].dotted] = None if isinstance(
                info, core.Void) else info
        info = statements.get(QC_TYPE)
        if info is not None:
            types = {QC_TYPES.get(oid.dotted, oid.dotted)
                     for oid in _QcTypes.load(info.dump())}
    except (ValueError, TypeError, KeyError, IndexError):
        return QcInfo(False, frozenset(), False)
    if QC_TYPE not in statements and QC_COMPLIANCE in statements:
        types.add("esign")  # EN 319 412-5 §4.2.3: no QcType means a signature certificate
    return QcInfo(QC_COMPLIANCE in statements, frozenset(types), QC_SSCD in statements)


def certificate_digest(certificate: x509.Certificate) -> bytes:
    """SHA-256 of the DER (x5t#S256, RFC 7515 §4.1.8)."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).digest()


def _seal_usage(policy: object, certificate: x509.Certificate,
                usage: x509.KeyUsage | None) -> None:
    # EN 319 412-2 §4.3.2: a seal key signs (digitalSignature and/or nonRepudiation)
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise ValueError("the seal certificate's key usage allows no signing")


def _not_a_ca(policy: object, certificate: x509.Certificate,
              constraints: x509.BasicConstraints | None) -> None:
    if constraints is not None and constraints.ca:
        raise ValueError("the seal certificate is a CA certificate")


def _leaf_policy() -> ExtensionPolicy:
    """A seal certificate has no TLS extended key usage nor a DNS name: only the RFC 5280
    rules and a signing key usage apply to it (the CAs keep the Web PKI rules)."""
    return (ExtensionPolicy.permit_all()
            .may_be_present(x509.KeyUsage, x509.verification.Criticality.AGNOSTIC,
                            _seal_usage)
            .may_be_present(x509.BasicConstraints, x509.verification.Criticality.AGNOSTIC,
                            _not_a_ca))


def verify_path(chain: list[x509.Certificate], anchors: list[x509.Certificate],
                at: datetime) -> x509.Certificate:
    """The anchor that `chain` (leaf first) leads to, every certificate valid at `at`;
    SealChainError when none does."""
    top = chain[-1]
    names = {a.subject for a in anchors}
    anchor_der = {a.public_bytes(serialization.Encoding.DER) for a in anchors}
    if top.public_bytes(serialization.Encoding.DER) in anchor_der:
        chain = chain[:-1]  # the sender included the anchor itself: it proves nothing more
        if not chain:
            raise SealChainError("the seal certificate is itself a trust anchor, not a seal "
                                 "certificate", anchored=True)
        top = chain[-1]
    if top.issuer not in names and not any(c.issuer in names for c in chain):
        raise SealChainError("its CA is not among the trust anchors held", anchored=False)
    builder = (PolicyBuilder().store(Store(anchors)).time(at).max_chain_depth(MAX_PATH)
               .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(),
                                   ee_policy=_leaf_policy()))
    try:
        verified = builder.build_client_verifier().verify(chain[0], chain[1:])
    except (VerificationError, ValueError, UnsupportedAlgorithm) as e:
        raise SealChainError(str(e), anchored=True) from None
    return verified.chain[-1]


def display_name(certificate: x509.Certificate) -> str:
    """How a CA is shown: its common name, else its organisation, else its full name."""
    return _attribute(certificate.subject, NameOID.COMMON_NAME) or \
        _attribute(certificate.subject, NameOID.ORGANIZATION_NAME) or \
        certificate.subject.rfc4514_string()

