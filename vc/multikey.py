"""Ed25519 keys in the Multikey format (Controlled Identifiers 1.0 §2.2.2, VC DI EdDSA 1.0 §2.1.1).

publicKeyMultibase = 'z' + base58btc(0xed 0x01 + 32-byte key);
secretKeyMultibase = 'z' + base58btc(0x80 0x26 + 32-byte seed).

Many tools export the 64-byte form of an Ed25519 secret key instead (RFC 8032 §5.1.5 seed
followed by the public key; NaCl, libsodium, digitalbazaar's Ed25519VerificationKey2020 and
2018 key files): it is read too, once its second half is checked against the public key its
seed derives.
"""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from vc.errors import KeyFormatError, MalformedInputError
from vc.multibase import b58decode, decode_base58btc, encode_base58btc

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
    if len(raw) not in (34, 66) or raw[:2] != ED25519_PRIV_HEADER:
        raise KeyFormatError("secret key is not an Ed25519 Multikey secret (0x8026 + a 32-byte "
                             "seed, or + the 64-byte seed and public key)")
    return private_key_from_bytes(raw[2:])


def private_key_from_bytes(raw: bytes) -> Ed25519PrivateKey:
    """A 32-byte seed, or the 64-byte seed || public key whose second half must be the public
    key the seed derives (otherwise the file is corrupt or pairs two different keys)."""
    if len(raw) not in (32, 64):
        raise KeyFormatError(f"an Ed25519 secret key is 32 or 64 bytes, not {len(raw)}")
    key = Ed25519PrivateKey.from_private_bytes(raw[:32])
    if len(raw) == 64 and key.public_key().public_bytes_raw() != raw[32:]:
        raise KeyFormatError("the 64-byte Ed25519 secret key is inconsistent: its second half "
                             "is not the public key derived from its first half (the seed); "
                             "the key file is corrupt or mixes two keys")
    return key


def private_key_to_multibase(key: Ed25519PrivateKey) -> str:
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
        """Reads {"publicKeyMultibase", "privateKeyMultibase" | "secretKeyMultibase"}, or an
        Ed25519VerificationKey2018 file {"publicKeyBase58", "privateKeyBase58"}."""
        if isinstance(data, dict) and "publicKeyMultibase" not in data \
                and "publicKeyBase58" in data:
            return cls._from_base58(data)
        if not isinstance(data, dict) or "publicKeyMultibase" not in data:
            raise KeyFormatError("a key file needs 'publicKeyMultibase' (and a private key to sign)")
        private = data.get("privateKeyMultibase") or data.get("secretKeyMultibase")
        return cls.from_multibase(data["publicKeyMultibase"], private)

    @classmethod
    def _from_base58(cls, data: dict[str, Any]) -> "Ed25519Multikey":
        def raw(field: str) -> bytes:
            value = data[field]
            if not isinstance(value, str) or len(value) > 128:
                raise KeyFormatError(f"{field} must be a base58 string")
            try:
                return b58decode(value)
            except MalformedInputError as e:
                raise KeyFormatError(f"{field} is not base58: {e}") from None

        public = raw("publicKeyBase58")
        if len(public) != 32:
            raise KeyFormatError(f"publicKeyBase58 is {len(public)} bytes, not 32")
        pk = Ed25519PublicKey.from_public_bytes(public)
        if "privateKeyBase58" not in data:
            return cls(pk)
        sk = private_key_from_bytes(raw("privateKeyBase58"))
        if sk.public_key().public_bytes_raw() != public:
            raise KeyFormatError("the secret key does not match publicKeyBase58")
        return cls(pk, sk)

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
