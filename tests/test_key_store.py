"""Key stores (an issuer's, an authority's): encrypted at rest, rotated without losing old keys,
private only via signing_key."""
import base64
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from vc.key_store import KeyStore, KeyStoreError, load_passphrase
from vc.multikey import Ed25519Multikey, private_key_to_multibase

PASSPHRASE = b"correct horse battery staple"


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    return KeyStore(tmp_path, PASSPHRASE)


def _seed(key: Ed25519Multikey) -> bytes:
    assert key.private_key is not None
    return key.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def test_first_use_creates_key_1_in_owner_only_files(tmp_path: Path, store: KeyStore):
    key = store.ensure_active()

    assert key.key_id == "key-1" and key.retired is None
    assert key.public_key_multibase.startswith("z6Mk")
    keys_dir = tmp_path / "keys"
    assert stat.S_IMODE(keys_dir.stat().st_mode) == 0o700
    for name in ("key-1.pem", "index.json"):
        assert stat.S_IMODE((keys_dir / name).stat().st_mode) == 0o600
    assert store.active() == key and store.all() == [key]


def test_ensure_active_twice_keeps_the_same_key(store: KeyStore):
    first = store.ensure_active()
    assert store.ensure_active() == first
    assert len(store.all()) == 1


def test_rotate_keeps_old_key_retired_and_makes_new_one_active(store: KeyStore):
    old = store.ensure_active()
    new = store.rotate()

    assert new.key_id == "key-2" and new.retired is None
    assert store.active() == new
    listed = store.all()
    assert [k.key_id for k in listed] == ["key-1", "key-2"]
    assert listed[0].public_key_multibase == old.public_key_multibase
    assert listed[0].retired is not None and listed[0].retired.endswith("Z")
    # The retired key still decrypts, so its credentials can be re-checked or re-signed.
    assert store.signing_key("key-1").public_key_multibase == old.public_key_multibase


def test_signing_key_signs_for_its_public_multibase(store: KeyStore):
    stored = store.ensure_active()
    signer = store.signing_key(stored.key_id)
    signature = signer.sign(b"credential bytes")

    verifier = Ed25519Multikey.from_multibase(stored.public_key_multibase)
    assert verifier.verify(signature, b"credential bytes")
    assert not verifier.verify(signature, b"tampered bytes")


def test_key_file_holds_neither_seed_nor_its_multibase(tmp_path: Path, store: KeyStore):
    stored = store.ensure_active()
    signer = store.signing_key(stored.key_id)
    seed, secret_multibase = _seed(signer), private_key_to_multibase(signer.private_key)
    pem = (tmp_path / "keys" / "key-1.pem").read_bytes()
    der = base64.b64decode(b"".join(pem.splitlines()[1:-1]))

    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert seed not in pem and seed not in der
    assert secret_multibase.encode() not in pem
    for path in (tmp_path / "keys").iterdir():
        assert secret_multibase.encode() not in path.read_bytes()
        assert seed not in path.read_bytes()


def test_key_file_cannot_be_loaded_without_the_passphrase(tmp_path: Path, store: KeyStore):
    store.ensure_active()
    pem = (tmp_path / "keys" / "key-1.pem").read_bytes()

    with pytest.raises(TypeError):
        load_pem_private_key(pem, password=None)
    with pytest.raises(ValueError):
        load_pem_private_key(pem, password=b"not the passphrase")
    assert load_pem_private_key(pem, password=PASSPHRASE) is not None


def test_wrong_passphrase_is_a_clear_error_without_key_bytes(tmp_path: Path):
    KeyStore(tmp_path, PASSPHRASE).ensure_active()

    with pytest.raises(KeyStoreError) as raised:
        KeyStore(tmp_path, b"wrong", passphrase_name="S4C_KEY_PASSPHRASE").signing_key("key-1")

    assert str(raised.value) == "cannot decrypt key key-1: wrong S4C_KEY_PASSPHRASE?"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_stored_key_and_store_reprs_show_no_private_material(store: KeyStore):
    stored = store.ensure_active()
    signer = store.signing_key(stored.key_id)
    secret = private_key_to_multibase(signer.private_key)

    for text in (repr(stored), str(stored), repr(store), repr(store.all())):
        assert secret not in text
        assert PASSPHRASE.decode() not in text
    assert not hasattr(stored, "private_key")


def test_unknown_or_path_like_key_ids_are_refused(store: KeyStore):
    store.ensure_active()
    for key_id in ("key-9", "../keys/key-1", "key-1.pem"):
        with pytest.raises(KeyStoreError):
            store.signing_key(key_id)


def test_two_data_dirs_never_see_each_others_keys(tmp_path: Path):
    a = KeyStore(tmp_path / "a", PASSPHRASE)
    b = KeyStore(tmp_path / "b", PASSPHRASE)
    key_a, key_b = a.ensure_active(), b.ensure_active()

    assert key_a.public_key_multibase != key_b.public_key_multibase
    assert a.all() == [key_a] and b.all() == [key_b]
    b.rotate()
    assert a.all() == [key_a]


def test_passphrase_file_is_generated_once_owner_only(tmp_path: Path):
    first = load_passphrase(tmp_path, None, create=True)
    again = load_passphrase(tmp_path, None, create=True)

    assert first == again and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "keys" / "passphrase").stat().st_mode) == 0o600


def test_environment_passphrase_wins_and_writes_no_file(tmp_path: Path):
    assert load_passphrase(tmp_path, "from-env", create=True) == b"from-env"
    assert not (tmp_path / "keys" / "passphrase").exists()


def test_keys_without_any_passphrase_source_are_a_clear_error(tmp_path: Path):
    KeyStore(tmp_path, b"from-env").ensure_active()

    # A fresh random passphrase file would never decrypt these keys: refuse instead.
    with pytest.raises(KeyStoreError, match="set S4C_KEY_PASSPHRASE or restore"):
        load_passphrase(tmp_path, None, create=True, given_name="S4C_KEY_PASSPHRASE")
    assert not (tmp_path / "keys" / "passphrase").exists()
    with pytest.raises(KeyStoreError, match="empty"):
        load_passphrase(tmp_path, "", create=True)
