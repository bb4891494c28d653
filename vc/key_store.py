"""Ed25519 signing keys encrypted at rest under `<data_dir>/keys/`: an issuer's keys, and each
registry authority's (one store per directory).

Layout: `key-N.pem` (PKCS#8 PEM, encrypted with the passphrase), `index.json` (public
metadata only: key ids, publicKeyMultibase, created/retired times) and, when the
passphrase is not given by the environment, `passphrase`. Every file is mode 0600
and the directory 0700.

The passphrase is given by the deployment (an environment variable) when set; otherwise a
random one is generated once into `<data_dir>/keys/passphrase`. That default keeps a
single-machine install working, but it stores the passphrase next to the keys it protects: in
production give the passphrase (from a secret store) or keep the passphrase file on a
different volume than the key files.

Old keys are kept after a rotation, marked retired, so credentials they signed still
verify. Private key material leaves this module only through `signing_key()`.
"""
import contextlib
import fcntl
import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    load_pem_private_key,
)

from vc.multikey import Ed25519Multikey, public_key_to_multibase

KEYS_DIR = "keys"
_KEY_ID = re.compile(r"key-[1-9][0-9]{0,8}")
_INDEX_VERSION = 1


class KeyStoreError(Exception):
    """A key cannot be created, found or decrypted. The message says what to do."""


@dataclass(frozen=True)
class StoredKey:
    """Public metadata of one key; it never holds private material."""

    key_id: str
    public_key_multibase: str
    created: str
    retired: str | None = None

    @property
    def is_active(self) -> bool:
        return self.retired is None


def keys_dir(data_dir: Path) -> Path:
    return Path(data_dir) / KEYS_DIR


def load_passphrase(data_dir: Path, given: str | None, *, create: bool = False,
                    given_name: str = "the passphrase setting",
                    setup_hint: str = "create the key store first") -> bytes:
    """The key passphrase: `given` (by the deployment, named `given_name` in messages) or the
    passphrase file.

    With `create`, a missing passphrase file is generated, but only while no key exists:
    keys without a passphrase file were encrypted under an environment passphrase,
    and a fresh random one could never decrypt them.
    """
    if given is not None:
        if not given:
            raise KeyStoreError(f"{given_name} is set but empty: give it a passphrase")
        return given.encode("utf-8")
    path = keys_dir(data_dir) / "passphrase"
    if path.exists():
        value = path.read_bytes().strip()
        if not value:
            raise KeyStoreError(f"the key passphrase file {path} is empty")
        return value
    if any(keys_dir(data_dir).glob("key-*.pem")):
        raise KeyStoreError(
            f"the keys in {keys_dir(data_dir)} are encrypted but there is no passphrase: "
            f"set {given_name} or restore {path}"
        )
    if not create:
        raise KeyStoreError(f"no key passphrase in {path}: {setup_hint}")
    _make_keys_dir(data_dir)
    with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
        _write_private(path, secrets.token_urlsafe(32).encode("ascii") + b"\n")
    return path.read_bytes().strip()


