"""JAdES baseline B-T seals (ETSI TS 119 182-1) over a JSON payload, shaped like the EU's own
sealed EDCs (`Sample-*-signed.jsonld` of the European Learning Model).

The seal is a JWS in the general JSON serialisation (RFC 7515 §7.2.1) with an unencoded
payload (RFC 7797, `b64: false`): the payload stays the readable JSON document, and the
signature covers `ASCII(BASE64URL(protected)) || "." || payload`. The protected header has,
in the samples' order: `alg`, `cty`, `kid` (the certificate's IssuerSerial, §5.1.4), `x5t#S256`
(§5.1.7), `x5c` (the chain, leaf first, RFC 7515 §4.1.6), `typ` (`jose+json`: the JSON
serialisation), `b64`, `sigT` (the claimed signing time, §5.2.1) and `crit` naming the
parameters a JWS library must understand (`b64`, `sigT`).

Baseline B-T (ETSI TS 119 182-1 §5.3.4.1, EN 319 182 levels): the unsigned header
`etsiU` holds a signature time-stamp `sigTst`, an RFC 3161 token whose message imprint is
over the base64url-encoded JWS signature value. As in the samples, each `etsiU` member is
itself base64url-encoded JSON (§5.3.1 allows that or clear JSON; one form for all members),
and the token inside is standard base64 (`tstTokens[].val`, §5.3.4.1).

The key is behind `SealSigner` (an algorithm, a certificate chain and `sign`), so it can
live in a PKCS#12 file or in a token (`issuer.seal`).
"""
import base64
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from vc.errors import VCError
from vc.timestamps import TimeStamper

# What the EU's issuer puts in `typ` and `cty` (Sample-*-signed.jsonld): kept as they are,
# since the Europass viewer is known to take exactly that.
SEAL_TYP = "jose+json"
SEAL_CTY = "octet-stream"
ALGORITHMS = ("RS256", "ES256", "EdDSA")


class SealError(VCError):
    """A seal cannot be made: the key, its certificate or the time-stamp is unusable."""


class SealSigner(Protocol):
    """The seal key: its JWS `alg`, its certificate chain (leaf first) and a signature in
    JWS form (RFC 7518 §3.3 RS256, §3.4 ES256 as R || S, RFC 8037 EdDSA) over `data`."""

    @property
    def algorithm(self) -> str: ...

    @property
    def chain(self) -> Sequence[x509.Certificate]: ...

    def sign(self, data: bytes) -> bytes: ...


SealPrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey


def algorithm_of(public_key: object) -> str:
    """The JWS algorithm s4c seals with for a key of this type."""
    if isinstance(public_key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        if public_key.key_size < 2048:
            raise SealError("an RSA seal key must have at least 2048 bits")
        return "RS256"
    if isinstance(public_key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        if not isinstance(public_key.curve, ec.SECP256R1):
            raise SealError(f"an EC seal key must be on P-256 for ES256, not "
                            f"{public_key.curve.name}")
        return "ES256"
    if isinstance(public_key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey):
        return "EdDSA"
    raise SealError(f"a seal key must be RSA, EC P-256 or Ed25519, not "
                    f"{type(public_key).__name__}")


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def check_chain_matches(algorithm: str, public_key: object,
                        chain: Sequence[x509.Certificate]) -> None:
    """The chain is not empty and its leaf certifies `public_key`."""
    if not chain:
        raise SealError("the seal key has no certificate: give its chain, leaf first")
    leaf_key = chain[0].public_key()
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    ours = public_key.public_bytes(serialization.Encoding.DER, spki)  # type: ignore[attr-defined]
    if leaf_key.public_bytes(serialization.Encoding.DER, spki) != ours:
        raise SealError("the first certificate of the chain is not the seal key's")
    if algorithm_of(leaf_key) != algorithm:
        raise SealError("the seal key's algorithm does not fit its certificate")


class PrivateKeySigner:
    """A seal key held in this process (from a PKCS#12 file, or the demo seal)."""

    def __init__(self, private_key: SealPrivateKey, chain: Sequence[x509.Certificate]) -> None:
        self._key = private_key
        self._algorithm = algorithm_of(private_key)
        self._chain = tuple(chain)
        check_chain_matches(self._algorithm, private_key.public_key(), self._chain)

    def __repr__(self) -> str:  # never the key
        return f"PrivateKeySigner({self._algorithm}, {self._chain[0].subject.rfc4514_string()})"

    @property
    def algorithm(self) -> str:
        return self._algorithm

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return self._chain

    def sign(self, data: bytes) -> bytes:
        key = self._key
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), hashes.SHA256())
        if isinstance(key, ec.EllipticCurvePrivateKey):
            r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return key.sign(data)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def issuer_serial_kid(certificate: x509.Certificate) -> str:
    """`kid` of ETSI TS 119 182-1 §5.1.4: base64 of the DER IssuerSerial (RFC 5035) of the
    signing certificate, as in the EU samples."""
    cert = asn1_x509.Certificate.load(_der(certificate))
    value = cms.IssuerSerial({
        "issuer": [asn1_x509.GeneralName("directory_name", cert.issuer)],
        "serial": cert.serial_number,
    })
    return base64.b64encode(value.dump()).decode("ascii")


