"""Bitstring Status List v1.0: bit layout, bounded GZIP expansion, entries and validation."""

import base64
import gzip
import zlib

import pytest

from vc.errors import StatusListError
from vc.statuslist import (
    MIN_BITS,
    Bitstring,
    read_status,
    status_entry,
    status_list_credential,
)

LIST_URL = "https://issuer.example/status/7"
ISSUER = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def _multibase_gzip(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def gzip_bomb() -> str:
    """100 MB of zeros, gzip at level 9: about 100 KB compressed."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(2**20)
    body = b"".join(deflate.compress(chunk) for _ in range(100)) + deflate.flush()
    assert len(body) < 200_000
    return _multibase_gzip(body)


def test_encode_decode_round_trip_keeps_every_set_bit() -> None:
    bits = Bitstring(MIN_BITS * 2)
    chosen = [0, 1, 7, 8, 4242, 99_999, MIN_BITS * 2 - 1]
    for i in chosen:
        bits.set(i, True)
    bits.set(4242, False)
    decoded = Bitstring.decode(bits.encode())
    assert len(decoded) == MIN_BITS * 2
    assert decoded.to_bytes() == bits.to_bytes()
    assert [i for i in chosen if decoded.get(i)] == [0, 1, 7, 8, 99_999, MIN_BITS * 2 - 1]


def test_encoded_list_is_multibase_base64url_of_gzip() -> None:
    encoded = Bitstring().encode()
    assert encoded.startswith("u")
    assert not set("+/=") & set(encoded)
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert raw[:2] == b"\x1f\x8b"  # RFC 1952 magic
    assert gzip.decompress(raw) == bytes(MIN_BITS // 8)


def test_spec_example_encoded_list_decodes_to_16kb_of_zeros() -> None:
    # Bitstring Status List v1.0 §2.2, Example 3.
    bits = Bitstring.decode("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")
    assert len(bits) == MIN_BITS
    assert not any(bits.to_bytes())


def test_index_zero_is_the_most_significant_bit_of_the_first_byte() -> None:
    bits = Bitstring()
    bits.set(0, True)
    assert bits.to_bytes()[:2] == b"\x80\x00"
    bits.set(0, False)
    bits.set(9, True)
    assert bits.to_bytes()[:2] == b"\x00\x40"
    assert bits.get(9) and not bits.get(8) and not bits.get(10)


@pytest.mark.parametrize("index", [-1, MIN_BITS, True, "3"])
def test_out_of_range_or_non_integer_bit_index_is_rejected(index: object) -> None:
    with pytest.raises(StatusListError):
        Bitstring().get(index)  # type: ignore[arg-type]


@pytest.mark.parametrize("length", [0, 8, MIN_BITS - 8, MIN_BITS + 1])
def test_lists_shorter_than_16kb_or_not_whole_bytes_cannot_be_created(length: int) -> None:
    with pytest.raises(StatusListError):
        Bitstring(length)


def test_decoding_a_list_shorter_than_minimum_is_rejected() -> None:
    short = _multibase_gzip(gzip.compress(bytes(MIN_BITS // 8 - 1)))
    with pytest.raises(StatusListError, match="STATUS_LIST_LENGTH_ERROR"):
        Bitstring.decode(short)


def test_gzip_bomb_is_rejected_under_the_default_cap(gzip_bomb: str) -> None:
    with pytest.raises(StatusListError, match="expands beyond 134217728 bits"):
        Bitstring.decode(gzip_bomb)


def test_expansion_cap_is_configurable() -> None:
    encoded = Bitstring(MIN_BITS * 4).encode()
    assert len(Bitstring.decode(encoded, max_bits=MIN_BITS * 4)) == MIN_BITS * 4
    with pytest.raises(StatusListError, match="expands beyond"):
        Bitstring.decode(encoded, max_bits=MIN_BITS * 2)


def test_oversized_compressed_input_is_rejected_before_inflating() -> None:
    with pytest.raises(StatusListError, match="compressed limit"):
        Bitstring.decode("u" + "A" * 5000, max_compressed=1000)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "zNotBase64url",
        "u" + "!!!!",
        "u+/==",
        _multibase_gzip(b"not gzip at all" * 10),
        _multibase_gzip(zlib.compress(bytes(MIN_BITS // 8))),  # zlib, not gzip
        _multibase_gzip(gzip.compress(bytes(MIN_BITS // 8))[:-12]),  # truncated
        _multibase_gzip(gzip.compress(bytes(MIN_BITS // 8)) + b"trailing"),
    ],
    ids=["empty", "base58", "bad-chars", "padding", "not-gzip", "zlib", "truncated", "trailing"],
)
def test_garbage_encoded_list_is_rejected(encoded: str) -> None:
    with pytest.raises(StatusListError):
        Bitstring.decode(encoded)


def test_credential_has_the_shape_of_section_2_2() -> None:
    bits = Bitstring()
    credential = status_list_credential(
        LIST_URL, ISSUER, "revocation", bits, valid_from="2025-01-01T00:00:00Z"
    )
    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bits.encode(),
        },
    }
    assert "proof" not in credential
    without_dates = status_list_credential(LIST_URL, ISSUER, "suspension", bits)
    assert "validFrom" not in without_dates and "validUntil" not in without_dates
    until = status_list_credential(
        LIST_URL, ISSUER, "revocation", bits, None, "2026-01-01T00:00:00Z"
    )
    assert until["validUntil"] == "2026-01-01T00:00:00Z"


def test_entry_has_the_shape_of_section_2_1() -> None:
    assert status_entry(LIST_URL, 94567, "suspension") == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


@pytest.mark.parametrize(
    ("index", "purpose"), [(-1, "revocation"), (3, "expired"), (True, "message")]
)
def test_invalid_entries_cannot_be_created(index: int, purpose: str) -> None:
    with pytest.raises(StatusListError):
        status_entry(LIST_URL, index, purpose)


def test_read_status_returns_the_bit_of_the_entry() -> None:
    bits = Bitstring()
    bits.set(1234, True)
    credential = status_list_credential(LIST_URL, ISSUER, "revocation", bits)
    assert read_status(status_entry(LIST_URL, 1234, "revocation"), credential) is True
    assert read_status(status_entry(LIST_URL, 1235, "revocation"), credential) is False
    assert read_status(status_entry(LIST_URL, 0, "revocation"), credential) is False


def test_read_status_accepts_a_list_with_several_purposes() -> None:
    bits = Bitstring()
    bits.set(5, True)
    credential = status_list_credential(LIST_URL, ISSUER, "revocation", bits)
    credential["credentialSubject"]["statusPurpose"] = ["revocation", "suspension"]
    assert read_status(status_entry(LIST_URL, 5, "suspension"), credential) is True


def _revocation_list() -> dict:
    return status_list_credential(LIST_URL, ISSUER, "revocation", Bitstring())


def test_read_status_rejects_a_purpose_the_list_does_not_carry() -> None:
    with pytest.raises(StatusListError, match="STATUS_VERIFICATION_ERROR.*'suspension'"):
        read_status(status_entry(LIST_URL, 3, "suspension"), _revocation_list())


def test_read_status_rejects_an_index_beyond_the_list() -> None:
    entry = status_entry(LIST_URL, MIN_BITS, "revocation")
    with pytest.raises(StatusListError, match="RANGE_ERROR"):
        read_status(entry, _revocation_list())
    entry["statusListIndex"] = "9" * 5000  # no slow or failing int() on huge strings
    with pytest.raises(StatusListError, match="RANGE_ERROR"):
        read_status(entry, _revocation_list())


@pytest.mark.parametrize("index", ["-1", "12a", "", " 12", "1e3", "0x10", "٣", 12, None])
def test_read_status_rejects_a_non_decimal_index(index: object) -> None:
    entry = status_entry(LIST_URL, 0, "revocation")
    entry["statusListIndex"] = index
    with pytest.raises(StatusListError, match="statusListIndex"):
        read_status(entry, _revocation_list())


def test_read_status_accepts_leading_zeros_in_the_index() -> None:
    bits = Bitstring()
    bits.set(42, True)
    entry = status_entry(LIST_URL, 42, "revocation")
    entry["statusListIndex"] = "0042"
    assert read_status(entry, status_list_credential(LIST_URL, ISSUER, "revocation", bits))


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("type", ["VerifiableCredential"], "BitstringStatusListCredential"),
        ("id", "https://issuer.example/status/8", "entry points to"),
        ("credentialSubject", {"type": "StatusList2021"}, "BitstringStatusList"),
    ],
)
def test_read_status_rejects_a_credential_that_is_not_this_status_list(
    field: str, value: object, reason: str
) -> None:
    credential = _revocation_list()
    credential[field] = value
    with pytest.raises(StatusListError, match=reason):
        read_status(status_entry(LIST_URL, 0, "revocation"), credential)


@pytest.mark.parametrize(
    ("field", "value"),
    [("type", "StatusList2021Entry"), ("statusPurpose", "expired"), ("statusSize", 2)],
)
def test_read_status_rejects_unsupported_entries(field: str, value: object) -> None:
    entry = status_entry(LIST_URL, 0, "revocation")
    entry[field] = value
    with pytest.raises(StatusListError):
        read_status(entry, _revocation_list())


def test_read_status_rejects_a_bomb_in_the_list(gzip_bomb: str) -> None:
    credential = _revocation_list()
    credential["credentialSubject"]["encodedList"] = gzip_bomb
    with pytest.raises(StatusListError, match="expands beyond"):
        read_status(status_entry(LIST_URL, 0, "revocation"), credential)