class KeyStore:
    """The keys of one data directory (one `KeyStore` per data directory). Messages name the
    passphrase `passphrase_name` and say `setup_hint` when there is no key yet."""

    def __init__(self, data_dir: Path, passphrase: bytes, *,
                 passphrase_name: str = "passphrase",  # noqa: S107 (a word in messages)
                 setup_hint: str = "create one first") -> None:
        if not passphrase:
            raise KeyStoreError("the key passphrase must not be empty")
        self._dir = keys_dir(data_dir)
        self._passphrase = passphrase
        self._passphrase_name = passphrase_name
        self._setup_hint = setup_hint

    def __repr__(self) -> str:
        return f"KeyStore({str(self._dir)!r})"

    def all(self) -> list[StoredKey]:
        """Every key, oldest first, retired ones included (they verify old credentials)."""
        return self._read_index()

    def active(self) -> StoredKey:
        for key in self._read_index():
            if key.is_active:
                return key
        raise KeyStoreError(f"no active key in {self._dir}: {self._setup_hint}")

    def ensure_active(self) -> StoredKey:
        """The active key, creating `key-1` when the store is empty."""
        with self._locked():
            keys = self._read_index()
            active = [k for k in keys if k.is_active]
            if active:
                return active[0]
            new = self._create_key(keys)
            self._write_index([*keys, new])
            return new

    def rotate(self) -> StoredKey:
        """Makes a new key active; the previous one is kept and marked retired now."""
        with self._locked():
            keys = self._read_index()
            new = self._create_key(keys)
            now = _now()
            kept = [k if not k.is_active else replace(k, retired=now) for k in keys]
            self._write_index([*kept, new])
            return new

    def signing_key(self, key_id: str) -> Ed25519Multikey:
        """One key for signing: the only way to obtain private material (or, for a key in a
        token, the means to sign with it)."""
        stored = next((k for k in self._read_index() if k.key_id == key_id), None)
        if stored is None:
            raise KeyStoreError(f"no key {key_id!r} in {self._dir}")
        private = self._private_key(stored)
        key = Ed25519Multikey(private.public_key(), private)
        if key.public_key_multibase != stored.public_key_multibase:
            raise KeyStoreError(f"key {key_id} does not match index.json")
        return key

    # -- where the private keys are: files here; a subclass may keep them elsewhere (a
    # PKCS#11 token, `issuer.seal.token_keys`) and keep only the index in the data dir -----

    def _private_key(self, stored: StoredKey) -> Ed25519PrivateKey:
        key_id = stored.key_id
        try:
            private = load_pem_private_key(self._pem_path(key_id).read_bytes(), self._passphrase)
        except OSError as e:
            raise KeyStoreError(f"cannot read key {key_id}: {e.strerror}") from None
        except (ValueError, TypeError):
            raise KeyStoreError(
                f"cannot decrypt key {key_id}: wrong {self._passphrase_name}?"
            ) from None
        if not isinstance(private, Ed25519PrivateKey):
            raise KeyStoreError(f"key {key_id} is not an Ed25519 key")
        return private

    def _key_exists(self, key_id: str) -> bool:
        return self._pem_path(key_id).exists()

    def _new_key(self, key_id: str) -> Ed25519PublicKey:
        """Makes and keeps the private key `key_id`; its public key."""
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(self._passphrase)
        )
        _write_private(self._pem_path(key_id), pem)
        return private.public_key()

    # -- files ------------------------------------------------------------------------

    def _create_key(self, existing: list[StoredKey]) -> StoredKey:
        number = 1 + max((_number(k.key_id) for k in existing), default=0)
        # A crash between making a key and writing the index can leave an orphan key.
        while self._key_exists(f"key-{number}"):
            number += 1
        key_id = f"key-{number}"
        public = self._new_key(key_id)
        return StoredKey(key_id, public_key_to_multibase(public), _now())

    def _pem_path(self, key_id: str) -> Path:
        if not _KEY_ID.fullmatch(key_id):
            raise KeyStoreError(f"{key_id!r} is not a key id (key-1, key-2, ...)")
        return self._dir / f"{key_id}.pem"

    def _read_index(self) -> list[StoredKey]:
        path = self._dir / "index.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as e:
            raise KeyStoreError(f"cannot read {path}: {e}") from None
        try:
            return [StoredKey(**entry) for entry in data["keys"]]
        except (KeyError, TypeError) as e:
            raise KeyStoreError(f"{path} is not a key index: {e}") from None

    def _write_index(self, keys: list[StoredKey]) -> None:
        doc = {"version": _INDEX_VERSION, "keys": [asdict(k) for k in keys]}
        text = json.dumps(doc, indent=2) + "\n"
        tmp = self._dir / "index.json.tmp"
        tmp.unlink(missing_ok=True)
        _write_private(tmp, text.encode("utf-8"))
        os.replace(tmp, self._dir / "index.json")  # atomic: readers see old or new index

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialises key creation between processes (e.g. several server workers)."""
        _make_keys_dir(self._dir.parent)
        fd = os.open(self._dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def _make_keys_dir(data_dir: Path) -> None:
    path = keys_dir(data_dir)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _write_private(path: Path, content: bytes) -> None:
    """Creates a new file readable by its owner only (O_EXCL: never reuses a foreign file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())


def _number(key_id: str) -> int:
    return int(key_id.removeprefix("key-"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