def signing_time(now: datetime | None = None) -> str:
    """`sigT` (§5.2.1): UTC, whole seconds, `YYYY-MM-DDThh:mm:ssZ` as in the samples."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=16)
def _certificate_references(chain: tuple[x509.Certificate, ...]) -> tuple[str, str, list[str]]:
    """kid, x5t#S256 and x5c of a chain: the same for every seal of one key, made once."""
    leaf = chain[0]
    return (issuer_serial_kid(leaf), b64url(hashlib.sha256(_der(leaf)).digest()),
            [base64.b64encode(_der(c)).decode("ascii") for c in chain])


def protected_header(signer: SealSigner, now: datetime | None = None) -> dict[str, Any]:
    kid, thumbprint, x5c = _certificate_references(tuple(signer.chain))
    return {
        "alg": signer.algorithm,
        "cty": SEAL_CTY,
        "kid": kid,
        "x5t#S256": thumbprint,
        "x5c": list(x5c),
        "typ": SEAL_TYP,
        "b64": False,
        "sigT": signing_time(now),
        "crit": ["b64", "sigT"],
    }


def _compact(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature_timestamp(token: bytes) -> str:
    """One `etsiU` member holding `sigTst` (§5.3.4.1), base64url-encoded JSON."""
    return b64url(_compact({"sigTst": {"tstTokens": [
        {"val": base64.b64encode(token).decode("ascii")}]}}))


def seal_payload(payload: str, signer: SealSigner, timestamper: TimeStamper, *,
                 now: datetime | None = None) -> dict[str, Any]:
    """A JAdES B-T seal of `payload` (the exact text that is sealed), as a JWS JSON object."""
    if signer.algorithm not in ALGORITHMS:
        raise SealError(f"s4c seals with {', '.join(ALGORITHMS)}, not {signer.algorithm}")
    protected = b64url(_compact(protected_header(signer, now)))
    # RFC 7797 §3: the signing input has the payload as it is, not base64url-encoded
    signature = b64url(signer.sign(protected.encode("ascii") + b"." + payload.encode("utf-8")))
    # ETSI TS 119 182-1 §5.3.4.1: the time-stamp's imprint is over the base64url signature
    token = timestamper.stamp(signature.encode("ascii"))
    return {"payload": payload, "signatures": [{
        "protected": protected,
        "header": {"etsiU": [signature_timestamp(token)]},
        "signature": signature,
    }]}


def seal_document(document: dict[str, Any], signer: SealSigner, timestamper: TimeStamper, *,
                  now: datetime | None = None) -> dict[str, Any]:
    """Seals a JSON document (an EDC), serialised compactly in UTF-8 as the samples are."""
    return seal_payload(_compact(document).decode("utf-8"), signer, timestamper, now=now)


def dumps(sealed: dict[str, Any]) -> str:
    """The sealed file's text (what a holder downloads and uploads to Europass)."""
    return json.dumps(sealed, ensure_ascii=False, indent=2) + "\n"
