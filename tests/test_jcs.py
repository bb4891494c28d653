"""RFC 8785 JSON Canonicalization Scheme: the RFC's own examples and the W3C eddsa-jcs-2022 vectors."""

import json
import math
import struct
from pathlib import Path

import pytest

from vc.errors import CanonicalizationError, MalformedInputError
from vc.jcs import canonicalize, format_number
from vc.json_input import loads_strict

# RFC 8785 Appendix B: IEEE-754 bit pattern -> ECMAScript serialization.
RFC8785_NUMBERS = [
    (0x0000000000000000, "0"),
    (0x8000000000000000, "0"),
    (0x0000000000000001, "5e-324"),
    (0x8000000000000001, "-5e-324"),
    (0x7FEFFFFFFFFFFFFF, "1.7976931348623157e+308"),
    (0xFFEFFFFFFFFFFFFF, "-1.7976931348623157e+308"),
    (0x4340000000000000, "9007199254740992"),
    (0xC340000000000000, "-9007199254740992"),
    (0x4430000000000000, "295147905179352830000"),
    (0x44B52D02C7E14AF5, "9.999999999999997e+22"),
    (0x44B52D02C7E14AF6, "1e+23"),
    (0x44B52D02C7E14AF7, "1.0000000000000001e+23"),
    (0x444B1AE4D6E2EF4E, "999999999999999700000"),
    (0x444B1AE4D6E2EF4F, "999999999999999900000"),
    (0x444B1AE4D6E2EF50, "1e+21"),
    (0x3EB0C6F7A0B5ED8C, "9.999999999999997e-7"),
    (0x3EB0C6F7A0B5ED8D, "0.000001"),
    (0x41B3DE4355555553, "333333333.3333332"),
    (0x41B3DE4355555554, "333333333.33333325"),
    (0x41B3DE4355555555, "333333333.3333333"),
    (0x41B3DE4355555556, "333333333.3333334"),
    (0x41B3DE4355555557, "333333333.33333343"),
    (0xBECBF647612F3696, "-0.0000033333333333333333"),
    (0x43143FF3C1CB0959, "1424953923781206.2"),
]


def _double(bits: int) -> float:
    return struct.unpack(">d", bits.to_bytes(8, "big"))[0]


@pytest.mark.parametrize(("bits", "expected"), RFC8785_NUMBERS, ids=[e for _, e in RFC8785_NUMBERS])
def test_numbers_serialize_as_ecmascript_per_rfc8785_appendix_b(bits: int, expected: str) -> None:
    value = _double(bits)
    assert canonicalize(value) == expected.encode()
    assert canonicalize([value]) == f"[{expected}]".encode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.0, "1"),
        (-1.0, "-1"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (-1.2345e25, "-1.2345e+25"),
        (0.1, "0.1"),
        (123.456, "123.456"),
        (1.5e300, "1.5e+300"),
        (4.5, "4.5"),
        (0.002, "0.002"),
        (-0.0, "0"),
    ],
)
def test_number_notation_switches_at_1e21_and_1e_minus_7(value: float, expected: str) -> None:
    assert format_number(value) == expected


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_rejected(value: float) -> None:
    with pytest.raises(CanonicalizationError, match="NaN and Infinity"):
        canonicalize({"x": value})


def test_integers_up_to_2_pow_53_minus_1_are_exact() -> None:
    assert canonicalize(2**53 - 1) == b"9007199254740991"
    assert canonicalize(-(2**53 - 1)) == b"-9007199254740991"
    assert canonicalize({"n": 0, "m": -7}) == b'{"m":-7,"n":0}'


@pytest.mark.parametrize("value", [2**53, -(2**53), 10**30])
def test_integers_beyond_ieee754_exact_range_are_rejected(value: int) -> None:
    with pytest.raises(CanonicalizationError, match="outside the IEEE-754 exact range.*string"):
        canonicalize({"n": value})


def test_booleans_are_literals_not_integers() -> None:
    assert canonicalize([True, False, None, 1, 0]) == b"[true,false,null,1,0]"


def test_rfc8785_section_3_2_2_example_serializes_exactly() -> None:
    source = r"""{
      "numbers": [333333333.33333329, 1E30, 4.50,
                  2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }"""
    expected = (
        r'{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        r'"string":"€$\u000f\nA'
        "'"
        r'B\"\\\\\"/"}'
    )
    assert canonicalize(loads_strict(source)) == expected.encode("utf-8")


