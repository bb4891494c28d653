"""IETF Token Status List (draft-ietf-oauth-status-list): encoding, the signed token, reading."""
import base64
import time
import zlib

import pytest

from vc.jose import JwsSigner
from vc.token_status_list import (
    StatusList,
    StatusReference,
    TokenStatus,
    TokenStatusListError,
    random_free_index,
    sign_status_list_token,
    status_of,
    verify_status_list_token,
)

URI = "https://issuer.example/status/1"
SIGNER = JwsSigner.generate()
OTHER = JwsSigner.generate()


def key(_jws):
    return SIGNER.public


def test_one_bit_example_of_the_draft():
    """§4.1 example: 16 entries of 1 bit are bytes B9 A3."""
    status_list = StatusList(16, 1)
    for i, v in enumerate([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]):
        status_list.set(i, v)
    raw = zlib.decompress(base64.urlsafe_b64decode(status_list.to_json()["lst"] + "=="))
    assert raw == bytes.fromhex("b9a3")


def test_two_bit_example_of_the_draft():
    """§4.1 example: 12 entries of 2 bits are bytes C9 44 F9; §4.2 its lst."""
    status_list = StatusList(12, 2)
    for i, v in enumerate([1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]):
        status_list.set(i, v)
    encoded = status_list.to_json()
    assert encoded == {"bits": 2, "lst": "eNo76fITAAPfAgc"}
    back = StatusList.from_json(encoded)
    assert [back.get(i) for i in range(12)] == [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
def test_every_bit_size_round_trips(bits):
    status_list = StatusList(64, bits)
    top = (1 << bits) - 1
    for i in range(0, 64, 3):
        status_list.set(i, i % (top + 1))
    back = StatusList.from_json(status_list.to_json())
    assert [back.get(i) for i in range(64)] == [status_list.get(i) for i in range(64)]


def test_bad_sizes_and_values_are_refused():
    with pytest.raises(TokenStatusListError):
        StatusList(10, 3)
    with pytest.raises(TokenStatusListError):
        StatusList(3, 2)  # 6 bits: not whole bytes
    status_list = StatusList(8, 1)
    with pytest.raises(TokenStatusListError, match="does not fit"):
        status_list.set(0, 2)
    with pytest.raises(TokenStatusListError, match="outside"):
        status_list.get(8)


def test_compression_bomb_is_refused():
    bomb = base64.urlsafe_b64encode(zlib.compress(bytes(1 << 20), 9)).rstrip(b"=").decode()
    with pytest.raises(TokenStatusListError, match="inflates beyond"):
        StatusList.from_json({"bits": 1, "lst": bomb}, max_bytes=1 << 16)


def test_gzip_instead_of_zlib_is_refused():
    import gzip
    lst = base64.urlsafe_b64encode(gzip.compress(b"\x00" * 16)).rstrip(b"=").decode()
    with pytest.raises(TokenStatusListError, match="ZLIB"):
        StatusList.from_json({"bits": 1, "lst": lst})


def issued_list():
    status_list = StatusList(1024, 2)
    status_list.set(7, TokenStatus.INVALID)
    status_list.set(9, TokenStatus.SUSPENDED)
    return status_list


def test_signed_token_carries_the_draft_claims_and_reads_revoked_and_suspended():
    token = sign_status_list_token(issued_list(), uri=URI, signer=SIGNER, ttl=600)
    verified = verify_status_list_token(token, uri=URI, key=key)
    assert verified.header["typ"] == "statuslist+jwt"
    assert verified.ttl == 600 and verified.expires_at > verified.issued_at
    assert status_of(verified, StatusReference(URI, 7)) is TokenStatus.INVALID
    assert status_of(verified, StatusReference(URI, 9)) is TokenStatus.SUSPENDED
    assert status_of(verified, StatusReference(URI, 8)) is TokenStatus.VALID


def test_token_for_another_uri_fails():
    token = sign_status_list_token(issued_list(), uri=URI, signer=SIGNER)
    with pytest.raises(TokenStatusListError, match="not for"):
        verify_status_list_token(token, uri=URI + "0", key=key)


def test_token_by_another_key_fails():
    token = sign_status_list_token(issued_list(), uri=URI, signer=OTHER)
    with pytest.raises(TokenStatusListError, match="does not verify"):
        verify_status_list_token(token, uri=URI, key=key)


def test_expired_token_fails():
    token = sign_status_list_token(issued_list(), uri=URI, signer=SIGNER, lifetime=60,
                                   issued_at=int(time.time()) - 7200)
    with pytest.raises(TokenStatusListError, match="expired"):
        verify_status_list_token(token, uri=URI, key=key)


def test_token_with_another_typ_fails():
    token = SIGNER.sign("JWT", {"sub": URI, "iat": int(time.time()),
                                "status_list": issued_list().to_json()})
    with pytest.raises(TokenStatusListError, match="typ"):
        verify_status_list_token(token, uri=URI, key=key)


def test_index_out_of_bounds_is_an_error_not_valid():
    verified = verify_status_list_token(
        sign_status_list_token(issued_list(), uri=URI, signer=SIGNER), uri=URI, key=key)
    with pytest.raises(TokenStatusListError, match="outside"):
        status_of(verified, StatusReference(URI, 1024))


def test_status_reference_is_read_strictly():
    assert StatusReference.read({}) is None
    assert StatusReference.read({"status": {"status_list": {"idx": 3, "uri": URI}}}) == \
        StatusReference(URI, 3)
    for bad in ({"status": "x"}, {"status": {"status_list": {"idx": -1, "uri": URI}}},
                {"status": {"status_list": {"idx": True, "uri": URI}}},
                {"status": {"status_list": {"idx": 1, "uri": "ftp://x"}}},
                {"status": {"other": {}}}):
        with pytest.raises(TokenStatusListError):
            StatusReference.read(bad)


def test_random_free_index_avoids_taken_indexes():
    taken = set(range(0, 1024, 2))
    for _ in range(50):
        index = random_free_index(1024, taken)
        assert index % 2 == 1 and 0 <= index < 1024
