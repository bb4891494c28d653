"""API tokens of the registry's authorities: `<slug>.<secret>`, stored only as a SHA-256.

The secret is 256 random bits, so no guessing attack needs slowing down: a plain SHA-256
(`sha256$<hex>`) keeps a stolen database from yielding tokens, and costs a request
microseconds, where a password hash (scrypt) would cost each API call milliseconds (and
made them an easy way to load the server). Tokens stored as salted scrypt by earlier
versions still match. Hashes are compared in constant time.
"""
import base64
import hashlib
import hmac
import secrets

MAX_TOKEN_LENGTH = 200


def new_token(slug: str) -> str:
    return f"{slug}.{secrets.token_urlsafe(32)}"


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=64 * 1024 * 1024)


def hash_token(token: str) -> str:
    return "sha256$" + hashlib.sha256(token.encode("utf-8")).hexdigest()


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
    if stored.startswith("sha256$"):
        hex_digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        return hmac.compare_digest(hex_digest.encode(), stored[len("sha256$"):].encode())
    try:  # the salted scrypt of earlier versions
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(token, _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, _unb64(digest))
