"""The issuer's Ed25519 Data Integrity keys in the seal's PKCS#11 token (bodies
want every key in their HSM).

`TokenKeyStore` is the data directory's `vc.key_store.KeyStore` with the private keys in the
token instead of encrypted files: a new key (first start, rotation) is generated in the token
(CKK_EC_EDWARDS on Ed25519, sensitive, not extractable, labelled `s4c-issuer-key-N`), and
signing asks the token (CKM_EDDSA, RFC 8032 Ed25519). The index (key ids, public keys,
created/retired times) stays in `<data_dir>/keys/index.json`, as the DID document is made
from it. A key made before the switch to the token stays listed (retired after a rotation),
so what it signed still verifies; rotate once after switching so the active key is in the
token.
"""
import os
import threading
from pathlib import Path
from typing import Any

import pkcs11
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.util.ec import encode_named_curve_parameters

from issuer.seal.pkcs11 import open_token_session
from vc.key_store import KeyStore, KeyStoreError, StoredKey
from vc.multikey import public_key_from_multibase

LABEL_PREFIX = "s4c-issuer-"
_PROBE = b"s4c: is this the issuer key the index lists?"
_ED25519 = "1.3.101.112"  # id-Ed25519 (RFC 8410), the curve of a CKK_EC_EDWARDS key


class TokenEd25519PrivateKey(Ed25519PrivateKey):
    """An Ed25519 private key that stays in a token: it signs there and cannot be exported
    (an Aries agent, which needs the key itself, cannot be given it)."""

    def __init__(self, public: Ed25519PublicKey, token: "_Token", label: str) -> None:
        self._public = public
        self._token = token
        self._label = label

    def public_key(self) -> Ed25519PublicKey:
        return self._public

    def sign(self, data: bytes | bytearray | memoryview) -> bytes:
        return self._token.sign(self._label, bytes(data))

    def private_bytes(self, *args: Any, **kwargs: Any) -> bytes:
        raise KeyStoreError(f"the issuer key {self._label} is in a PKCS#11 token and never "
                            "leaves it")

    def private_bytes_raw(self) -> bytes:
        return self.private_bytes()

    def __copy__(self) -> "TokenEd25519PrivateKey":
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> "TokenEd25519PrivateKey":
        return self


class _Token:
    """One logged-in session per process on the token, used by one thread at a time."""

    def __init__(self, module: str, token_label: str, pin: str) -> None:
        self._where = (module, token_label)
        self._pin = pin
        self._lock = threading.Lock()
        self._session: Any = None
        self._pid = -1
        self._keys: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"token {self._where[1]!r} ({self._where[0]})"

    def _current(self) -> Any:
        if self._pid != os.getpid():  # first use, or a forked worker: its own session
            self._session = open_token_session(self._where[0], self._where[1], self._pin,
                                               rw=True)  # rotation makes keys
            self._pid = os.getpid()
            self._keys = {}
        return self._session

    def has_key(self, label: str) -> bool:
        with self._lock:
            return any(True for _ in self._current().get_objects({Attribute.LABEL: label}))

    def generate(self, label: str) -> Ed25519PublicKey:
        with self._lock:
            try:
                parameters = self._current().create_domain_parameters(
                    KeyType.EC_EDWARDS,
                    {Attribute.EC_PARAMS: encode_named_curve_parameters(_ED25519)}, local=True)
                public, _ = parameters.generate_keypair(
                    label=label, store=True,
                    private_template={Attribute.SENSITIVE: True,
                                      Attribute.EXTRACTABLE: False})
            except pkcs11.PKCS11Error as e:
                raise KeyStoreError(f"{self!r} cannot make an Ed25519 key (does it do EdDSA?):"
                                    f" {type(e).__name__}") from None
            # CKA_EC_POINT: the DER OCTET STRING of the 32 public key bytes (PKCS#11 3.0)
            return Ed25519PublicKey.from_public_bytes(bytes(public[Attribute.EC_POINT])[-32:])

    def sign(self, label: str, data: bytes) -> bytes:
        with self._lock:
            session = self._current()
            try:
                key = self._keys.get(label)
                if key is None:
                    key = self._keys[label] = session.get_key(
                        object_class=ObjectClass.PRIVATE_KEY, label=label)
                return bytes(key.sign(data, mechanism=Mechanism.EDDSA))
            except (pkcs11.NoSuchKey, pkcs11.MultipleObjectsReturned):
                raise KeyStoreError(f"{self!r} has no single private key {label!r}") from None
            except pkcs11.PKCS11Error as e:
                raise KeyStoreError(f"{self!r} refused to sign with {label!r}: "
                                    f"{type(e).__name__}") from None


class TokenKeyStore(KeyStore):
    """The issuer's key store with its private keys in a PKCS#11 token."""

    def __init__(self, data_dir: Path, module: str, token_label: str, pin: str, *,
                 setup_hint: str = "create one first") -> None:
        # no passphrase: no private key is ever written here
        super().__init__(data_dir, b"unused: the keys are in a token", setup_hint=setup_hint)
        self._token = _Token(module, token_label, pin)

    def __repr__(self) -> str:
        return f"TokenKeyStore({self._token!r})"

    def _private_key(self, stored: StoredKey) -> Ed25519PrivateKey:
        label = LABEL_PREFIX + stored.key_id
        public = public_key_from_multibase(stored.public_key_multibase)
        key = TokenEd25519PrivateKey(public, self._token, label)
        try:  # the token's key is the one the index (and so the DID document) lists
            public.verify(key.sign(_PROBE), _PROBE)
        except InvalidSignature:
            raise KeyStoreError(f"the key {label!r} in {self._token!r} is not {stored.key_id} "
                                "of index.json") from None
        return key

    def _key_exists(self, key_id: str) -> bool:
        return self._token.has_key(LABEL_PREFIX + key_id)

    def _new_key(self, key_id: str) -> Ed25519PublicKey:
        return self._token.generate(LABEL_PREFIX + key_id)
