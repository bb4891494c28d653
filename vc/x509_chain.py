"""X.509 for SD-JWT VC issuer keys: a demo CA and issuer certificate, and `x5c` validation.

Why: HAIP 1.0 §6.1.1 makes X.509 the issuer key resolution every wallet supports: the
SD-JWT VC carries the issuer's certificate and its chain in the `x5c` header (RFC 7515
§4.1.6, leaf first, base64 DER), without the trust anchor and with a leaf that is not
self-signed. The verifier builds the path to one of its configured trust anchors with
`cryptography.x509.verification` (RFC 5280 path validation: signatures, validity, basic
constraints, name constraints), then reads the leaf's subjectAltName for the issuer rules.

For the demo the issuer creates its own CA (`make_demo_ca`) and an ES256 leaf with a DNS and a
URI SAN (`make_issuer_certificate`); in production the body's own certificate is used.
"""
import base64
import binascii
import datetime as dt
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)
from joserfc import jwk

from vc.codes import ErrorCode
from vc.errors import VCError

MAX_CHAIN = 5
MAX_CERT_BYTES = 16_384


class CertificateChainError(VCError):
    """An x5c chain is malformed, or does not lead to a trust anchor, or its leaf is unfit."""

    code = ErrorCode.CERTIFICATE_CHAIN


@dataclass(frozen=True)
class IssuerCertificate:
    """What an issuer signs with: its key, and `x5c` (leaf first, no trust anchor)."""

    private_key: ec.EllipticCurvePrivateKey
    chain: tuple[x509.Certificate, ...]

    @property
    def x5c(self) -> tuple[str, ...]:
        return tuple(base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                     for c in self.chain)

    @property
    def jwk(self) -> jwk.ECKey:
        return jwk.ECKey.import_key(self.private_key)


@dataclass(frozen=True)
class CertificateAuthority:
    private_key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organization: str | None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attributes)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def make_demo_ca(common_name: str = "s4c demo CA", *, organization: str | None = "s4c demo",
                 days: int = 3650) -> CertificateAuthority:
    """A self-signed P-256 root that may sign end-entity certificates only (pathLen 0)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, organization)
    start = _now() - dt.timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256()))
    return CertificateAuthority(key, certificate)


def host_name(host: str) -> x509.GeneralName:
    """The SAN entry for a URL's host: iPAddress for an IP literal, dNSName for a name
    (RFC 5280 §4.2.1.6: a dNSName is a domain name, never an IP address in text)."""
    try:
        return x509.IPAddress(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return x509.DNSName(host)


def make_issuer_certificate(ca: CertificateAuthority, *, dns_name: str, uri: str | None = None,
                            common_name: str | None = None, organization: str | None = None,
                            days: int = 365) -> IssuerCertificate:
    """An ES256 leaf for signing credentials: SAN dNSName (the issuer's host; iPAddress when
    the host is an IP literal, see `host_name`) and, when given, uniformResourceIdentifier
    (the issuer's `iss` URL), digitalSignature only."""
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [host_name(dns_name)]
    if uri is not None:
        names.append(x509.UniformResourceIdentifier(uri))
    start = _now() - dt.timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name or dns_name, organization))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca.private_key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(ca.private_key, hashes.SHA256()))
    return IssuerCertificate(key, (certificate,))


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    """Trust anchors from a PEM file (one or more certificates)."""
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError as e:
        raise CertificateChainError(f"not PEM certificates: {e}") from None


@dataclass(frozen=True)
class VerifiedChain:
    leaf: x509.Certificate
    public_key: jwk.ECKey | jwk.OKPKey
    dns_names: tuple[str, ...]
    uris: tuple[str, ...]
    anchor: x509.Certificate
    ip_addresses: tuple[str, ...] = ()  # iPAddress SANs, in Python's text form


