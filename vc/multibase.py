"""Multibase encodings used by Data Integrity: base58btc ('z') and base64url without padding ('u').

See the Multibase draft (draft-multiformats-multibase) and VC Data Integrity 1.0 §2.4.
"""
import base64

from vc.errors import MalformedInputError

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


_CHUNK = 58**10  # big-integer division by 58^10, then 5 pairs of digits per chunk
_POWERS = [58**k for k in range(11)]
_PAIRS = [_B58[i % 58] + _B58[i // 58] for i in range(58 * 58)]  # low digit first


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, chunk = divmod(n, _CHUNK)
        for _ in range(5):
            chunk, r = divmod(chunk, 3364)
            out.append(_PAIRS[r])
    text = "".join(out)[::-1].lstrip("1")  # leading zero digits of the top chunk
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + text


_B58_DIGITS = bytes(_B58.index(chr(b)) if chr(b) in _B58 else 255 for b in range(256))


def b58decode(text: str) -> bytes:
    try:
        digits = text.encode("ascii").translate(_B58_DIGITS)
    except UnicodeEncodeError:
        raise MalformedInputError("invalid base58btc character (not ASCII)") from None
    if 255 in digits:
        bad = text[digits.index(255)]
        raise MalformedInputError(f"invalid base58btc character {bad!r}")
    n = 0
    for start in range(0, len(digits), 10):  # small-integer chunks, one big step each
        chunk = digits[start:start + 10]
        v = 0
        for d in chunk:
            v = v * 58 + d
        n = n * _POWERS[len(chunk)] + v
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + body


def encode_base58btc(data: bytes) -> str:
    return "z" + b58encode(data)


def decode_base58btc(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise MalformedInputError("expected a base58btc multibase value starting with 'z'")
    return b58decode(value[1:])


def encode_base64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("u"):
        raise MalformedInputError("expected a base64url multibase value starting with 'u'")
    body = value[1:]
    if any(c in body for c in "+/="):
        raise MalformedInputError("base64url multibase value must not contain '+', '/' or '='")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as e:
        raise MalformedInputError(f"invalid base64url value: {e}") from None
