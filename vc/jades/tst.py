"""RFC 3161 time-stamp tokens as JAdES carries them (ETSI TS 119 182-1 §5.3.4: `tstTokens`,
each `{"val": base64 DER}`): the token's own CMS signature (RFC 5652 §5.4, §5.6), the ESS
signing certificate it names (RFC 5035), and its message imprint over the bytes it must cover.

A token is a stranger's DER, read with asn1crypto inside bounds; every way it fails is a
`TimestampError` (the token is altered or malformed), never an exception from the parser.
The TSA's certificate is taken from the token's own certificate bag; whether that TSA is one
the deployment trusts is a separate question (`vc.jades.certs`)."""
import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from asn1crypto import cms, tsp
from asn1crypto import x509 as ax
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

MAX_TOKEN_BYTES = 64 * 1024
MAX_TOKEN_CERTIFICATES = 8
_DIGESTS: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class TimestampError(ValueError):
    """The token is malformed, or its own signature does not verify (it was altered)."""


@dataclass(frozen=True)
class TimeStampToken:
    gen_time: datetime  # RFC 3161 §2.4.2 genTime: when the TSA says the imprint existed
    imprint_algorithm: str
    imprint: bytes
    tsa_certificate: x509.Certificate
    certificates: tuple[x509.Certificate, ...]  # the token's bag, the TSA's first

    def covers(self, data: bytes) -> bool:
        """Its message imprint is the digest of `data` (RFC 3161 §2.4.2 messageImprint)."""
        digest = hashlib.new(self.imprint_algorithm, data).digest()
        return digest == self.imprint

    @property
    def tsa_name(self) -> str:
        names = self.tsa_certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.tsa_certificate.subject.rfc4514_string()


def read_token(der: bytes) -> TimeStampToken:
    """The token in `der`, its CMS signature verified; TimestampError when not."""
    if len(der) > MAX_TOKEN_BYTES:
        raise TimestampError("the time-stamp token is too large")
    try:
        return _read(der)
    except TimestampError:
        raise
    except Exception as e:  # noqa: BLE001 - any failure on a stranger's DER is a bad token
        raise TimestampError(f"the time-stamp token cannot be read: {type(e).__name__}: "
                             f"{str(e)[:200]}") from None


def _read(der: bytes) -> TimeStampToken:
    info = cms.ContentInfo.load(der, strict=True)
    if info["content_type"].native != "signed_data":
        raise TimestampError("the time-stamp token is not CMS SignedData")
    signed = info["content"]
    # RFC 5652 §5.1: version 3 when eContentType is not id-data; RFC 3161 §2.4.2: one signer
    if signed["version"].native != "v3" or len(signed["signer_infos"]) != 1:
        raise TimestampError("the time-stamp token is not a v3 SignedData with one signer")
    encap = signed["encap_content_info"]
    if encap["content_type"].native != "tst_info":
        raise TimestampError("the token does not hold a TSTInfo")
    content = encap["content"].contents  # the eContent octets (RFC 5652 §5.4 digests them)
    tst_info = tsp.TSTInfo.load(content, strict=True)
    signer = signed["signer_infos"][0]
    attrs = signer["signed_attrs"]
    # the DER as received, taken before any value is read (asn1crypto re-encodes after)
    signed_attrs_der = b"\x31" + attrs.dump()[1:] if attrs else b""  # RFC 5652 §5.4: SET OF
    digest_name = signer["digest_algorithm"]["algorithm"].native
    if digest_name not in _DIGESTS:
        raise TimestampError(f"the token's digest algorithm {digest_name} is not accepted")
    if digest_name not in {a["algorithm"].native for a in signed["digest_algorithms"]}:
        raise TimestampError("the signer's digest algorithm is not among the token's")
    certificates = _bag(signed)
    tsa = _signer_certificate(signer, certificates)
    if not attrs:
        raise TimestampError("the token has no signed attributes (RFC 3161 §2.4.1)")
    values = {a["type"].native: a["values"] for a in attrs}
    if len(values) != len(attrs):
        raise TimestampError("a signed attribute is repeated")
    if values.get("content_type") is None or values["content_type"][0].native != "tst_info":
        raise TimestampError("the signed content type is not TSTInfo")
    message_digest = values.get("message_digest")
    if message_digest is None or message_digest[0].native != hashlib.new(
            digest_name, content).digest():
        raise TimestampError("the token's TSTInfo does not match its signed digest")
    _check_ess(values, tsa)
    _verify(tsa, signer, signed_attrs_der, digest_name)
    _check_bag(certificates, tsa)
    imprint = tst_info["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"].native
    if algorithm not in _DIGESTS:
        raise TimestampError(f"the imprint algorithm {algorithm} is not accepted")
    gen_time = tst_info["gen_time"].native
    tsa_cert = x509.load_der_x509_certificate(tsa.dump())
    if not tsa_cert.not_valid_before_utc <= gen_time <= tsa_cert.not_valid_after_utc:
        raise TimestampError("the token was made outside its TSA certificate's validity")
    return TimeStampToken(gen_time, algorithm, imprint["hashed_message"].native, tsa_cert,
                          (tsa_cert, *(x509.load_der_x509_certificate(c.dump())
                                       for c in certificates if c is not tsa)))


