"""Access tokens and c_nonces made and checked by this server alone, with an HMAC under the
app's secret key: any worker checks them without reading a table.

An access token carries its redeemed grant (the grant id, the holder's candidate id and
what the offer offers: configuration id -> issued credential id; a redeemed grant never
changes), the thumbprint of the wallet key it is bound to (DPoP, RFC 9449 §6) and its expiry:
the credential endpoint reads no table to learn what the token allows. A c_nonce (OpenID4VCI 1.0 §7) is random with an expiry; a key
proof must carry a fresh one, so a proof cannot be made ahead of time and replayed later.
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
_TOKEN_CONTEXT = b"s4c oid4vci access token "
_NONCE_CONTEXT = b"s4c oid4vci c_nonce "


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


def make_c_nonce(key: bytes, now: float | None = None) -> str:
    expires = int((time.time() if now is None else now) + C_NONCE_S)
    body = f"{expires}.{secrets.token_urlsafe(12)}"
    return f"{body}.{_mac(key, _NONCE_CONTEXT, body)}"


def c_nonce_is_fresh(key: bytes, nonce: object, now: float | None = None) -> bool:
    if not isinstance(nonce, str) or nonce.count(".") != 2:
        return False
    body, _, mac = nonce.rpartition(".")
    if not hmac.compare_digest(mac.encode(), _mac(key, _NONCE_CONTEXT, body).encode()):
        return False
    try:
        expires = int(body.split(".", 1)[0])
    except ValueError:
        return False
    return expires > (time.time() if now is None else now)
