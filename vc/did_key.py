"""did:key for Ed25519 keys, Multikey form (The did:key Method v0.7 §3.1 "Document Creation").

did:key:z6Mk... is "did:key:" + publicKeyMultibase, where publicKeyMultibase is
'z' + base58btc(multicodec ed25519-pub 0xed01 + 32-byte key). The DID document is derived
from the identifier alone: nothing is fetched.
"""
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydid import DIDDocument, DIDError

from vc.errors import DIDResolutionError, MalformedInputError
from vc.multibase import decode_base58btc
from vc.multikey import ED25519_PUB_HEADER, public_key_to_multibase

DID_KEY_PREFIX = "did:key:"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
# An Ed25519 did:key is 56 characters; refuse long input before the quadratic base58 decode.
MAX_DID_URL_LENGTH = 256
VERIFICATION_RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityDelegation",
    "capabilityInvocation",
)

# RFC 8032 §5.1: edwards25519 field prime and curve constant d.
_P = 2**255 - 19
_D = -121665 * pow(121666, -1, _P) % _P


def did_key_from_public_key(key: Ed25519PublicKey) -> str:
    """did:key:<publicKeyMultibase> for an Ed25519 public key (§3.1)."""
    return DID_KEY_PREFIX + public_key_to_multibase(key)


def public_key_from_did_key(did_or_vm_url: str) -> Ed25519PublicKey:
    """The Ed25519 key of `did:key:z6Mk...` or of its verification method `did:key:z6Mk...#z6Mk...`."""
    _, key = _parse(did_or_vm_url)
    return key


def resolve_did_key(did: str) -> DIDDocument:
    """Build the DID document of an Ed25519 did:key (§3.1.1 Document Creation, Multikey form).

    A DID URL whose fragment names the key is accepted too; the document is the DID's.
    """
    did, _ = _parse(did)
    multibase = did[len(DID_KEY_PREFIX) :]
    vm_id = f"{did}#{multibase}"
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        # §3.1.2 Create Verification Method: Multikey, controller is the DID itself.
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase}
        ],
    }
    for relationship in VERIFICATION_RELATIONSHIPS:
        document[relationship] = [vm_id]
    try:
        return DIDDocument.deserialize(document)
    except (ValueError, DIDError) as e:  # pydantic's ValidationError is a ValueError
        raise DIDResolutionError(f"cannot build the DID document of {did}: {e}") from None


def _parse(did_url: str) -> tuple[str, Ed25519PublicKey]:
    """Split and check a did:key (URL); return the bare DID and its key (§3.1.1 steps 1-4)."""
    if not isinstance(did_url, str):
        raise DIDResolutionError(f"a did:key must be a string, not {type(did_url).__name__}")
    if len(did_url) > MAX_DID_URL_LENGTH:
        raise DIDResolutionError(f"did:key is {len(did_url)} characters; an Ed25519 did:key has 56")
    if not did_url.startswith(DID_KEY_PREFIX):
        raise DIDResolutionError(f"not a did:key (must start with 'did:key:'): {did_url!r}")
    did, has_fragment, fragment = did_url.partition("#")
    multibase = did[len(DID_KEY_PREFIX) :]
    if any(c in multibase for c in ":/?"):
        raise DIDResolutionError(
            f"unsupported did:key form {did!r}: expected did:key:<multibase> without version, "
            "path or query"
        )
    if not multibase.startswith("z"):
        raise DIDResolutionError(
            f"invalidDid: the did:key identifier must be base58btc multibase starting with 'z': "
            f"{did!r}"
        )
    if has_fragment and fragment != multibase:
        raise DIDResolutionError(
            f"verification method fragment #{fragment} does not name the key of {did}; a did:key "
            f"has one verification method, #{multibase}"
        )
    return did, _decode_ed25519(multibase, did)


def _decode_ed25519(multibase: str, did: str) -> Ed25519PublicKey:
    try:
        raw = decode_base58btc(multibase)
    except MalformedInputError as e:
        raise DIDResolutionError(f"invalidDid: {did} is not valid base58btc: {e}") from None
    if raw[:2] != ED25519_PUB_HEADER:
        raise DIDResolutionError(
            f"{did} is not an Ed25519 did:key (multicodec {_multicodec_name(raw)}, expected "
            "ed25519-pub 0xed); only Ed25519 keys are supported"
        )
    if len(raw) != 34:
        raise DIDResolutionError(
            f"invalidPublicKeyLength: {did} holds {len(raw) - 2} key bytes, Ed25519 needs 32"
        )
    if not _is_ed25519_point(raw[2:]):
        raise DIDResolutionError(f"invalidPublicKey: {did} is not a point on edwards25519")
    key = Ed25519PublicKey.from_public_bytes(raw[2:])
    if public_key_to_multibase(key) != multibase:  # canonical encoding only
        raise DIDResolutionError(f"invalidDid: {did} is not the canonical encoding of its key")
    return key


def _multicodec_name(raw: bytes) -> str:
    """The unsigned-varint multicodec prefix of `raw`, as hex, for error messages."""
    code, shift = 0, 0
    for byte in raw[:4]:
        code |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return f"0x{code:x}"
    return "unreadable"


def _is_ed25519_point(encoded: bytes) -> bool:
    """RFC 8032 §5.1.3 point decoding: y < p and x^2 = (y^2 - 1) / (d y^2 + 1) has a root."""
    y = int.from_bytes(encoded, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:
        return False
    x2 = (y * y - 1) * pow(_D * y * y + 1, -1, _P) % _P
    if x2 == 0:
        return sign == 0
    # p = 5 mod 8: x is a square root of x2 or of -x2; x2 has a root iff one of these holds.
    x = pow(x2, (_P + 3) // 8, _P)
    return (x * x - x2) % _P == 0 or (x * x + x2) % _P == 0