def parse_x5c(value: object) -> list[x509.Certificate]:
    """RFC 7515 §4.1.6: a non-empty array of base64 (not base64url) DER certificates."""
    if not isinstance(value, list) or not value or len(value) > MAX_CHAIN:
        raise CertificateChainError(f"x5c must be an array of 1 to {MAX_CHAIN} certificates")
    certificates = []
    for item in value:
        if not isinstance(item, str) or len(item) > MAX_CERT_BYTES * 2:
            raise CertificateChainError("an x5c entry is not a bounded base64 string")
        try:
            der = base64.b64decode(item, validate=True)
            certificates.append(x509.load_der_x509_certificate(der))
        except (binascii.Error, ValueError) as e:
            raise CertificateChainError(f"an x5c entry is not a DER certificate: {e}") from None
    return certificates


def _policies() -> tuple[ExtensionPolicy, ExtensionPolicy]:
    """CA certificates under the Web PKI rules; the leaf needs no TLS extended key usage (it
    signs credentials, not TLS), but a SAN, and digitalSignature when it says how it may be
    used."""
    ee = (ExtensionPolicy.permit_all()
          .require_present(x509.SubjectAlternativeName, Criticality.AGNOSTIC, None)
          .may_be_present(x509.KeyUsage, Criticality.AGNOSTIC, _signing_key_usage)
          .may_be_present(x509.BasicConstraints, Criticality.AGNOSTIC, _not_a_ca))
    return ExtensionPolicy.webpki_defaults_ca(), ee


def _signing_key_usage(policy: object, certificate: x509.Certificate,
                       usage: x509.KeyUsage | None) -> None:
    if usage is not None and not usage.digital_signature:
        raise ValueError("the issuer certificate's key usage does not allow digitalSignature")


def _not_a_ca(policy: object, certificate: x509.Certificate,
              constraints: x509.BasicConstraints | None) -> None:
    if constraints is not None and constraints.ca:
        raise ValueError("the issuer certificate is a CA certificate")


def verify_x5c(x5c: object, anchors: Sequence[x509.Certificate],
               at: dt.datetime | None = None) -> VerifiedChain:
    """The path from the x5c leaf to one of `anchors`, valid at `at` (default now)."""
    if not anchors:
        raise CertificateChainError("no X.509 trust anchors are configured")
    chain = parse_x5c(x5c)
    leaf, intermediates = chain[0], chain[1:]
    if leaf.issuer == leaf.subject:
        raise CertificateChainError("the x5c leaf is self-signed (HAIP 1.0 §6.1.1 forbids it)")
    anchor_der = {a.public_bytes(serialization.Encoding.DER) for a in anchors}
    if any(c.public_bytes(serialization.Encoding.DER) in anchor_der for c in chain):
        raise CertificateChainError("x5c includes the trust anchor (HAIP 1.0 §6.1.1 forbids "
                                    "it)")
    ca_policy, ee_policy = _policies()
    builder = (PolicyBuilder().store(Store(list(anchors))).max_chain_depth(MAX_CHAIN)
               .time(at or _now()).extension_policies(ca_policy=ca_policy, ee_policy=ee_policy))
    try:
        verified = builder.build_client_verifier().verify(leaf, intermediates)
    except VerificationError as e:
        raise CertificateChainError(f"the x5c chain does not lead to a trusted anchor: "
                                    f"{e}") from None
    key = leaf.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise CertificateChainError("the x5c leaf key is not a P-256 key (ES256, HAIP 1.0)")
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return VerifiedChain(leaf, jwk.ECKey.import_key(key),
                         tuple(san.get_values_for_type(x509.DNSName)),
                         tuple(san.get_values_for_type(x509.UniformResourceIdentifier)),
                         verified.chain[-1],
                         tuple(str(a) for a in san.get_values_for_type(x509.IPAddress)))


def anchors_from(certificates: Iterable[x509.Certificate | bytes]) -> list[x509.Certificate]:
    """Trust anchors given as certificates or PEM bytes."""
    out: list[x509.Certificate] = []
    for c in certificates:
        out.extend(load_certificates(c) if isinstance(c, bytes) else [c])
    return out
