"""JCS (RFC 8785, `vc.jcs`) against the `rfc8785` package on generated JSON values: the same
bytes from both of our paths (the exact serializer and the orjson fast path for parsed
documents), and a clear CanonicalizationError for what JCS cannot represent exactly."""
import math

import pytest
import rfc8785
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vc.errors import CanonicalizationError, MalformedInputError
from vc.jcs import MAX_SAFE_INTEGER, canonicalize, canonicalize_parsed
from vc.json_input import MAX_DEPTH, loads_strict

# every code point but lone surrogates (JSON text is Unicode): astral characters, controls,
# U+E000 and above (whose UTF-16 order differs from their code point order) included
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
I_JSON_INTEGERS = st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)  # RFC 7493 §2.2
NUMBERS = I_JSON_INTEGERS | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [0.0, -0.0, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, 2.0**53, 0.1 + 0.2, 1e16, 123e-20])
SCALARS = st.none() | st.booleans() | NUMBERS | TEXT
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(TEXT, inner, max_size=4), max_leaves=20)
OBJECTS = st.dictionaries(TEXT, JSON, max_size=4)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_canonical_bytes_equal_the_rfc8785_package(value):
    assert canonicalize(value) == rfc8785.dumps(value)


@settings(max_examples=150, deadline=None)
@given(OBJECTS)
# keys whose UTF-16 order differs from code point order, -0.0, exponents, 16+ digits
@example({"\ue000": 1, "\U0001f600": [-0.0, 1e21, 1e-7], "a": 2**53 - 1, "b": 1e16})
def test_the_fast_path_for_parsed_documents_equals_the_rfc8785_package(document):
    assert canonicalize_parsed(document) == rfc8785.dumps(document)


READ_BACK = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(TEXT, inner, max_size=4), max_leaves=20)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(TEXT, READ_BACK, max_size=4))
def test_canonical_json_parses_back_strictly_to_the_same_canonical_json(document):
    text = canonicalize(document)
    assert canonicalize(loads_strict(text)) == text


@pytest.mark.parametrize("number", [2.0**53, 1e20, -(2.0**60), 2.0**53 + 2])
def test_an_integral_double_beyond_2_53_reads_back(number):
    # JCS writes such a double as an integer (RFC 8785 Appendix B); the strict reader takes
    # an integer token that a double holds exactly back as that double, as JSON.parse does
    text = canonicalize({"n": number})
    assert canonicalize(loads_strict(text)) == text


def test_an_integer_a_double_cannot_hold_is_refused_not_rounded():
    # by the reader already (I-JSON, RFC 7493 §2.2), and by JCS for a value built in Python
    with pytest.raises(MalformedInputError, match="integer 9007199254740993 is outside"):
        loads_strict('{"n": 9007199254740993}')
    with pytest.raises(CanonicalizationError, match="outside the IEEE-754 exact range"):
        canonicalize({"n": 9007199254740993})


def _nest(value, path: list[int], scalar):
    """`value` with `scalar` put inside it: in place of the leaf or container chosen by
    `path`, or appended to it (so the bad value can sit at any depth)."""
    if not path or not isinstance(value, list | dict) or not value:
        return [value, scalar] if path and path[0] % 2 else scalar
    if isinstance(value, list):
        i = path[0] % len(value)
        return [*value[:i], _nest(value[i], path[1:], scalar), *value[i + 1:]]
    key = sorted(value)[path[0] % len(value)]
    return {**value, key: _nest(value[key], path[1:], scalar)}


OUT_OF_RANGE = (st.integers(MAX_SAFE_INTEGER + 1, 2**80)
                | st.integers(-(2**80), -MAX_SAFE_INTEGER - 1))


@settings(max_examples=100, deadline=None)
@given(OBJECTS, st.lists(st.integers(0, 10), max_size=6), OUT_OF_RANGE)
def test_an_integer_outside_i_json_is_refused_by_both_paths_with_the_reason(document, path,
                                                                           number):
    bad = _nest(document, path, number)
    with pytest.raises(rfc8785.IntegerDomainError):
        rfc8785.dumps(bad)
    for serialize in (canonicalize, canonicalize_parsed):
        with pytest.raises(CanonicalizationError, match=f"integer {number} is outside"):
            serialize(bad if isinstance(bad, dict) else {"v": bad})


@settings(max_examples=50, deadline=None)
@given(OBJECTS, st.lists(st.integers(0, 10), max_size=6),
       st.sampled_from([math.nan, math.inf, -math.inf]))
def test_nan_and_infinity_are_refused_by_both_paths(document, path, number):
    bad = {"v": _nest(document, path, number)}
    with pytest.raises(rfc8785.FloatDomainError):
        rfc8785.dumps(bad)
    for serialize in (canonicalize, canonicalize_parsed):
        with pytest.raises(CanonicalizationError, match="NaN and Infinity"):
            serialize(bad)


@settings(max_examples=50, deadline=None)
@given(OBJECTS, st.lists(st.integers(0, 10), max_size=6),
       st.characters(categories=("Cs",)), TEXT, st.booleans())
def test_a_lone_surrogate_is_refused_by_both_paths(document, path, surrogate, text, as_key):
    spoiled = text[:1] + surrogate + text[1:]
    bad = {"v": _nest(document, path, {spoiled: 1} if as_key else spoiled)}
    # (rfc8785 0.1.4 lets the UnicodeEncodeError of a surrogate key through)
    with pytest.raises((rfc8785.CanonicalizationError, UnicodeEncodeError)):
        rfc8785.dumps(bad)
    for serialize in (canonicalize, canonicalize_parsed):
        with pytest.raises(CanonicalizationError, match="lone surrogate"):
            serialize(bad)


@settings(max_examples=50, deadline=None)
@given(st.integers(MAX_DEPTH, 3 * MAX_DEPTH), st.sampled_from(["[", "{"]), SCALARS)
def test_nesting_deeper_than_the_bound_is_refused_by_both_paths(depth, kind, leaf):
    value = leaf
    for _ in range(depth):
        value = [value] if kind == "[" else {"k": value}
    document = {"v": value}  # depth + 1 levels
    for serialize in (canonicalize, canonicalize_parsed):
        with pytest.raises(CanonicalizationError, match=f"deeper than {MAX_DEPTH}"):
            serialize(document)
