"""Access tokens and c_nonces made and checked by this server alone, with an HMAC under the
app's secret key: any worker checks them without reading a table.

An access token carries its redeemed grant (the grant id, the holder's candidate id and
what the offer offers: configuration id -> issued credential id; a redeemed grant never
changes), the thumbprint of the wallet key it is bound to (DPoP, RFC 9449 §6) and its expiry:
the credential endpoint reads no table to learn what the token allows. A c_nonce (OpenID4VCI
1.0 §7) is random with an expiry; a key proof must carry a fresh one, so a proof cannot be
made ahead of time, and each is used by one credential request (`issuer.wallet_limits`). A
DPoP nonce (RFC 9449 §8) is made the same way under another context, so neither can pass
for the other.
"""
import base64
import hmac
import json
import secrets
import time
from dataclasses import dataclass

import orjson

from issuer.wallet_grants import Grant

ACCESS_TOKEN_S = 300
C_NONCE_S = 300
DPOP_NONCE_S = 300  # a wallet keeps using the last DPoP-Nonce it was given (RFC 9449 §8.2)
_TOKEN_CONTEXT = b"s4c oid4vci access token "
_NONCE_CONTEXT = b"s4c oid4vci c_nonce "
_DPOP_NONCE_CONTEXT = b"s4c oid4vci dpop nonce "


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, context: bytes, body: str) -> str:
    return _b64(hmac.digest(key, context + body.encode(), "sha256"))


@dataclass(frozen=True)
class AccessToken:
    grant: Grant
    jkt: str  # the DPoP key's thumbprint
    expires: int


def make_access_token(key: bytes, grant: Grant, jkt: str, now: float | None = None) -> str:
    expires = int((time.time() if now is None else now) + ACCESS_TOKEN_S)
    body = _b64(json.dumps({"g": grant.id, "c": grant.candidate_id, "o": grant.offered,
                            "j": jkt, "e": expires}, separators=(",", ":")).encode())
    return f"{body}.{_mac(key, _TOKEN_CONTEXT, body)}"


def read_access_token(key: bytes, token: str, now: float | None = None) -> AccessToken | None:
    """The token's content when this server made it and it has not expired; else None."""
    body, _, mac = token.partition(".")
    if not body or not hmac.compare_digest(mac.encode(), _mac(key, _TOKEN_CONTEXT, body)
                                           .encode()):
        return None
    try:
        value = orjson.loads(_unb64(body))
        offered = value["o"]
        if not isinstance(offered, dict):
            return None
        parsed = AccessToken(Grant(str(value["g"]), int(value["c"]),
                                   {str(k): str(v) for k, v in offered.items()}),
                             str(value["j"]), int(value["e"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return parsed if parsed.expires > (time.time() if now is None else now) else None


def _make_nonce(key: bytes, context: bytes, lifetime: int, now: float | None) -> str:
    expires = int((time.time() if now is None else now) + lifetime)
    body = f"{expires}.{secrets.token_urlsafe(12)}"
    return f"{body}.{_mac(key, context, body)}"


def _nonce_expiry(key: bytes, context: bytes, nonce: object, now: float | None) -> int | None:
    """When the nonce stops being accepted, if this server made it and it is still fresh."""
    if not isinstance(nonce, str) or nonce.count(".") != 2:
        return None
    body, _, mac = nonce.rpartition(".")
    if not hmac.compare_digest(mac.encode(), _mac(key, context, body).encode()):
        return None
    try:
        expires = int(body.split(".", 1)[0])
    except ValueError:
        return None
    return expires if expires > (time.time() if now is None else now) else None


def make_c_nonce(key: bytes, now: float | None = None) -> str:
    return _make_nonce(key, _NONCE_CONTEXT, C_NONCE_S, now)


def c_nonce_expiry(key: bytes, nonce: object, now: float | None = None) -> int | None:
    """When a fresh c_nonce of ours expires (it is then recorded as used until then,
    `issuer.wallet_limits`); None when it is not ours or stale."""
    return _nonce_expiry(key, _NONCE_CONTEXT, nonce, now)


def c_nonce_is_fresh(key: bytes, nonce: object, now: float | None = None) -> bool:
    return c_nonce_expiry(key, nonce, now) is not None


def make_dpop_nonce(key: bytes, now: float | None = None) -> str:
    """A server-provided DPoP nonce (RFC 9449 §8, §9): unpredictable, and accepted by every
    worker and instance that shares the key until it expires (no table to read)."""
    return _make_nonce(key, _DPOP_NONCE_CONTEXT, DPOP_NONCE_S, now)


def dpop_nonce_is_fresh(key: bytes, nonce: object, now: float | None = None) -> bool:
    return _nonce_expiry(key, _DPOP_NONCE_CONTEXT, nonce, now) is not None
