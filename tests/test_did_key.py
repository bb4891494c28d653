"""did:key (Ed25519, Multikey form): identifier <-> key, and the derived DID document."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vc.did_key import (
    _D,
    _P,
    did_key_from_public_key,
    public_key_from_did_key,
    resolve_did_key,
)
from vc.errors import DIDResolutionError
from vc.multibase import encode_base58btc
from vc.multikey import Ed25519Multikey, public_key_from_multibase

VECTOR_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_DID = f"did:key:{VECTOR_KEY}"
VECTOR_VM = f"{VECTOR_DID}#{VECTOR_KEY}"
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityDelegation",
    "capabilityInvocation",
)


def test_vector_key_round_trips_through_did_key(vectors: Path) -> None:
    pair = json.loads((vectors / "vc-di-eddsa" / "keyPair.json").read_text())
    assert pair["publicKeyMultibase"] == VECTOR_KEY
    key = public_key_from_multibase(VECTOR_KEY)
    assert did_key_from_public_key(key) == VECTOR_DID
    assert public_key_from_did_key(VECTOR_DID).public_bytes_raw() == key.public_bytes_raw()
    assert public_key_from_did_key(VECTOR_VM).public_bytes_raw() == key.public_bytes_raw()


def test_signature_made_with_vector_private_key_verifies_with_did_key(vectors: Path) -> None:
    pair = json.loads((vectors / "vc-di-eddsa" / "keyPair.json").read_text())
    signer = Ed25519Multikey.from_json(pair)
    signature = signer.sign(b"did:key binds this key")
    public_key_from_did_key(VECTOR_VM).verify(signature, b"did:key binds this key")


def test_generated_keys_round_trip() -> None:
    for _ in range(20):
        key = Ed25519PrivateKey.generate().public_key()
        did = did_key_from_public_key(key)
        assert did.startswith("did:key:z6Mk")
        assert public_key_from_did_key(did).public_bytes_raw() == key.public_bytes_raw()


def test_document_has_one_multikey_method_in_every_relationship() -> None:
    doc = resolve_did_key(VECTOR_DID)
    data = doc.serialize()
    assert data["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert data["id"] == VECTOR_DID
    assert data["verificationMethod"] == [
        {
            "id": VECTOR_VM,
            "type": "Multikey",
            "controller": VECTOR_DID,
            "publicKeyMultibase": VECTOR_KEY,
        }
    ]
    for relationship in RELATIONSHIPS:
        assert data[relationship] == [VECTOR_VM]
    assert "keyAgreement" not in data
    assert doc.dereference(VECTOR_VM).public_key_multibase == VECTOR_KEY


def test_resolving_a_verification_method_url_gives_the_did_document() -> None:
    assert resolve_did_key(VECTOR_VM).serialize() == resolve_did_key(VECTOR_DID).serialize()


@pytest.mark.parametrize(
    ("did", "reason"),
    [
        (f"{VECTOR_DID}#key-1", "fragment #key-1 does not name the key"),
        (f"{VECTOR_DID}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "does not name"),
        (f"did:web:{VECTOR_KEY}", "not a did:key"),
        (VECTOR_KEY, "not a did:key"),
        ("did:key:", "starting with 'z'"),
        (f"did:key:u{VECTOR_KEY[1:]}", "starting with 'z'"),
        (f"did:key:1:{VECTOR_KEY}", "unsupported did:key form"),
        (f"{VECTOR_DID}/path", "unsupported did:key form"),
        ("did:key:z6Mk0OIl", "not valid base58btc"),
        ("did:key:z" + "1" * 300, "characters"),
        (12345, "must be a string"),
    ],
)
def test_malformed_did_key_is_rejected(did: object, reason: str) -> None:
    with pytest.raises(DIDResolutionError, match=reason):
        public_key_from_did_key(did)  # type: ignore[arg-type]
    with pytest.raises(DIDResolutionError):
        resolve_did_key(did)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "codec"),
    [
        (b"\xe7\x01", "0xe7"),
        (b"\x80\x24", "0x1200"),
        (b"\xec\x01", "0xec"),
        (b"\x80\x26", "0x1300"),
    ],
    ids=["secp256k1-pub", "p256-pub", "x25519-pub", "ed25519-priv"],
)
def test_non_ed25519_multicodec_is_rejected(header: bytes, codec: str) -> None:
    did = "did:key:" + encode_base58btc(header + bytes(range(1, 34)))
    with pytest.raises(DIDResolutionError, match=f"not an Ed25519 did:key \\(multicodec {codec}"):
        public_key_from_did_key(did)


@pytest.mark.parametrize("length", [31, 33])
def test_wrong_key_length_is_rejected(length: int) -> None:
    did = "did:key:" + encode_base58btc(b"\xed\x01" + b"\x11" * length)
    with pytest.raises(DIDResolutionError, match="invalidPublicKeyLength"):
        public_key_from_did_key(did)


def test_bytes_that_are_not_a_curve_point_are_rejected() -> None:
    # y = 2: (y^2 - 1) / (d y^2 + 1) is a quadratic non-residue mod p (Euler's criterion).
    x2 = 3 * pow(_D * 4 + 1, -1, _P) % _P
    assert pow(x2, (_P - 1) // 2, _P) == _P - 1
    did = "did:key:" + encode_base58btc(b"\xed\x01" + (2).to_bytes(32, "little"))
    with pytest.raises(DIDResolutionError, match="invalidPublicKey:"):
        public_key_from_did_key(did)


def test_non_canonical_y_coordinate_is_rejected() -> None:
    did = "did:key:" + encode_base58btc(b"\xed\x01" + (_P + 1).to_bytes(32, "little"))
    with pytest.raises(DIDResolutionError, match="invalidPublicKey:"):
        public_key_from_did_key(did)
