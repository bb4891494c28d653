"""RFC 8785 JSON Canonicalization Scheme (JCS), used by eddsa-jcs-2022.

`canonicalize` turns a parsed JSON value into its canonical UTF-8 bytes. JCS input must be
I-JSON (RFC 7493): `vc.json_input.loads_strict` parses JSON text that way.
"""

import math
import re
from json.encoder import encode_basestring  # C implementation when available
from typing import Any

import orjson

from vc.errors import CanonicalizationError

MAX_DEPTH = 64  # JSON nesting every reader and writer of JSON text in vc allows (vc.json_input)
MAX_SAFE_INTEGER = 2**53 - 1  # RFC 8785 §3.2.2.3 / RFC 7493 §2.2: exact IEEE-754 integers

# Type alias for documentation: what canonicalize accepts.
JSONValue = dict[str, Any] | list[Any] | str | int | float | bool | None


# Output of the C encoder that may differ from JCS: a number token with a fraction or an
# exponent, or 16+ digits (floats, big integers); a character whose UTF-16 order differs from
# its code point order (U+E000 and above) in a key. Strings can trigger it too: harmless,
# such documents simply take the exact path.
_RISKY_NUMBER = re.compile(
    rb"[:\[,]-?\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+)[,\]}]|[:\[,]-?\d{16,}[,\]}]")
# UTF-8 lead bytes of U+E000 and above: they never occur as continuation bytes
_HIGH_LEAD_BYTES = (b"\xee", b"\xef", b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")


def canonicalize_parsed(value: dict[str, Any]) -> bytes:
    """`canonicalize` for a document parsed from JSON text (string keys, lists, no tuples).

    orjson (Rust) writes the JCS bytes for documents with only strings, small integers and
    booleans, keys below U+E000 and shallow nesting: it escapes like JSON.stringify and
    sorts keys by code point, which equals UTF-16 order below U+E000. Anything else takes
    the exact path. It would turn tuples into arrays, so it is only for parsed documents.
    """
    try:
        data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return canonicalize(value)  # big integers, lone surrogates, non-JSON types
    # orjson writes NaN and Infinity as null: the exact path refuses them
    if (data.count(b"{") + data.count(b"[") > MAX_DEPTH or b"null" in data
            or _may_hold_risky_number(data)
            or (not data.isascii() and any(b in data for b in _HIGH_LEAD_BYTES))):
        return canonicalize(value)
    return data


# Where a JSON number token can start: after a key's colon, or as an array element. Each
# pattern has a literal first character, which `re` scans for quickly.
_NUMBER_STARTS = (re.compile(rb'":-?[0-9]'), re.compile(rb",-?[0-9]"),
                  re.compile(rb"\[-?[0-9]"))


def _may_hold_risky_number(data: bytes) -> bool:
    """Cheap test first: no number token at all means nothing risky; only documents with
    numbers (or look-alikes inside strings) pay for the exact pattern."""
    if not any(p.search(data) for p in _NUMBER_STARTS):
        return False
    return bool(_RISKY_NUMBER.search(data))


def canonicalize(value: JSONValue) -> bytes:
    """Return the RFC 8785 canonical form of `value` as UTF-8 bytes.

    Raises CanonicalizationError for values JCS cannot represent exactly: non-JSON types,
    NaN/Infinity, integers beyond ±(2**53 - 1), lone surrogates, nesting deeper than 64.
    """
    parts: list[str] = []
    _serialize(value, parts, 0)
    text = "".join(parts)
    try:
        # RFC 8785 §3.2.4: output is UTF-8; a lone surrogate cannot be encoded.
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        char = text[e.start]
        raise CanonicalizationError(
            f"lone surrogate U+{ord(char):04X} in a string or key: not valid Unicode, "
            "JCS cannot canonicalize it (RFC 8785 §3.2.2.2)"
        ) from None


def _serialize(value: Any, parts: list[str], depth: int) -> None:
    # isinstance order: strings and containers dominate credentials; bool before int.
    if isinstance(value, str):
        parts.append(encode_basestring(value))  # §3.2.2.2: same escapes as JSON.stringify
    elif isinstance(value, dict):
        if depth >= MAX_DEPTH:
            raise _too_deep()
        if not value:
            parts.append("{}")
            return
        keys = _sorted_keys(value)
        sep = "{"
        for key in keys:
            parts.append(sep)
            parts.append(encode_basestring(key))
            parts.append(":")
            _serialize(value[key], parts, depth + 1)
            sep = ","
        parts.append("}")
    elif isinstance(value, list):
        if depth >= MAX_DEPTH:
            raise _too_deep()
        if not value:
            parts.append("[]")
            return
        sep = "["
        for item in value:
            parts.append(sep)
            _serialize(item, parts, depth + 1)
            sep = ","
        parts.append("]")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif value is None:
        parts.append("null")
    elif isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            parts.append(int.__repr__(value))
        else:
            raise CanonicalizationError(
                f"integer {value} is outside the IEEE-754 exact range ±(2**53 - 1); "
                "JCS would silently round it (RFC 8785 §3.2.2.3): send it as a string"
            )
    elif isinstance(value, float):
        parts.append(format_number(value))
    else:
        raise CanonicalizationError(
            f"{type(value).__name__} is not a JSON type: JCS accepts only dict, list, str, "
            "int, float, bool and None"
        )


def _sorted_keys(obj: dict[str, Any]) -> list[str]:
    """RFC 8785 §3.2.3: sort member names by their UTF-16 code units."""
    ascii_only = True
    for key in obj:
        if not isinstance(key, str):
            raise CanonicalizationError(
                f"object key {key!r} is a {type(key).__name__}: JSON object keys must be strings"
            )
        if ascii_only and not key.isascii():
            ascii_only = False
    if ascii_only:  # ASCII: code point order equals UTF-16 code unit order
        return sorted(obj)
    return sorted(obj, key=_utf16_key)


def _utf16_key(key: str) -> bytes:
    try:
        return key.encode("utf-16-be")
    except UnicodeEncodeError as e:
        raise CanonicalizationError(
            f"object key {key!r} holds a lone surrogate at position {e.start}: not valid Unicode"
        ) from None


def _too_deep() -> CanonicalizationError:
    return CanonicalizationError(
        f"document is nested deeper than {MAX_DEPTH} levels (or is self-referencing); refusing "
        "to canonicalize it"
    )


def format_number(x: float) -> str:
    """ECMAScript Number.prototype.toString for a double (RFC 8785 §3.2.2.3)."""
    if not math.isfinite(x):
        raise CanonicalizationError(
            f"{x!r} is not a JSON number: NaN and Infinity cannot be canonicalized"
        )
    if x == 0.0:
        return "0"  # also -0.0
    if x.is_integer() and -MAX_SAFE_INTEGER <= x <= MAX_SAFE_INTEGER:
        return str(int(x))  # fast path: exact, and below 1e21 so decimal notation
    sign = "-" if x < 0 else ""
    # repr gives the shortest digits that round-trip, nearest to x (same as ECMAScript).
    mantissa, _, exp_text = repr(abs(x)).partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = int_part + frac_part
    # n: position of the decimal point relative to the start of `digits` (ECMA-262 6.1.6.1.20)
    n = len(int_part) + (int(exp_text) if exp_text else 0)
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exponent = ("+" if e >= 0 else "-") + str(abs(e))
    if k == 1:
        return sign + digits + "e" + exponent
    return sign + digits[0] + "." + digits[1:] + "e" + exponent
