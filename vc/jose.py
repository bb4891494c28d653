"""Compact JWS for the JWT-based formats (SD-JWT, SD-JWT VC, Token Status List): verified with
joserfc, signed with `cryptography` directly (see `JwsSigner._signature`).

Why a module of our own around joserfc: every JWT these formats carry comes from outside, so
it is parsed once, strictly (RFC 7515 §5.2: the header and payload are I-JSON, RFC 7493, no
duplicate member names; sizes bounded), its `alg` must be one we allow (never `none`), an
unknown `crit` parameter is refused (RFC 7515 §4.1.11), and its `typ` must be the one the
format names (RFC 8725 §3.11 explicit typing). A signer holds its parsed key, so issuing
never re-parses a key (the issuer signs hundreds of credentials a second).

ES256 (P-256) is the algorithm of HAIP 1.0; EdDSA (Ed25519) is accepted where a profile
allows it (s4c's did:key holders).
"""
import base64
import binascii
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from joserfc import jwk, jws
from joserfc.errors import JoseError
from joserfc.jws import JWSRegistry

from vc.codes import ErrorCode
from vc.errors import MalformedInputError, VCError
from vc.json_input import loads_bounded

JWS_ALGORITHMS = ("ES256", "EdDSA")
MAX_JWS_CHARS = 256_000  # a credential with a certificate chain is a few kB
MAX_JSON_DEPTH = 32
PublicKey = jwk.ECKey | jwk.OKPKey

# RFC 7515 §4.1.11: only the `crit` parameters we understand (none): every other is refused.
_REGISTRIES: dict[tuple[str, ...], JWSRegistry] = {}


class JwsError(VCError):
    """A JWS is malformed, uses an algorithm we refuse, or does not verify."""

    code = ErrorCode.JWS


class JwsSignatureError(JwsError):
    """The signature does not verify with the key the rules name."""

    code = ErrorCode.JWS_SIGNATURE


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, what: str) -> bytes:
    """RFC 7515 §2 base64url without padding; anything else (padding, `+`, `/`) is refused so
    that one value has one spelling."""
    if not isinstance(text, str) or "=" in text or "+" in text or "/" in text:
        raise JwsError(f"{what} is not base64url without padding")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise JwsError(f"{what} is not base64url") from None