def test_rfc8785_section_3_2_3_keys_sort_by_utf16_code_units() -> None:
    source = r"""{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }"""
    out = canonicalize(loads_strict(source)).decode("utf-8")
    values = json.loads(out, object_pairs_hook=lambda pairs: [v for _, v in pairs])
    assert values == [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ]
    # The emoji (surrogate pair D83D DE00) sorts before U+FB33, unlike code point order.
    assert out.index("\U0001f600") < out.index("\ufb33")


def test_strings_escape_like_json_stringify() -> None:
    value = '"\\\b\f\n\r\t\x00\x1f\x7f/é\u2028\U0001f600'
    expected = '"\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\x7f/é\u2028\U0001f600"'
    assert canonicalize(value) == expected.encode("utf-8")


@pytest.mark.parametrize("value", ["a\ud800", {"k\udc00": 1}, ["\ud83d"]])
def test_lone_surrogate_is_rejected(value: object) -> None:
    with pytest.raises(CanonicalizationError, match="surrogate"):
        canonicalize(value)


@pytest.mark.parametrize("value", [(1, 2), {1, 2}, b"bytes", {1: "int key"}, object()])
def test_non_json_types_are_rejected(value: object) -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize(value)


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_nesting_up_to_64_levels_is_accepted_and_deeper_rejected() -> None:
    assert canonicalize(_nested(64)) == b"[" * 64 + b"]" * 64
    with pytest.raises(CanonicalizationError, match="deeper than 64"):
        canonicalize(_nested(65))
    with pytest.raises(CanonicalizationError, match="deeper than 64"):
        canonicalize({"a": _nested(64)})


def test_self_referencing_document_is_rejected() -> None:
    loop: dict = {}
    loop["self"] = loop
    with pytest.raises(CanonicalizationError):
        canonicalize(loop)


def test_loads_strict_rejects_duplicate_keys_naming_the_key() -> None:
    with pytest.raises(MalformedInputError, match="duplicate object key 'issuer'"):
        loads_strict('{"a": {"issuer": 1, "issuer": 2}}')


@pytest.mark.parametrize("text", ["[NaN]", '{"x": Infinity}', "-Infinity"])
def test_loads_strict_rejects_nan_and_infinity(text: str) -> None:
    with pytest.raises(MalformedInputError, match="NaN and Infinity"):
        loads_strict(text)


def test_loads_strict_rejects_numbers_that_overflow_a_double() -> None:
    with pytest.raises(MalformedInputError, match="overflows"):
        loads_strict("[1e400]")


@pytest.mark.parametrize("text", ["{", b"\xff\xfe", "[1,]", "1" * 5000, "[" * 100_000])
def test_loads_strict_rejects_invalid_json(text: str | bytes) -> None:
    with pytest.raises(MalformedInputError):
        loads_strict(text)


def test_loads_strict_accepts_utf8_bytes() -> None:
    assert loads_strict('{"name": "Zoë"}'.encode()) == {"name": "Zoë"}


def test_w3c_eddsa_jcs_2022_document_canonicalizes_byte_for_byte(vectors: Path) -> None:
    base = vectors / "vc-di-eddsa"
    document = loads_strict((base / "unsigned.json").read_bytes())
    expected = (base / "eddsa-jcs-2022" / "canonDocJCS.txt").read_bytes()
    assert canonicalize(document) == expected


def test_w3c_eddsa_jcs_2022_proof_config_canonicalizes_byte_for_byte(vectors: Path) -> None:
    base = vectors / "vc-di-eddsa" / "eddsa-jcs-2022"
    config = loads_strict((base / "proofConfigJCS.json").read_bytes())
    assert canonicalize(config) == (base / "proofCanonJCS.txt").read_bytes()


def test_fast_path_for_parsed_documents_equals_the_exact_path(vectors) -> None:
    from vc.jcs import canonicalize_parsed

    docs = [
        json.loads((vectors / "vc-di-eddsa" / "unsigned.json").read_text()),
        {"a": 1.5, "b": [1e21, 1e-7, 2**53 - 1, -0.0], "é": "x\u2028\x01\u007f"},
        {"\u20ac": 1, "\U0001F600": 2, "\ufb33": 3, "\r": [True, None, {}]},
        {"id": "urn:1", "n": 9007199254740991, "s": "ratio:1.5 and 1e5"},
    ]
    for doc in docs:
        assert canonicalize_parsed(doc) == canonicalize(doc)
    with pytest.raises(CanonicalizationError):
        canonicalize_parsed({"big": 2**53})
    with pytest.raises(CanonicalizationError):
        canonicalize_parsed({"s": "\ud800"})
