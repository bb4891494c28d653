"""Resource integrity: `digestMultibase` (VC Data Integrity 1.0 §2.6 Resource Integrity, used
by VC DM 2.0 §5.3 Integrity of Related Resources).

The value is a multibase base64url-no-pad (`u`) string of a multihash; s4c makes and accepts
only sha2-256 (multihash code 0x12, length 0x20). A JSON resource is hashed in its JCS form
(RFC 8785), so the digest does not depend on how the document was serialised.
"""
import hashlib
from typing import Any

from vc.errors import MalformedInputError, VCError
from vc.jcs import canonicalize_parsed
from vc.multibase import decode_base64url, encode_base64url

SHA2_256_MULTIHASH = b"\x12\x20"  # multicodec sha2-256, digest length 32
MAX_DIGEST_CHARS = 100  # a sha2-256 multihash is 47 characters; anything far longer is junk


def digest_multibase(document: dict[str, Any]) -> str:
    """The digestMultibase of a JSON document (sha2-256 multihash over its JCS)."""
    return encode_base64url(SHA2_256_MULTIHASH + hashlib.sha256(
        canonicalize_parsed(document)).digest())


def digest_matches(value: object, document: dict[str, Any]) -> bool:
    """True when `value` is the sha2-256 digestMultibase of `document`; False for any other
    value, including a bare SHA-256 without its multihash header."""
    if not isinstance(value, str) or len(value) > MAX_DIGEST_CHARS:
        return False
    try:
        raw = decode_base64url(value)
        return raw == SHA2_256_MULTIHASH + hashlib.sha256(canonicalize_parsed(document)).digest()
    except (MalformedInputError, VCError):
        return False
