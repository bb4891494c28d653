"""base58btc (`vc.multibase`, multibase 'z') and Base45 (RFC 9285, `vc.qr`) on generated
bytes: they round trip, keep leading zero bytes, agree with the textbook algorithms, and
refuse text outside their alphabets with the documented error."""
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vc.errors import MalformedInputError
from vc.multibase import decode_base58btc, encode_base58btc
from vc.qr import BASE45_ALPHABET, QRPayloadError, base45_decode, base45_encode

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# leading zero bytes are where base58 implementations go wrong: generate many of them
DATA = st.builds(lambda zeros, rest: b"\0" * zeros + rest, st.integers(0, 6),
                 st.binary(max_size=80))


def _textbook_base58(data: bytes) -> str:
    """The Bitcoin algorithm, digit by digit (the draft-msporny-base58 §3 encoding)."""
    n = int.from_bytes(data, "big")
    digits = ""
    while n:
        n, r = divmod(n, 58)
        digits = B58_ALPHABET[r] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


def _textbook_base45(data: bytes) -> str:
    """RFC 9285 §4 in its own words: [a b] -> a*256+b = c + d*45 + e*45*45 -> c d e."""
    out = ""
    for i in range(0, len(data), 2):
        if i + 1 < len(data):
            n = data[i] * 256 + data[i + 1]
            out += "".join(BASE45_ALPHABET[n // 45**k % 45] for k in range(3))
        else:
            out += "".join(BASE45_ALPHABET[data[i] // 45**k % 45] for k in range(2))
    return out


@settings(max_examples=300, deadline=None)
@given(DATA)
@example(b"")
@example(b"\0")
@example(b"\0\0\0\xff")
def test_base58btc_round_trips_and_matches_the_textbook_encoding(data):
    encoded = encode_base58btc(data)
    assert encoded == "z" + _textbook_base58(data)
    assert decode_base58btc(encoded) == data


@settings(max_examples=300, deadline=None)
@given(DATA)
@example(b"")
@example(b"\0\0")
@example(b"\xff\xff\xff")
def test_base45_round_trips_and_matches_rfc9285(data):
    encoded = base45_encode(data)
    assert encoded == _textbook_base45(data)
    assert base45_decode(encoded) == data



def _not_in(alphabet: str):
    """Any character outside `alphabet`, ASCII or not (no lone surrogates: text is Unicode)."""
    return st.characters(exclude_categories=("Cs",), exclude_characters=alphabet)


@settings(max_examples=200, deadline=None)
@given(DATA, st.integers(0, 200), _not_in(B58_ALPHABET))
@example(b"\x01", 0, "0")
@example(b"\x01", 0, "O")
@example(b"\x01", 0, "I")
@example(b"\x01", 0, "l")
def test_base58btc_refuses_a_character_outside_its_alphabet(data, position, bad):
    body = _textbook_base58(data)
    position %= len(body) + 1
    with pytest.raises(MalformedInputError, match="invalid base58btc character"):
        decode_base58btc("z" + body[:position] + bad + body[position:])


@settings(max_examples=200, deadline=None)
@given(DATA, st.integers(0, 200), _not_in(BASE45_ALPHABET))
@example(b"AB", 0, "a")  # lower case is not Base45 (RFC 9285 §4: the QR alphanumeric set)
def test_base45_refuses_a_character_outside_its_alphabet(data, position, bad):
    text = base45_encode(data)
    position %= len(text) + 1
    spoiled = text[:position] + bad + text[position:]
    # one character more can also leave a dangling one: either refusal names the problem
    with pytest.raises(QRPayloadError, match="not in the Base45 alphabet|is truncated"):
        base45_decode(spoiled)
    if len(spoiled) % 3 != 1:
        with pytest.raises(QRPayloadError, match=re.escape(f"{bad!r} is not in the Base45")):
            base45_decode(spoiled)


@settings(max_examples=300, deadline=None)
@given(st.text(BASE45_ALPHABET, max_size=60))
def test_any_base45_text_decodes_or_is_refused_with_a_reason(text):
    """Within the alphabet: a dangling character, or a triplet/pair above its byte range
    (RFC 9285 §6), is a QRPayloadError; whatever decodes encodes back to the same text."""
    try:
        data = base45_decode(text)
    except QRPayloadError as e:
        assert "truncated" in str(e) or "it is corrupt" in str(e)
    else:
        assert base45_encode(data) == text


@settings(max_examples=200, deadline=None)
@given(st.text(B58_ALPHABET, max_size=60))
def test_any_base58_text_decodes_to_bytes_that_encode_back_to_it(text):
    assert encode_base58btc(decode_base58btc("z" + text)) == "z" + text