def _bag(signed: cms.SignedData) -> list[ax.Certificate]:
    bag = signed["certificates"]
    found = [c.chosen for c in bag if c.name == "certificate"] if bag else []
    if bag and len(found) != len(bag) or len(found) > MAX_TOKEN_CERTIFICATES:
        raise TimestampError("the token's certificates are not plain X.509 certificates")
    return found


def _signer_certificate(signer: cms.SignerInfo, bag: list[ax.Certificate]) -> ax.Certificate:
    sid = signer["sid"]
    for certificate in bag:
        if sid.name == "issuer_and_serial_number":
            # DER equality first: the name as the TSA copied it (comparing names by RFC 5280
            # §7.1 string preparation costs a millisecond)
            if certificate.serial_number == sid.chosen["serial_number"].native and (
                    certificate.issuer.dump() == sid.chosen["issuer"].dump()
                    or certificate.issuer == sid.chosen["issuer"]):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    raise TimestampError("the token does not carry its TSA's certificate")


def _check_ess(values: dict[str, Any], tsa: ax.Certificate) -> None:
    """RFC 3161 §2.4.1 / RFC 5035: the signed ESSCertID(v2) names the TSA's certificate."""
    if "signing_certificate_v2" in values:
        cert_ids = values["signing_certificate_v2"][0]["certs"]
        name = cert_ids[0]["hash_algorithm"]["algorithm"].native
        expected = cert_ids[0]["cert_hash"].native
    elif "signing_certificate" in values:
        name, expected = "sha1", values["signing_certificate"][0]["certs"][0]["cert_hash"].native
    else:
        raise TimestampError("the token does not name its TSA's certificate (ESS)")
    if hashlib.new(name, tsa.dump()).digest() != expected:
        raise TimestampError("the token names another TSA certificate than the one it carries")


def _verify(certificate: ax.Certificate, signer: cms.SignerInfo, data: bytes,
            digest_name: str) -> None:
    cert = x509.load_der_x509_certificate(certificate.dump())
    key = cert.public_key()
    algo = signer["signature_algorithm"].signature_algo
    signature = signer["signature"].native
    digest = _DIGESTS[digest_name]()
    try:
        if algo == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), digest)
        elif algo == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            params = signer["signature_algorithm"]["parameters"]
            pss_digest = _DIGESTS.get(params["hash_algorithm"]["algorithm"].native)
            if pss_digest is None:
                raise TimestampError("the token's PSS hash is not accepted")
            key.verify(signature, data, padding.PSS(padding.MGF1(pss_digest()),
                                                    params["salt_length"].native),
                       pss_digest())
        elif algo == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(digest))
        elif algo == "ed25519" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        else:
            raise TimestampError(f"the token's signature algorithm {algo} does not fit its "
                                 "TSA's key")
    except InvalidSignature:
        raise TimestampError("the time-stamp token's signature does not verify") from None


def _check_bag(bag: list[ax.Certificate], tsa: ax.Certificate) -> None:
    """The token's certificates are the TSA's and its chain upward, each signed by the next;
    the top one, if it claims to be self-signed (its issuer is itself, or its authority key
    is its own key), signed by itself. So no byte of any certificate in the token can change
    unseen, and nothing unrelated rides along."""
    by_subject = {c.subject.dump(): c for c in bag}
    chain, current = [tsa], tsa
    while len(chain) <= len(bag):
        issuer = by_subject.get(current.issuer.dump())
        self_signed = issuer is current or _claims_self_signed(current)
        if self_signed or issuer is None:
            if self_signed and not _issued_by(current.dump(), current.dump()):
                raise TimestampError("a certificate in the time-stamp token is not signed by "
                                     "itself as it claims: the token was altered")
            break
        if not _issued_by(current.dump(), issuer.dump()):
            raise TimestampError("a certificate in the time-stamp token is not signed by its "
                                 "issuer: the token was altered")
        chain.append(issuer)
        current = issuer
    if len({c.dump() for c in chain}) != len({c.dump() for c in bag}):
        raise TimestampError("the time-stamp token carries a certificate outside its TSA's "
                             "chain: the token was altered")


def _claims_self_signed(certificate: ax.Certificate) -> bool:
    """Its issuer is itself, or its authority key is its own, or it is a CA certificate
    without an authority key identifier, which RFC 5280 §4.2.1.1 allows a self-signed one
    only."""
    if certificate.issuer.dump() == certificate.subject.dump():
        return True
    key_id, authority = certificate.key_identifier, certificate.authority_key_identifier
    if authority is None:
        return bool(certificate.ca)
    return key_id is not None and key_id == authority


@lru_cache(maxsize=256)
def _issued_by(child_der: bytes, parent_der: bytes) -> bool:
    """A pure function of the two certificates, kept for the few TSAs every seal names."""
    try:
        child = x509.load_der_x509_certificate(child_der)
        child.verify_directly_issued_by(x509.load_der_x509_certificate(parent_der))
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True
