"""JWTs a wallet signs with its own key, the key travelling in the header: DPoP proofs
(RFC 9449 §4.2) and OpenID4VCI key proofs (OpenID4VCI 1.0 Appendix F.1).

Only asymmetric algorithms are accepted (ES256, as HAIP 1.0 requires, and EdDSA), never
`none` nor an HMAC; the header's key must be public; no `crit` extension is understood, so
one present is refused (RFC 7515 §4.1.11).
"""
import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from vc.jose import JwsError, b64url_decode, b64url_encode

ALGORITHMS = ("ES256", "EdDSA")
_KEY_TYPES = {"ES256": ("EC", "P-256"), "EdDSA": ("OKP", "Ed25519")}
MAX_JWT_CHARS = 8 * 1024


class HolderJwtError(ValueError):
    """Why a wallet's JWT is refused, in words."""


@dataclass(frozen=True)
class HolderJwt:
    header: dict[str, Any]
    claims: dict[str, Any]
    jwk: dict[str, Any]  # the public key that signed it
    thumbprint: str  # RFC 7638 SHA-256 JWK thumbprint, base64url


def did_jwk(jwk: dict[str, Any]) -> str:
    """did:jwk (did:jwk spec §2): base64url of the JWK's JSON, public members only."""
    text = json.dumps(public_jwk(jwk), separators=(",", ":"), sort_keys=True)
    return "did:jwk:" + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def public_jwk(jwk: dict[str, Any]) -> dict[str, Any]:
    keep = ("kty", "crv", "x", "y")
    return {k: jwk[k] for k in keep if k in jwk}


def _key_of_did_jwk(kid: str) -> dict[str, Any]:
    encoded = kid.removeprefix("did:jwk:").split("#", 1)[0]
    try:
        value = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, UnicodeDecodeError) as e:
        raise HolderJwtError("the did:jwk in `kid` is not base64url JSON") from e
    if not isinstance(value, dict):
        raise HolderJwtError("the did:jwk in `kid` is not a JWK")
    return value


def read_holder_jwt(token: str, typ: str, allow_did_jwk: bool = False) -> HolderJwt:
    """The verified header and claims of `token`, signed by the key in its `jwk` header (or,
    when allowed, named by a did:jwk `kid`), with `typ` exactly as given."""
    if not isinstance(token, str) or len(token) > MAX_JWT_CHARS or token.count(".") != 2:
        raise HolderJwtError(f"the {typ} is not a compact JWS")
    try:
        header = orjson.loads(base64.urlsafe_b64decode(
            token.split(".", 1)[0] + "=" * (-len(token.split(".", 1)[0]) % 4)))
    except (ValueError, UnicodeDecodeError) as e:
        raise HolderJwtError(f"the {typ}'s header is not base64url JSON") from e
    if not isinstance(header, dict):
        raise HolderJwtError(f"the {typ}'s header is not a JSON object")
    if header.get("typ") != typ:
        raise HolderJwtError(f"the JWT's typ must be {typ!r}, not {header.get('typ')!r}")
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise HolderJwtError(f"alg {alg!r} is not accepted: use {' or '.join(ALGORITHMS)}")
    if "crit" in header:
        raise HolderJwtError("no critical header extension (crit) is understood here")
    if isinstance(header.get("jwk"), dict):
        jwk = header["jwk"]
    elif allow_did_jwk and isinstance(header.get("kid"), str) \
            and header["kid"].startswith("did:jwk:"):
        jwk = _key_of_did_jwk(header["kid"])
    else:
        raise HolderJwtError(f"the {typ} must carry its public key in `jwk`"
                             + (" or a did:jwk `kid`" if allow_did_jwk else ""))
    if "d" in jwk:
        raise HolderJwtError("the header carries a private key: never send it")
    if (jwk.get("kty"), jwk.get("crv")) != _KEY_TYPES[alg]:
        raise HolderJwtError(f"alg {alg} needs a {'/'.join(_KEY_TYPES[alg])} key")
    try:
        signing_input, _, signature = token.rpartition(".")
        _verify(alg, jwk, signing_input.encode("ascii"), b64url_decode(signature, "signature"))
        claims = orjson.loads(b64url_decode(signing_input.split(".", 1)[1], "payload"))
    except (InvalidSignature, JwsError, UnicodeError) as e:
        raise HolderJwtError(f"the {typ}'s signature does not verify with its key") from e
    except ValueError as e:
        raise HolderJwtError(f"the {typ}'s payload is not JSON") from e
    if not isinstance(claims, dict):
        raise HolderJwtError(f"the {typ}'s payload is not a JSON object")
    return HolderJwt(header, claims, public_jwk(jwk), thumbprint(jwk))


def _verify(alg: str, jwk: dict[str, Any], signing_input: bytes, signature: bytes) -> None:
    """RFC 7518 §3.4 (ES256: R and S, 32 bytes each) or RFC 8037 §3.1 (EdDSA), with
    `cryptography` directly: the key is built from its coordinates, which must be a point
    of the curve (raises InvalidSignature otherwise)."""
    try:
        if alg == "ES256":
            x, y = _coordinate(jwk, "x"), _coordinate(jwk, "y")
            ec_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(),
                                                                  b"\x04" + x + y)
            if len(signature) != 64:
                raise InvalidSignature
            ec_key.verify(encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                               int.from_bytes(signature[32:], "big")),
                          signing_input, ec.ECDSA(hashes.SHA256()))
        else:
            ed25519.Ed25519PublicKey.from_public_bytes(
                _coordinate(jwk, "x")).verify(signature, signing_input)
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise InvalidSignature from e


def _coordinate(jwk: dict[str, Any], name: str) -> bytes:
    value = b64url_decode(str(jwk.get(name)), f"the key's {name}")
    if len(value) != 32:
        raise ValueError(f"the key's {name} must be 32 bytes")
    return value


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 of the required members, sorted, compact JSON; base64url."""
    text = json.dumps(public_jwk(jwk), separators=(",", ":"), sort_keys=True)
    return b64url_encode(hashlib.sha256(text.encode()).digest())
