"""DPoP proofs (RFC 9449): every token and credential request carries one, signed by the
wallet's key; the access token is bound to that key's thumbprint (`cnf.jkt`, §6), so a stolen
token is useless without the key. HAIP 1.0 requires DPoP for wallets' access tokens.

Checks of §4.3: one `DPoP` header, a JWS of typ `dpop+jwt` with an asymmetric algorithm and
its public key in `jwk`, `htm` and `htu` naming this request, `iat` within `MAX_AGE_S`, a
`jti`, with an access token `ath` = base64url(SHA-256(token)) (§4.3 item 11, §7.1), and a
`nonce` this server provided (§4.3 item 10, §8, §9; HAIP 1.0 profiles RFC 9449). The
nonces are MACed and time-boxed (`web.wallet.oid4vci.tokens`): any worker of any instance accepts
any other's. The `jti` is used once (§11.1): the caller records `single_use(proof)` in the
transaction of what the request obtains (`issuer.wallet_limits`).
"""
import base64
import hashlib
import time

from issuer.wallet_limits import SingleUse
from web.wallet.oid4vci.holder_jwt import HolderJwt, HolderJwtError, read_holder_jwt
from web.wallet.oid4vci.tokens import dpop_nonce_is_fresh

MAX_AGE_S = 60  # a proof older (or further in the future) than this is refused
DPOP_TYP = "dpop+jwt"


class DpopError(ValueError):
    """`invalid_dpop_proof` (RFC 9449 §5, §7.1), with the reason in words."""


class DpopNonceNeeded(DpopError):
    """`use_dpop_nonce` (RFC 9449 §8, §9): a good proof without a fresh nonce of ours; the
    answer carries one in `DPoP-Nonce`."""


def ath(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def check_dpop(headers: list[str], method: str, url: str,
               access_token: str | None = None, now: float | None = None, *,
               nonce_key: bytes | None = None) -> HolderJwt:
    """The verified DPoP proof of a request to `method url` (scheme, host and path, as
    this server's public URL names it); with `nonce_key`, its `nonce` must be one this
    server made with that key and still fresh (else `DpopNonceNeeded`)."""
    if len(headers) != 1:
        raise DpopError("send exactly one DPoP header with this request (RFC 9449)")
    try:
        proof = read_holder_jwt(headers[0], DPOP_TYP)
    except HolderJwtError as e:
        raise DpopError(str(e)) from e
    claims = proof.claims
    if claims.get("htm") != method:
        raise DpopError(f"the DPoP proof's htm must be {method}")
    if not isinstance(claims.get("htu"), str) \
            or claims["htu"].split("?", 1)[0].split("#", 1)[0] != url:
        raise DpopError(f"the DPoP proof's htu must be {url}")
    if not isinstance(claims.get("jti"), str) or not claims["jti"]:
        raise DpopError("the DPoP proof needs a jti")
    iat = claims.get("iat")
    clock = time.time() if now is None else now
    if not isinstance(iat, int) or isinstance(iat, bool) or abs(clock - iat) > MAX_AGE_S:
        raise DpopError(f"the DPoP proof's iat must be within {MAX_AGE_S} s of now")
    if access_token is not None and claims.get("ath") != ath(access_token):
        raise DpopError("the DPoP proof's ath does not match the access token")
    if nonce_key is not None and not dpop_nonce_is_fresh(nonce_key, claims.get("nonce"), clock):
        raise DpopNonceNeeded(
            "the DPoP proof's nonce is stale or not ours: use the DPoP-Nonce of this answer"
            if "nonce" in claims else "this server requires a nonce in DPoP proofs (RFC 9449 "
            "section 8): use the DPoP-Nonce of this answer")
    return proof


def single_use(proof: HolderJwt) -> SingleUse:
    """The proof's `jti`, per key, to be recorded as used until the proof is stale anyway."""
    return SingleUse("dpop", f"{proof.thumbprint} {proof.claims['jti']}",
                     int(proof.claims["iat"]) + MAX_AGE_S + 1)
