"""W3C Bitstring Status List v1.0 (Recommendation, 15 May 2025): bitstrings, entries and the
unsigned status list credential. Proofs are made and checked elsewhere.

Section numbers follow the Recommendation: §2.1 BitstringStatusListEntry,
§2.2 BitstringStatusListCredential, §3.2 Validate Algorithm, §3.3 Bitstring Generation
Algorithm, §3.4 Bitstring Expansion Algorithm.
"""

import gzip
import re
import secrets
import zlib
from collections.abc import Container
from typing import Any

from vc.errors import MalformedInputError, StatusListError
from vc.multibase import decode_base64url, encode_base64url

# §3.2 step 2: minimumNumberOfEntries, 16 KB of bits, for herd privacy.
MIN_BITS = 131_072
DEFAULT_MAX_BITS = 2**27  # 16 MiB uncompressed: ample for any real list, bounded for bombs
DEFAULT_MAX_COMPRESSED = 2**20  # bytes of gzip we accept before even trying to inflate
STATUS_PURPOSES = frozenset({"revocation", "suspension", "refresh", "message"})
_DECIMAL_INDEX = re.compile(r"[0-9]+")  # ASCII digits only (str.isdigit accepts other scripts)


class Bitstring:
    """A status bitstring. Index 0 is the left-most (most significant) bit of the first byte
    (§2.2 encodedList)."""

    __slots__ = ("_bytes",)

    def __init__(self, length: int = MIN_BITS) -> None:
        if not isinstance(length, int) or length < MIN_BITS or length % 8:
            raise StatusListError(
                f"a status list must hold a multiple of 8 bits and at least {MIN_BITS} "
                f"(16 KB, for herd privacy); got {length!r}"
            )
        self._bytes = bytearray(length // 8)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Bitstring":
        bitstring = cls(len(data) * 8)
        bitstring._bytes[:] = data
        return bitstring

    def __len__(self) -> int:
        return len(self._bytes) * 8

    def _check(self, index: int) -> None:
        if not isinstance(index, int) or isinstance(index, bool):
            raise StatusListError(f"a status list index is an integer, not {index!r}")
        if not 0 <= index < len(self):
            raise StatusListError(
                f"RANGE_ERROR: index {index} is outside the status list (0..{len(self) - 1})"
            )

    def get(self, index: int) -> bool:
        self._check(index)
        return bool(self._bytes[index >> 3] & (0x80 >> (index & 7)))

    def set(self, index: int, value: bool) -> None:
        self._check(index)
        mask = 0x80 >> (index & 7)
        if value:
            self._bytes[index >> 3] |= mask
        else:
            self._bytes[index >> 3] &= ~mask & 0xFF

    def to_bytes(self) -> bytes:
        return bytes(self._bytes)

    def encode(self) -> str:
        """§3.3 step 3: GZIP (RFC 1952), then multibase base64url without padding ('u')."""
        # mtime=0 keeps the output deterministic, so an unchanged list re-encodes identically.
        return encode_base64url(gzip.compress(self._bytes, compresslevel=9, mtime=0))

    @classmethod
    def decode(
        cls,
        encoded: str,
        max_compressed: int = DEFAULT_MAX_COMPRESSED,
        max_bits: int = DEFAULT_MAX_BITS,
    ) -> "Bitstring":
        """§3.4 Bitstring Expansion Algorithm, bounded: never inflates beyond `max_bits`."""
        if not isinstance(encoded, str):
            raise StatusListError("encodedList must be a string")
        if len(encoded) > (max_compressed * 4) // 3 + 2:
            raise StatusListError(
                f"encodedList is {len(encoded)} characters, above the {max_compressed}-byte "
                "compressed limit"
            )
        try:
            compressed = decode_base64url(encoded)
        except MalformedInputError as e:
            raise StatusListError(f"encodedList is not multibase base64url: {e}") from None
        return cls.from_bytes(_gunzip_bounded(compressed, max_bits // 8))


def _gunzip_bounded(compressed: bytes, max_bytes: int) -> bytes:
    """Inflate one gzip member (RFC 1952), refusing output above `max_bytes`."""
    inflater = zlib.decompressobj(wbits=31)  # 16 + 15: gzip header and trailer required
    try:
        # Ask for one byte more than allowed: getting it proves the input is too large.
        data = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error as e:
        raise StatusListError(f"encodedList is not valid GZIP data: {e}") from None
    if len(data) > max_bytes:
        raise StatusListError(
            f"encodedList expands beyond {max_bytes * 8} bits; refusing it (compression bomb?)"
        )
    if not inflater.eof:
        raise StatusListError("encodedList GZIP data is truncated")
    if inflater.unused_data:
        raise StatusListError("encodedList has data after the GZIP stream")
    if len(data) * 8 < MIN_BITS:
        raise StatusListError(
            f"STATUS_LIST_LENGTH_ERROR: the status list holds {len(data) * 8} bits, fewer than "
            f"the {MIN_BITS} required for herd privacy"
        )
    return data


def _check_purpose(purpose: object) -> str:
    if purpose not in STATUS_PURPOSES:
        raise StatusListError(
            f"statusPurpose {purpose!r} is not supported; use one of {sorted(STATUS_PURPOSES)}"
        )
    return purpose


def status_list_credential(
    list_url: str,
    issuer: str,
    purpose: str,
    bitstring: Bitstring,
    valid_from: str | None = None,
    valid_until: str | None = None,
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential (§2.2, §3.1 steps 2-4) for `bitstring`."""
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
    }
    if valid_from is not None:
        credential["validFrom"] = valid_from
    if valid_until is not None:
        credential["validUntil"] = valid_until
    credential["credentialSubject"] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": _check_purpose(purpose),
        "encodedList": bitstring.encode(),
    }
    return credential


def random_free_index(size: int, taken: Container[int]) -> int:
    """A uniformly random index of a list of `size` entries that is not in `taken`
    (§6.1 Privacy Considerations: an index must not reveal the order of issuance). The
    caller keeps the list sparse enough (e.g. at most half full) for the draw to end fast."""
    while True:
        index = secrets.randbelow(size)
        if index not in taken:
            return index


def status_entry(list_url: str, index: int, purpose: str) -> dict[str, str]:
    """A BitstringStatusListEntry (§2.1) for position `index` of the list at `list_url`."""
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise StatusListError(f"statusListIndex must be a non-negative integer, not {index!r}")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": _check_purpose(purpose),
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def _single(value: Any) -> Any:
    """JSON-LD reads a one-element array as the value itself: so does this module."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _types(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def read_status(entry: dict[str, Any], list_credential: dict[str, Any]) -> bool:
    """§3.2 Validate Algorithm, the steps that need no proof: True when the entry's bit is set
    (e.g. revoked). The caller must already have verified the list credential's proof (step 4)
    and its validity period."""
    if not isinstance(entry, dict) or "BitstringStatusListEntry" not in _types(entry.get("type")):
        raise StatusListError("credentialStatus is not a BitstringStatusListEntry")
    purpose = _check_purpose(_single(entry.get("statusPurpose")))
    size = _single(entry.get("statusSize", 1))
    if type(size) is not int or size != 1:  # §2.1 statusSize, default 1
        raise StatusListError(
            "statusSize other than 1 (multi-bit status messages) is not supported"
        )
    raw_index = _single(entry.get("statusListIndex"))
    # §2.1: an arbitrary size integer >= 0, expressed as a string in base 10.
    if not isinstance(raw_index, str) or not _DECIMAL_INDEX.fullmatch(raw_index):
        raise StatusListError(
            f"statusListIndex must be a non-negative base-10 integer string, not {raw_index!r}"
        )
    if not isinstance(list_credential, dict):
        raise StatusListError("the status list credential is not a JSON object")
    if "BitstringStatusListCredential" not in _types(list_credential.get("type")):
        raise StatusListError(
            "the status list credential's type lacks BitstringStatusListCredential"
        )
    list_id = _single(list_credential.get("id"))
    entry_list = _single(entry.get("statusListCredential"))
    if list_id is not None and list_id != entry_list:
        raise StatusListError(
            f"the status list credential is {list_id!r}, but the entry points to "
            f"{entry_list!r}"
        )
    subject = _single(list_credential.get("credentialSubject"))
    if not isinstance(subject, dict) or "BitstringStatusList" not in _types(subject.get("type")):
        raise StatusListError("the status list credentialSubject type must be BitstringStatusList")
    # §3.2 step 5: the list may carry several purposes; the entry's must be one of them.
    list_purposes = _types(subject.get("statusPurpose"))
    if purpose not in list_purposes:
        raise StatusListError(
            f"STATUS_VERIFICATION_ERROR: the entry's statusPurpose {purpose!r} is not a purpose "
            f"of the status list ({subject.get('statusPurpose')!r})"
        )
    bitstring = Bitstring.decode(_single(subject.get("encodedList")))  # steps 6, 8 and 9
    digits = raw_index.lstrip("0") or "0"
    index = int(digits) if len(digits) <= 12 else len(bitstring)  # no 4300-digit int() parse
    if index >= len(bitstring):  # step 10: RANGE_ERROR
        raise StatusListError(
            f"RANGE_ERROR: statusListIndex {raw_index[:20]} is outside the status list "
            f"of {len(bitstring)} entries"
        )
    return bitstring.get(index)
