"""JSON from outside (a request body, a file, a QR code, a fetched document): parsed strictly
as I-JSON (RFC 7493, which RFC 8785 §3.1 requires of JCS input) and bounded in size and
nesting depth, with a message a person can act on.
"""
import json
import math
from typing import Any

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
    what was signed reads back as the same number; any other stays an integer, which JCS
    refuses rather than round."""
    value = int(text)
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER or len(text) > 23:
        return value
    as_double = float(value)
    return as_double if format_number(as_double) == text else value


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


def loads_strict(text: str | bytes) -> Any:
    """Parse JSON for canonicalization: duplicate keys, NaN/Infinity and overflowing numbers
    are MalformedInputError (RFC 8785 §3.1 requires I-JSON input, RFC 7493 §2.3, §2.2)."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")  # RFC 8259 §8.1: JSON exchanged as UTF-8
        except UnicodeDecodeError as e:
            raise MalformedInputError(f"JSON text is not valid UTF-8: {e}") from None
    if not isinstance(text, str):
        raise MalformedInputError(f"expected JSON text (str or bytes), got {type(text).__name__}")
    try:
        return json.loads(
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
    except ValueError as e:  # JSONDecodeError, and int() beyond the digit limit
        raise MalformedInputError(f"invalid JSON: {e}") from None
