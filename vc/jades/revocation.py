"""The revocation status of the seal certificate from the revocation data the seal carries
(ETSI TS 119 182-1 §5.5.2 rVals: OCSP answers and CRLs, baseline B-LT), never fetched.

An OCSP answer (RFC 6960) counts when it is signed by the certificate's CA or by a responder
that CA certified for OCSP signing (§4.2.2.2), names this certificate (serial number and the
CA's key hash), and was made once the sealer says it was sealing (sigT); a CRL (RFC 5280
§6.3) when the CA signed it and it covers that time. The CA is whichever carried certificate
(x5c, xVals) signed the seal certificate; whether that CA is trusted is the chain's question.
"""
import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import keys
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

MAX_VALUES = 16


@dataclass(frozen=True)
class Revocation:
    status: str  # good | revoked
    source: str  # who said so: the OCSP responder or the CRL issuer, by name
    said_at: datetime  # the answer's thisUpdate
    revoked_at: datetime | None = None


def _name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def _signed_by(signer: x509.Certificate, signature: bytes, data: bytes,
               algorithm: hashes.HashAlgorithm | None) -> bool:
    key = signer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm is not None:
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm is not None:
            key.verify(signature, data, ec.ECDSA(algorithm))
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        else:
            return False
    except (InvalidSignature, UnsupportedAlgorithm, ValueError):
        return False
    return True


def _issuer_of(leaf: x509.Certificate, carried: Sequence[x509.Certificate]
               ) -> x509.Certificate | None:
    for candidate in carried:
        if candidate.subject == leaf.issuer:
            try:
                leaf.verify_directly_issued_by(candidate)
            except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
                continue
            return candidate
    return None


def _responder_ok(responder: x509.Certificate, ca: x509.Certificate) -> bool:
    """The CA itself, or a certificate it issued for OCSP signing (RFC 6960 §4.2.2.2)."""
    if responder == ca:
        return True
    try:
        responder.verify_directly_issued_by(ca)
        usage = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm,
            x509.ExtensionNotFound):
        return False
    return ExtendedKeyUsageOID.OCSP_SIGNING in usage


def _from_ocsp(der: bytes, leaf: x509.Certificate, ca: x509.Certificate,
               carried: Sequence[x509.Certificate], since: datetime) -> Revocation | None:
    try:
        answer = ocsp.load_der_ocsp_response(der)
        if answer.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
            return None
        responders = [*answer.certificates, ca, *carried]
        signer = next((r for r in responders if _responder_ok(r, ca) and (
            answer.responder_name == r.subject if answer.responder_name is not None else
            # RFC 6960 §4.2.1 ResponderID byKey: SHA-1 of the key, as the standard fixes it
            answer.responder_key_hash == hashlib.sha1(_key_bits(r)).digest())),  # noqa: S324
            None)
        if signer is None or not _signed_by(signer, answer.signature,
                                            answer.tbs_response_bytes,
                                            answer.signature_hash_algorithm):
            return None
        for single in answer.responses:
            if single.serial_number != leaf.serial_number:
                continue
            digest = hashlib.new(single.hash_algorithm.name, _key_bits(ca)).digest()
            if single.issuer_key_hash != digest or single.this_update_utc < since:
                continue
            if single.certificate_status is ocsp.OCSPCertStatus.GOOD:
                return Revocation("good", _name(signer), single.this_update_utc)
            if single.certificate_status is ocsp.OCSPCertStatus.REVOKED:
                return Revocation("revoked", _name(signer), single.this_update_utc,
                                  single.revocation_time_utc)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    return None


def _key_bits(certificate: x509.Certificate) -> bytes:
    """The subjectPublicKey BIT STRING's contents (RFC 6960 §4.1.1 issuerKeyHash): the one field
    cryptography does not expose, read with asn1crypto."""
    spki = certificate.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    bits: bytes = keys.PublicKeyInfo.load(spki)["public_key"].contents[1:]
    return bits


def _from_crl(der: bytes, leaf: x509.Certificate, ca: x509.Certificate,
              since: datetime) -> Revocation | None:
    try:
        crl = x509.load_der_x509_crl(der)
        key = ca.public_key()
        if crl.issuer != ca.subject or not crl.is_signature_valid(key):  # type: ignore[arg-type]
            return None
        if crl.last_update_utc < since:
            return None
        revoked = crl.get_revoked_certificate_by_serial_number(leaf.serial_number)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    if revoked is None:
        return Revocation("good", _name(ca), crl.last_update_utc)
    return Revocation("revoked", _name(ca), crl.last_update_utc, revoked.revocation_date_utc)


def _values(r_vals: Any, name: str) -> list[bytes]:
    items = r_vals.get(name) if isinstance(r_vals, dict) else None
    out = []
    for item in (items if isinstance(items, list) else [])[:MAX_VALUES]:
        try:
            out.append(base64.b64decode(item.get("val"), validate=True))
        except (AttributeError, binascii.Error, TypeError, ValueError):
            continue
    return out


def carried_revocation(leaf: x509.Certificate, carried: Sequence[x509.Certificate],
                       r_vals: Sequence[Any], since: datetime) -> Revocation | None:
    """What the carried OCSP answers and CRLs say of `leaf` after `since`; None when none
    of them can be relied on (or there are none)."""
    ca = _issuer_of(leaf, carried)
    if ca is None:
        return None
    found: list[Revocation] = []
    for values in r_vals:
        found += [r for der in _values(values, "ocspVals")
                  if (r := _from_ocsp(der, leaf, ca, carried, since)) is not None]
        found += [r for der in _values(values, "crlVals")
                  if (r := _from_crl(der, leaf, ca, since)) is not None]
    revoked = [r for r in found if r.status == "revoked"]
    return next(iter(revoked or found), None)
