"""Access tokens and c_nonces made and checked by this server alone, with an HMAC under the
app's secret key: any worker checks them without reading a table.

An access token names its grant, the thumbprint of the wallet key it is bound to (DPoP,
RFC 9449 §6) and its expiry. A c_nonce (OpenID4VCI 1.0 §7) is random with an expiry; a key
proof must carry a fresh one, so a proof cannot be made ahead of time and replayed later.
"""
import base64
import hmac
import json
import secrets
import time
from dataclasses import dataclass

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
    grant_id: str
    jkt: str  # the DPoP key's thumbprint
    expires: int


def make_access_token(key: bytes, grant_id: str, jkt: str, now: float | None = None) -> str:
    expires = int((time.time() if now is None else now) + ACCESS_TOKEN_S)
    body = _b64(json.dumps({"g": grant_id, "j": jkt, "e": expires},
                           separators=(",", ":")).encode())
    return f"{body}.{_mac(key, _TOKEN_CONTEXT, body)}"


def read_access_token(key: bytes, token: str, now: float | None = None) -> AccessToken | None:
    """The token's content when this server made it and it has not expired; else None."""
    body, _, mac = token.partition(".")
    if not body or not hmac.compare_digest(mac.encode(), _mac(key, _TOKEN_CONTEXT, body)
                                           .encode()):
        return None
    try:
        value = json.loads(_unb64(body))
        parsed = AccessToken(str(value["g"]), str(value["j"]), int(value["e"]))
    except (ValueError, KeyError, TypeError):
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
