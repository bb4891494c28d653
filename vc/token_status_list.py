"""IETF Token Status List (draft-ietf-oauth-status-list, the JWT form) for SD-JWT VCs.

Why: an SD-JWT VC cannot point at a W3C Bitstring Status List credential; wallets and
verifiers of the EU ecosystem read `status.status_list {idx, uri}` and fetch a signed Status
List Token. With 2 bits per entry one list says VALID (0), INVALID (1, revoked) or
SUSPENDED (2) for each credential, kept in step with s4c's W3C lists by the issuer.

API:
- `StatusList(size, bits)`: `get`/`set` an index; `to_json()` → `{"bits", "lst"}` (§4.1:
  packed from the least significant bit, DEFLATE in the ZLIB format, base64url);
  `StatusList.from_json(...)` inflates with a bound (a compression bomb is refused).
- `sign_status_list_token(status_list, uri=…, signer=…, ttl=…, lifetime=…)` → compact JWT
  with `typ: statuslist+jwt`, `sub` = its URI, `iat`, `exp`, `ttl` (§5.1).
- `verify_status_list_token(token, uri=…, key=…)` → `VerifiedStatusListToken` (§8.3 steps 3-4).
- `StatusReference.read(claims)` reads a referenced token's `status.status_list` (§6.2);
  `status_of(verified, reference)` returns the `TokenStatus` there (§8.3 steps 5-7).
- `random_free_index(size, taken)`: an unpredictable index, as HAIP 1.0 §6.1 requires.
"""
import base64
import binascii
import secrets
import time
import zlib
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from vc.codes import ErrorCode
from vc.errors import VCError
from vc.jose import CompactJws, JwsError, JwsSigner, PublicKey

TYP = "statuslist+jwt"
MEDIA_TYPE = "application/statuslist+jwt"  # §8.1
BITS = (1, 2, 4, 8)  # §4.1 step 1
DEFAULT_SIZE = 131_072  # entries: herd privacy, as the W3C lists s4c keeps in step with
MAX_BYTES = 1 << 23  # 8 MiB inflated (33M entries at 2 bits): ample, and bounded
MAX_LST_CHARS = 1_400_000


class TokenStatusListError(VCError):
    """A status list, Status List Token or status reference is malformed or does not verify."""

    code = ErrorCode.TOKEN_STATUS_LIST


class TokenStatus(IntEnum):
    """§7.1 Status Types (0x03 and 0x0C-0x0F are application specific)."""

    VALID = 0
    INVALID = 1  # revoked
    SUSPENDED = 2


class StatusList:
    """§4.1: `bits` per entry, entry `i` in byte `i*bits // 8`, from the least significant
    bit."""

    __slots__ = ("_bytes", "bits")

    def __init__(self, size: int = DEFAULT_SIZE, bits: int = 2) -> None:
        if bits not in BITS:
            raise TokenStatusListError(f"bits must be 1, 2, 4 or 8, not {bits!r}")
        if not isinstance(size, int) or size <= 0 or (size * bits) % 8:
            raise TokenStatusListError(f"a status list of {bits}-bit entries needs a positive "
                                       f"size filling whole bytes, not {size!r}")
        self.bits = bits
        self._bytes = bytearray(size * bits // 8)

    def __len__(self) -> int:
        return len(self._bytes) * 8 // self.bits

    def _locate(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(self):
            raise TokenStatusListError(f"index {index!r} is outside the status list "
                                       f"(0 to {len(self) - 1})")
        offset = index * self.bits
        return offset // 8, offset % 8

    def get(self, index: int) -> int:
        byte, shift = self._locate(index)
        return (self._bytes[byte] >> shift) & ((1 << self.bits) - 1)

    def set(self, index: int, value: int) -> None:
        byte, shift = self._locate(index)
        mask = (1 << self.bits) - 1
        if not isinstance(value, int) or not 0 <= value <= mask:
            raise TokenStatusListError(f"status {value!r} does not fit in {self.bits} bits")
        self._bytes[byte] = (self._bytes[byte] & ~(mask << shift) & 0xFF) | (value << shift)

    def to_json(self) -> dict[str, Any]:
        """§4.2 `{"bits", "lst"}`; §4.1 step 4: the highest compression level."""
        lst = base64.urlsafe_b64encode(zlib.compress(bytes(self._bytes), 9)).rstrip(b"=")
        return {"bits": self.bits, "lst": lst.decode("ascii")}

    @classmethod
    def from_json(cls, value: object, max_bytes: int = MAX_BYTES) -> "StatusList":
        if not isinstance(value, Mapping):
            raise TokenStatusListError("status_list is not a JSON object")
        bits, lst = value.get("bits"), value.get("lst")
        if bits not in BITS or isinstance(bits, bool):
            raise TokenStatusListError(f"status_list.bits must be 1, 2, 4 or 8, not {bits!r}")
        if not isinstance(lst, str) or not lst or len(lst) > MAX_LST_CHARS \
                or any(c in lst for c in "=+/"):
            raise TokenStatusListError("status_list.lst is not a bounded base64url string")
        try:
            compressed = base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4))
        except (binascii.Error, ValueError):
            raise TokenStatusListError("status_list.lst is not base64url") from None
        inflater = zlib.decompressobj()  # ZLIB format (RFC 1950) required, §4.1 step 4
        try:
            data = inflater.decompress(compressed, max_bytes + 1)
        except zlib.error as e:
            raise TokenStatusListError(f"status_list.lst is not ZLIB data: {e}") from None
        if len(data) > max_bytes:
            raise TokenStatusListError(f"status_list.lst inflates beyond {max_bytes} bytes; "
                                       "refused (compression bomb?)")
        if not inflater.eof or inflater.unused_data:
            raise TokenStatusListError("status_list.lst is truncated or has trailing data")
        if not data:
            raise TokenStatusListError("status_list.lst is empty")
        status_list = cls.__new__(cls)
        status_list.bits = int(bits)
        status_list._bytes = bytearray(data)
        return status_list


