"""JSON from outside (a request body, a file, a QR code, a fetched document): parsed strictly
as I-JSON (RFC 7493, which RFC 8785 §3.1 requires of JCS input) and bounded in size and
nesting depth, with a message a person can act on.

This is the one door for JSON text from outside: whatever it returns can be canonicalized,
stored and shown (no integer a double cannot hold, no lone surrogate), so a refusal happens
here, as a MalformedInputError naming the value, and never later in a signer, a digest or a
database driver.
"""
import json
import math
import re
from typing import Any

from vc.codes import ErrorCode
from vc.errors import MalformedInputError
from vc.jcs import MAX_DEPTH, MAX_SAFE_INTEGER, format_number

# MAX_DEPTH is the one nesting bound of vc, shared with the JCS writer
__all__ = ["MAX_DEPTH", "TooLargeError", "as_list", "json_depth", "loads_bounded",
           "loads_strict"]


def as_list(value: object) -> list[Any]:
    """A property's values: JSON-LD writes one value alone and several as an array (absent:
    none)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def json_depth(value: object, stop_after: int = MAX_DEPTH) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), counted level by level without
    recursion (a deep value must not blow the stack); stops counting past `stop_after`."""
    level: list[dict[str, Any] | list[Any]] = [value] if isinstance(value, dict | list) else []
    depth = 0
    while level and depth <= stop_after:
        depth += 1
        below: list[dict[str, Any] | list[Any]] = []
        for item in level:
            below.extend(c for c in (item.values() if isinstance(item, dict) else item)
                         if isinstance(c, dict | list))
        level = below
    return depth


class TooLargeError(MalformedInputError):
    """The input is larger than its bound (an HTTP server answers 413)."""

    code = ErrorCode.TOO_LARGE


def loads_bounded(raw: bytes, what: str, *, max_bytes: int,
                  max_depth: int = MAX_DEPTH) -> Any:
    """`loads_strict` of at most `max_bytes` bytes nested at most `max_depth` levels; every
    refusal names `what`."""
    if len(raw) > max_bytes:
        raise TooLargeError(f"{what} is larger than {max_bytes} bytes")
    try:
        value = loads_strict(raw)
    except MalformedInputError as e:
        raise MalformedInputError(f"{what} is not valid JSON: {e}") from None
    if json_depth(value, max_depth) > max_depth:
        raise MalformedInputError(f"{what} is nested deeper than {max_depth} levels")
    return value


def _reject_constant(name: str) -> float:
    raise MalformedInputError(f"{name} is not valid JSON: NaN and Infinity are not allowed")


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise MalformedInputError(
            f"number {text[:40]}{'...' if len(text) > 40 else ''} overflows an IEEE-754 double"
        )
    return value


def _parse_int(text: str) -> int | float:
    """An integer token beyond ±(2**53 - 1) that is how JCS writes a double (an integral
    double below 1e21, RFC 8785 §3.2.2.3) is read as that double, as JSON.parse does, so that
    what was signed reads back as the same number; any other is refused: a double cannot
    hold it, so readers disagree on its value (I-JSON, RFC 7493 §2.2)."""
    if len(text) <= 15:  # at most 15 digits: within ±(2**53 - 1)
        return int(text)
    # a double JCS writes as an integer is below 1e21: 22 characters with the sign
    value = int(text) if len(text) <= 22 else None
    if value is not None and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    if value is not None:
        as_double = float(value)
        if format_number(as_double) == text:
            return as_double
    shown = text if len(text) <= 40 else text[:40] + "..."
    raise MalformedInputError(
        f"integer {shown} is outside the range a double holds exactly, ±(2**53 - 1) "
        "(I-JSON, RFC 7493 §2.2): send it as a string")


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise MalformedInputError(
                    f"duplicate object key {key!r}: a JSON object must not repeat a member name"
                )
            seen.add(key)
    return obj


# A lone surrogate reaches a parsed string only through a \u escape (UTF-8 cannot encode
# one) or in a str given to us: the cheap search on the text decides whether to look.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value: Any) -> str | None:
    """The first string or key holding a lone surrogate, shortened, or None. Valid pairs were
    joined by the parser, so any surrogate left in a parsed str is a lone one."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found:
                return f"U+{ord(found.group()):04X}"
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def loads_strict(text: str | bytes) -> Any:
    """Parse JSON for canonicalization: duplicate keys, NaN/Infinity, overflowing numbers,
    integers beyond ±(2**53 - 1) and lone surrogates are MalformedInputError (RFC 8785 §3.1
    requires I-JSON input: RFC 7493 §2.3, §2.2, §2.1; RFC 8259 §8.2)."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")  # RFC 8259 §8.1: JSON exchanged as UTF-8
        except UnicodeDecodeError as e:
            raise MalformedInputError(f"JSON text is not valid UTF-8: {e}") from None
    if not isinstance(text, str):
        raise MalformedInputError(f"expected JSON text (str or bytes), got {type(text).__name__}")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_pairs,
            parse_constant=_reject_constant,
            parse_float=_parse_float,
            parse_int=_parse_int,
        )
    except MalformedInputError:
        raise
    except RecursionError:
        raise MalformedInputError("JSON text is nested too deeply to parse") from None
    except ValueError as e:  # JSONDecodeError
        raise MalformedInputError(f"invalid JSON: {e}") from None
    # substring and isascii() tests first: C loops, ten times faster than the regexes on the
    # large documents (a sealed EDC carries its rendered page) that hold neither
    if ("\\u" in text and _SURROGATE_ESCAPE.search(text)) or (
            not text.isascii() and _SURROGATE.search(text)):
        found = _lone_surrogate(value)
        if found is not None:
            raise MalformedInputError(
                f"a string holds a lone surrogate ({found}), which is not a character "
                "(I-JSON, RFC 7493 §2.1; RFC 8259 §8.2)")
    return value
