"""API tokens of the registry's authorities: `<slug>.<secret>`, stored only as a salted scrypt.

The slug names the authority, so a request costs one scrypt, not one per authority. The
secret is 256 random bits: no guessing attack needs slowing down, so the scrypt cost
(RFC 7914, n=2^12, r=8) is modest and only guards a stolen database a little longer.
Hashes are compared in constant time.
"""
import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2**12, 8, 1
_SALT_BYTES = 16
MAX_TOKEN_LENGTH = 200


def new_token(slug: str) -> str:
    return f"{slug}.{secrets.token_urlsafe(32)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=64 * 1024 * 1024)


def hash_token(token: str) -> str:
    salt = secrets.token_bytes(_SALT_BYTES)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(_scrypt(token, salt, _N, _R, _P))}"


def token_slug(token: str) -> str | None:
    """The authority a token claims to be, or None when it is not shaped like a token."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        return None
    slug, secret = token.split(".")
    return slug if slug and len(secret) >= 32 else None


def token_matches(token: str, stored: str | None) -> bool:
    """True when `token` is the one whose hash is `stored` (constant-time comparison)."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(token, _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, _unb64(digest))