def random_free_index(size: int, taken: Container[int]) -> int:
    """A uniformly random index not in `taken` (HAIP 1.0 §6.1: unique and unpredictable;
    draft §12.5 unlinkability). The caller keeps the list sparse enough for the draw to end
    fast (e.g. at most half full)."""
    while True:
        index = secrets.randbelow(size)
        if index not in taken:
            return index


def sign_status_list_token(status_list: StatusList, *, uri: str, signer: JwsSigner,
                           ttl: int | None = 300, lifetime: int | None = 86_400,
                           issued_at: int | None = None) -> str:
    """§5.1: `sub` is the token's own URI (the `uri` of every entry pointing here), `iat`
    now, `exp` after `lifetime` seconds, `ttl` how long a verifier may cache it."""
    iat = int(time.time()) if issued_at is None else issued_at
    claims: dict[str, Any] = {"sub": uri, "iat": iat}
    if lifetime is not None:
        claims["exp"] = iat + lifetime
    if ttl is not None:
        if ttl <= 0:
            raise TokenStatusListError("ttl must be a positive number of seconds")
        claims["ttl"] = ttl
    claims["status_list"] = status_list.to_json()
    return signer.sign(TYP, claims)


@dataclass(frozen=True)
class VerifiedStatusListToken:
    uri: str
    issued_at: int
    expires_at: int | None
    ttl: int | None
    status_list: StatusList
    header: dict[str, Any]


def _number(claims: Mapping[str, Any], name: str, required: bool) -> int | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TokenStatusListError(f"the Status List Token's {name} is not a number")
    return int(value)


def verify_status_list_token(token: object, *, uri: str,
                             key: Callable[[CompactJws], PublicKey],
                             now: float | None = None,
                             skew_seconds: float = 300) -> VerifiedStatusListToken:
    """§8.3 steps 3-4: signature (the key `key` names for this token: the same issuer's,
    RFC draft §11.3), `typ`, the required claims, `sub` equal to the referenced `uri`, and
    not expired. Raises TokenStatusListError."""
    try:
        jws = CompactJws.parse(token, "the Status List Token")
        jws.require_typ(TYP, "the Status List Token")
        jws.verify(key(jws), "the Status List Token")
    except JwsError as e:
        raise TokenStatusListError(str(e)) from None
    claims = jws.payload
    if claims.get("sub") != uri:
        raise TokenStatusListError(f"the Status List Token is for {str(claims.get('sub'))[:100]!r}"
                                   f", not for {uri!r} (§8.3 step 4a)")
    iat = _number(claims, "iat", True)
    exp = _number(claims, "exp", False)
    ttl = _number(claims, "ttl", False)
    moment = time.time() if now is None else now
    if iat is None or iat > moment + skew_seconds:
        raise TokenStatusListError("the Status List Token is dated in the future")
    if exp is not None and exp < moment - skew_seconds:
        raise TokenStatusListError("the Status List Token has expired (§8.3 step 4c)")
    if ttl is not None and ttl <= 0:
        raise TokenStatusListError("the Status List Token's ttl is not positive")
    status_list = StatusList.from_json(claims.get("status_list"))
    return VerifiedStatusListToken(uri, iat, exp, ttl, status_list, jws.header)


@dataclass(frozen=True)
class StatusReference:
    """§6.2 `status.status_list` of a Referenced Token."""

    uri: str
    idx: int

    @classmethod
    def read(cls, claims: Mapping[str, Any]) -> "StatusReference | None":
        """None when the token has no `status` claim; an error when it is malformed or uses
        only mechanisms other than status_list."""
        status = claims.get("status")
        if status is None:
            return None
        entry = status.get("status_list") if isinstance(status, Mapping) else None
        if not isinstance(entry, Mapping):
            raise TokenStatusListError("status has no status_list object (§6.2)")
        idx, uri = entry.get("idx"), entry.get("uri")
        if not isinstance(idx, int) or isinstance(idx, bool) or idx < 0:
            raise TokenStatusListError("status.status_list.idx is not a non-negative integer")
        # https in production; the fetcher (vc.fetch policy) decides about loopback http
        if not isinstance(uri, str) or not uri.startswith(("https://", "http://")) \
                or len(uri) > 2048:
            raise TokenStatusListError("status.status_list.uri is not an https URL")
        return cls(uri, idx)

    def to_json(self) -> dict[str, Any]:
        return {"status_list": {"idx": self.idx, "uri": self.uri}}


def status_of(verified: VerifiedStatusListToken, reference: StatusReference) -> int:
    """§8.3 steps 5-7: the status value at the index; out of bounds is an error (no statement
    can be made). A known value is returned as a `TokenStatus`."""
    if verified.uri != reference.uri:
        raise TokenStatusListError("the Status List Token is not the one the token references")
    try:
        value = verified.status_list.get(reference.idx)
    except TokenStatusListError:
        raise TokenStatusListError(f"index {reference.idx} is outside the status list of "
                                   f"{len(verified.status_list)} entries (§8.3 step 6)") from None
    try:
        return TokenStatus(value)
    except ValueError:
        return value
