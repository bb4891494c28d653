"""JWTs a wallet signs with its own key, the key travelling in the header: DPoP proofs
(RFC 9449 §4.2) and OpenID4VCI key proofs (OpenID4VCI 1.0 Appendix F.1).

Only asymmetric algorithms are accepted (ES256, as HAIP 1.0 requires, and EdDSA), never
`none` nor an HMAC; the header's key must be public; no `crit` extension is understood, so
one present is refused (RFC 7515 §4.1.11).
"""
import base64
import json
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, JWKRegistry, OKPKey

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
        header = json.loads(base64.urlsafe_b64decode(
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
        key = JWKRegistry.import_key(public_jwk(jwk))
        if not isinstance(key, (ECKey, OKPKey)):
            raise HolderJwtError("the key must be an EC or OKP key")
        signed = jws.deserialize_compact(token, key, algorithms=[alg])
        claims = json.loads(signed.payload)
    except JoseError as e:
        raise HolderJwtError(f"the {typ}'s signature does not verify with its key") from e
    except (ValueError, UnicodeDecodeError) as e:
        raise HolderJwtError(f"the {typ}'s payload is not JSON") from e
    if not isinstance(claims, dict):
        raise HolderJwtError(f"the {typ}'s payload is not a JSON object")
    return HolderJwt(header, claims, public_jwk(jwk), key.thumbprint())
