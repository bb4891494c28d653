"""Ed25519 keys in the Multikey format (Controlled Identifiers 1.0 §2.2.2, VC DI EdDSA 1.0 §2.1.1).

publicKeyMultibase = 'z' + base58btc(0xed 0x01 + 32-byte key);
secretKeyMultibase = 'z' + base58btc(0x80 0x26 + 32-byte seed).
"""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from vc.errors import KeyFormatError, MalformedInputError
from vc.multibase import decode_base58btc, encode_base58btc

ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"
MAX_KEY_FILE_BYTES = 64 * 1024


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    try:
        raw = decode_base58btc(value)
    except MalformedInputError as e:
        raise KeyFormatError(f"publicKeyMultibase is not base58btc multibase: {e}") from None
    if len(raw) != 34 or raw[:2] != ED25519_PUB_HEADER:
        raise KeyFormatError("publicKeyMultibase is not an Ed25519 Multikey (0xed01 + 32 bytes)")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def public_key_to_multibase(key: Ed25519PublicKey) -> str:
    return encode_base58btc(ED25519_PUB_HEADER + key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    try:
        raw = decode_base58btc(value)
    except MalformedInputError as e:
        raise KeyFormatError(f"secret key is not base58btc multibase: {e}") from None
    if len(raw) != 34 or raw[:2] != ED25519_PRIV_HEADER:
        raise KeyFormatError("secret key is not an Ed25519 Multikey secret (0x8026 + 32 bytes)")
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def private_key_to_multibase(key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return encode_base58btc(ED25519_PRIV_HEADER + seed)


@dataclass(frozen=True)
class Ed25519Multikey:
    """An Ed25519 key pair (or a public key alone) with its Multikey encodings."""

    public_key: Ed25519PublicKey
    private_key: Ed25519PrivateKey | None = None

    @classmethod
    def generate(cls) -> "Ed25519Multikey":
        sk = Ed25519PrivateKey.generate()
        return cls(sk.public_key(), sk)

    @classmethod
    def from_multibase(cls, public: str, private: str | None = None) -> "Ed25519Multikey":
        pk = public_key_from_multibase(public)
        if private is None:
            return cls(pk)
        sk = private_key_from_multibase(private)
        if sk.public_key().public_bytes_raw() != pk.public_bytes_raw():
            raise KeyFormatError("the secret key does not match publicKeyMultibase")
        return cls(pk, sk)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Ed25519Multikey":
        """Reads {"publicKeyMultibase", "privateKeyMultibase" | "secretKeyMultibase"}."""
        if not isinstance(data, dict) or "publicKeyMultibase" not in data:
            raise KeyFormatError("a key file needs 'publicKeyMultibase' (and a private key to sign)")
        private = data.get("privateKeyMultibase") or data.get("secretKeyMultibase")
        return cls.from_multibase(data["publicKeyMultibase"], private)

    @classmethod
    def from_file(cls, path: str | Path) -> "Ed25519Multikey":
        try:
            with open(path, "rb") as f:
                raw = f.read(MAX_KEY_FILE_BYTES + 1)
            if len(raw) > MAX_KEY_FILE_BYTES:
                raise KeyFormatError(f"key file {path} is larger than {MAX_KEY_FILE_BYTES} bytes")
            data = json.loads(raw)
        except (OSError, ValueError) as e:
            raise KeyFormatError(f"cannot read key file {path}: {e}") from None
        return cls.from_json(data)

    @property
    def public_key_multibase(self) -> str:
        return public_key_to_multibase(self.public_key)

    def sign(self, data: bytes) -> bytes:
        if self.private_key is None:
            raise KeyFormatError("this key has no private part: it can verify but not sign")
        return self.private_key.sign(data)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            self.public_key.verify(signature, data)
            return True
        except InvalidSignature:
            return False