def json_bytes(value: object) -> bytes:
    """Compact UTF-8 JSON, as the payload of a JWS we sign."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def parse_json_segment(segment: str, what: str, max_bytes: int = MAX_JWS_CHARS) -> Any:
    try:
        return loads_bounded(b64url_decode(segment, what), what, max_bytes=max_bytes,
                             max_depth=MAX_JSON_DEPTH)
    except MalformedInputError as e:
        raise JwsError(str(e)) from None


@dataclass(frozen=True)
class CompactJws:
    """A compact JWS split and its header and payload parsed, not yet verified."""

    text: str
    header: dict[str, Any]
    payload: dict[str, Any]

    @classmethod
    def parse(cls, text: object, what: str = "the JWT") -> "CompactJws":
        if not isinstance(text, str):
            raise JwsError(f"{what} is not a string")
        if len(text) > MAX_JWS_CHARS:
            raise JwsError(f"{what} is longer than {MAX_JWS_CHARS} characters")
        parts = text.split(".")
        if len(parts) != 3 or not all(parts):
            raise JwsError(f"{what} is not a compact JWS (three non-empty base64url parts)")
        header = parse_json_segment(parts[0], f"the header of {what}")
        payload = parse_json_segment(parts[1], f"the payload of {what}")
        if not isinstance(header, dict) or not isinstance(payload, dict):
            raise JwsError(f"the header and payload of {what} must be JSON objects")
        alg = header.get("alg")
        if alg not in JWS_ALGORITHMS:
            # `none` and any other: RFC 8725 §3.1, HAIP 1.0 §7
            raise JwsError(f"{what} uses algorithm {str(alg)[:20]!r}; only "
                           f"{', '.join(JWS_ALGORITHMS)} are accepted")
        if "b64" in header:  # RFC 7797 unencoded payloads are not used by these formats
            raise JwsError(f"{what} has the header parameter b64 (RFC 7797), not accepted")
        if "crit" in header:
            raise JwsError(f"{what} marks header parameters {header['crit']!r:.60} as critical; "
                           "none is understood here (RFC 7515 §4.1.11)")
        return cls(text, header, payload)

    def require_typ(self, typ: str, what: str = "the JWT") -> None:
        """RFC 8725 §3.11: the type is compared exactly (a media type without the
        `application/` prefix, RFC 7515 §4.1.9)."""
        found = self.header.get("typ")
        if found != typ:
            raise JwsError(f"{what} has typ {str(found)[:40]!r}; expected {typ!r}")

    def verify(self, key: PublicKey, what: str = "the JWT",
               algorithms: Collection[str] = JWS_ALGORITHMS) -> None:
        """The signature over the exact bytes received, by `key`; raises JwsSignatureError."""
        alg = self.header["alg"]
        if alg not in algorithms:
            raise JwsError(f"{what} uses {alg}; here only {', '.join(algorithms)} are allowed")
        if not _key_fits(key, alg):
            raise JwsSignatureError(f"{what} is signed with {alg}, which the key "
                                    f"({_key_label(key)}) cannot verify")
        try:
            jws.deserialize_compact(self.text, key, algorithms=[alg], registry=_registry(alg))
        except JoseError as e:
            raise JwsSignatureError(f"the signature of {what} does not verify "
                                    f"({e.error})") from None


def _registry(alg: str) -> JWSRegistry:
    key = (alg,)
    found = _REGISTRIES.get(key)
    if found is None:
        found = _REGISTRIES[key] = JWSRegistry(algorithms=[alg], strict_check_header=False)
        # our own bounds apply first (MAX_JWS_CHARS); joserfc's 512-byte header would refuse
        # any x5c chain
        found.max_header_length = MAX_JWS_CHARS
        found.max_payload_length = MAX_JWS_CHARS
    return found


def _key_fits(key: PublicKey, alg: str) -> bool:
    if alg == "ES256":
        return isinstance(key, jwk.ECKey) and key.curve_name == "P-256"
    if alg == "EdDSA":
        return isinstance(key, jwk.OKPKey) and key.curve_name == "Ed25519"
    return False


def _key_label(key: PublicKey) -> str:
    return f"{key.key_type} {key.curve_name}"


def public_key_from_jwk(value: object, what: str = "the key") -> PublicKey:
    """A public JWK of the two kinds we accept: EC P-256 or OKP Ed25519 (RFC 7517, RFC 8037).
    A JWK carrying private members is refused: a public slot must not hold a secret."""
    if not isinstance(value, Mapping):
        raise JwsError(f"{what} is not a JWK object")
    if "d" in value:
        raise JwsError(f"{what} contains a private key ('d'); only public keys belong here")
    kty, crv = value.get("kty"), value.get("crv")
    try:
        if kty == "EC" and crv == "P-256":
            return jwk.ECKey.import_key(
                {k: v for k, v in value.items() if k in ("kty", "crv", "x", "y")})
        if kty == "OKP" and crv == "Ed25519":
            return jwk.OKPKey.import_key(
                {k: v for k, v in value.items() if k in ("kty", "crv", "x")})
    except (JoseError, ValueError, TypeError) as e:
        raise JwsError(f"{what} is not a valid {kty} {crv} public key: {e}") from None
    raise JwsError(f"{what} is a {str(kty)[:10]} {str(crv)[:10]} key; only EC P-256 and "
                   "OKP Ed25519 are accepted")


def checked_public_jwk(value: object, what: str = "the key") -> dict[str, str]:
    """The public members of an EC P-256 or OKP Ed25519 JWK, after checking the point is a
    valid public key (on the curve), without building a joserfc key: the issuer's hot path
    (a wallet's key goes into every credential's `cnf`)."""
    if not isinstance(value, Mapping):
        raise JwsError(f"{what} is not a JWK object")
    if "d" in value:
        raise JwsError(f"{what} contains a private key ('d'); only public keys belong here")
    kty, crv, x = value.get("kty"), value.get("crv"), value.get("x")
    try:
        if kty == "EC" and crv == "P-256":
            y = value.get("y")
            xb, yb = b64url_decode(str(x), "x"), b64url_decode(str(y), "y")
            if len(xb) != 32 or len(yb) != 32:
                raise ValueError("x and y must be 32 bytes")
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x04" + xb + yb)
            return {"crv": "P-256", "kty": "EC", "x": str(x), "y": str(y)}
        if kty == "OKP" and crv == "Ed25519":
            ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(str(x), "x"))
            return {"crv": "Ed25519", "kty": "OKP", "x": str(x)}
    except (JwsError, ValueError, UnsupportedAlgorithm) as e:
        raise JwsError(f"{what} is not a valid {kty} {crv} public key: {e}") from None
    raise JwsError(f"{what} is a {str(kty)[:10]} {str(crv)[:10]} key; only EC P-256 and "
                   "OKP Ed25519 are accepted")


def public_jwk(key: PublicKey) -> dict[str, str]:
    """The public members only (RFC 7517 §4), in the order RFC 7638 lists them."""
    members = ("crv", "kty", "x", "y") if isinstance(key, jwk.ECKey) else ("crv", "kty", "x")
    full = key.as_dict(private=False)
    return {m: str(full[m]) for m in members}


def jwk_thumbprint_uri(key: PublicKey) -> str:
    """RFC 9278 JWK thumbprint URI (SHA-256, RFC 7638) naming a key without a key id."""
    return "urn:ietf:params:oauth:jwk-thumbprint:sha-256:" + jwk.thumbprint(public_jwk(key))


@dataclass(frozen=True)
class JwsSigner:
    """A private key ready to sign: parsed once, reused for every token.

    `kid`, `x5c` (base64 DER, leaf first, RFC 7515 §4.1.6) go into every header it makes.
    """

    key: jwk.ECKey | jwk.OKPKey
    kid: str | None = None
    x5c: tuple[str, ...] = ()
    alg: str = field(init=False)
    public: PublicKey = field(init=False)
    _headers: dict[str, str] = field(init=False, default_factory=dict, repr=False,
                                     compare=False)

    def __post_init__(self) -> None:
        if not self.key.is_private:
            raise JwsError("a signer needs a private key")
        if isinstance(self.key, jwk.ECKey) and self.key.curve_name == "P-256":
            alg = "ES256"
        elif isinstance(self.key, jwk.OKPKey) and self.key.curve_name == "Ed25519":
            alg = "EdDSA"
        else:
            raise JwsError(f"cannot sign with a {_key_label(self.key)} key; use P-256 "
                           "(ES256) or Ed25519 (EdDSA)")
        object.__setattr__(self, "alg", alg)
        object.__setattr__(self, "public", public_key_from_jwk(
            self.key.as_dict(private=False), "the signer's public key"))

    @classmethod
    def generate(cls, alg: str = "ES256", kid: str | None = None) -> "JwsSigner":
        """A fresh key (a holder's or a test's)."""
        if alg == "ES256":
            return cls(jwk.ECKey.generate_key("P-256"), kid=kid)
        if alg == "EdDSA":
            return cls(jwk.OKPKey.generate_key("Ed25519"), kid=kid)
        raise JwsError(f"cannot generate a key for {alg}")

    def public_jwk(self) -> dict[str, str]:
        return public_jwk(self.public)

    def sign(self, typ: str, claims: Mapping[str, Any],
             extra_header: Mapping[str, Any] | None = None) -> str:
        """A compact JWS of `claims` with header `alg`, `typ`, and this signer's `kid`/`x5c`."""
        encoded = None if extra_header else self._headers.get(typ)
        if encoded is None:
            header: dict[str, Any] = {"alg": self.alg, "typ": typ}
            if self.kid is not None:
                header["kid"] = self.kid
            if self.x5c:
                header["x5c"] = list(self.x5c)
            if extra_header:
                header.update(extra_header)
            encoded = b64url_encode(json_bytes(header))
            if not extra_header:
                self._headers[typ] = encoded  # the same bytes for every token of this type
        signing_input = encoded + "." + b64url_encode(json_bytes(claims))
        return signing_input + "." + b64url_encode(self._signature(signing_input.encode()))

    def _signature(self, data: bytes) -> bytes:
        """RFC 7518 §3.4 (ES256: R and S as 32 bytes each), RFC 8037 §3.1 (EdDSA). Signed
        with `cryptography` directly, the key already parsed: ~50 µs where a generic JWS
        call costs several times that; joserfc verifies what this makes (tests)."""
        private = self.key.private_key
        if isinstance(private, ec.EllipticCurvePrivateKey):
            r, s = decode_dss_signature(private.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        if isinstance(private, ed25519.Ed25519PrivateKey):
            return private.sign(data)
        raise JwsError(f"cannot sign with {type(private).__name__}")
