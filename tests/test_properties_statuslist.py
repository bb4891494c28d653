"""Bitstring Status List v1.0 (`vc.statuslist`) on generated lists: a bitstring survives
encoding (§3.3) and expansion (§3.4) bit for bit, the entries read their own bits (§3.2),
and whatever text arrives as an encodedList is a list or a StatusListError with the reason,
a compression bomb included, without ever inflating past the bound."""
import base64
import gzip
import tracemalloc
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vc.errors import StatusListError
from vc.statuslist import (
    MIN_BITS,
    Bitstring,
    read_status,
    status_entry,
    status_list_credential,
)

LIST_URL = "https://certify.example.eu/status/1"
SIZES = st.integers(1, 4).map(lambda k: MIN_BITS * k)


def _base64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@st.composite
def bitstrings(draw) -> tuple[Bitstring, set[int]]:
    size = draw(SIZES)
    chosen = set(draw(st.lists(st.integers(0, size - 1), max_size=60)))
    # the edges of every byte and of the list, where bit order goes wrong
    chosen |= set(draw(st.lists(st.sampled_from([0, 7, 8, size - 8, size - 1]), max_size=5)))
    bits = Bitstring(size)
    for index in chosen:
        bits.set(index, True)
    return bits, chosen


@settings(max_examples=60, deadline=None)
@given(bitstrings())
def test_a_bitstring_round_trips_through_its_encoded_list(generated):
    bits, chosen = generated
    decoded = Bitstring.decode(bits.encode())
    assert len(decoded) == len(bits) and decoded.to_bytes() == bits.to_bytes()
    # §2.2: index 0 is the left-most bit of the first byte
    data = decoded.to_bytes()
    assert {i * 8 + b for i, byte in enumerate(data) if byte
            for b in range(8) if byte & (0x80 >> b)} == chosen
    for index in chosen:
        assert decoded.get(index)
        assert decoded.get(index ^ 1) is ((index ^ 1) in chosen)  # its neighbour in the byte


@settings(max_examples=60, deadline=None)
@given(bitstrings(), st.lists(st.integers(0, 4 * MIN_BITS - 1), min_size=1, max_size=10),
       st.sampled_from(["revocation", "suspension"]))
def test_each_entry_reads_its_own_bit_from_the_list_credential(generated, probes, purpose):
    bits, chosen = generated
    credential = status_list_credential(LIST_URL, "did:web:certify.example.eu", purpose, bits)
    for index in [*sorted(chosen)[:10], *probes]:
        entry = status_entry(LIST_URL, index, purpose)
        if index < len(bits):
            assert read_status(entry, credential) is (index in chosen)
        else:
            with pytest.raises(StatusListError, match="RANGE_ERROR"):
                read_status(entry, credential)


def _bomb(inflated_bytes: int) -> str:
    """gzip of `inflated_bytes` zero bytes, a few KB of base64url, built chunk by chunk."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    parts = [packer.compress(chunk) for _ in range(inflated_bytes >> 20)]
    parts += [packer.compress(bytes(inflated_bytes & ((1 << 20) - 1))), packer.flush()]
    return _base64url(b"".join(parts))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 8).map(lambda k: MIN_BITS * k), st.integers(1, 64))
def test_a_bomb_is_refused_without_inflating_past_the_bound(max_bits, times):
    max_bytes = max_bits // 8
    bomb = _bomb(max_bytes * times + 1)  # from just over the bound to 64 times over it
    tracemalloc.start()
    try:
        with pytest.raises(StatusListError, match=f"expands beyond {max_bits} bits"):
            Bitstring.decode(bomb, max_bits=max_bits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the output buffer (one byte over the bound) and zlib's window: never the bomb's size
    assert peak < 2 * max_bytes + 512 * 1024, (peak, max_bytes * times)


def test_a_bomb_under_the_default_bound_is_refused_with_bounded_memory():
    bomb = _bomb(64 * 1024 * 1024)  # 64 MiB of zeros, 4 times the default bound
    tracemalloc.start()
    try:
        with pytest.raises(StatusListError, match="compression bomb"):
            Bitstring.decode(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, peak  # the 16 MiB bound twice over, and zlib's state


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


# what may arrive as an encodedList: any text; base64url of any bytes; gzip members that are
# short, truncated, followed by more data, or two in a row; multibase prefixes other than 'u'
ENCODED_LISTS = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=200).map(_base64url),
    st.binary(max_size=MIN_BITS // 8 + 64).map(_gzip).map(_base64url),
    st.tuples(st.binary(max_size=64), st.integers(1, 20)).map(
        lambda t: _base64url(_gzip(bytes(MIN_BITS // 8) + t[0])[:-t[1]])),
    st.tuples(st.binary(max_size=64), st.binary(min_size=1, max_size=20)).map(
        lambda t: _base64url(_gzip(bytes(MIN_BITS // 8) + t[0]) + t[1])),
    st.binary(max_size=64).map(lambda b: _base64url(_gzip(bytes(MIN_BITS // 8)) + _gzip(b))),
    st.binary(max_size=64).map(lambda b: "z" + _base64url(_gzip(bytes(MIN_BITS // 8) + b))[1:]),
)


@settings(max_examples=300, deadline=None)
@given(ENCODED_LISTS)
def test_any_encoded_list_is_a_list_or_a_status_list_error(encoded):
    try:
        bits = Bitstring.decode(encoded)
    except StatusListError as e:
        assert str(e).startswith(("encodedList", "STATUS_LIST_LENGTH_ERROR")), str(e)
    else:
        assert len(bits) >= MIN_BITS and len(bits) % 8 == 0


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 64), st.integers(1, 3000))
def test_an_encoded_list_above_the_compressed_bound_is_refused_before_decoding(kib, extra):
    limit = kib * 1024
    text = "u" + "A" * ((limit * 4) // 3 + 1 + extra)
    with pytest.raises(StatusListError, match=f"above the {limit}-byte compressed limit"):
        Bitstring.decode(text, max_compressed=limit)
