"""Key files with the 64-byte Ed25519 secret key (RFC 8032 seed followed by the public key),
as NaCl, libsodium and digitalbazaar's key libraries export it: read once the second half is
checked against the public key the seed derives; an inconsistent file is refused clearly."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vc.errors import KeyFormatError
from vc.multibase import b58encode, encode_base58btc
from vc.multikey import ED25519_PRIV_HEADER, Ed25519Multikey
from web.cli import main

VECTORS_KEY = {"publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
               "privateKeyMultibase": "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"}


def key_pair() -> tuple[bytes, bytes]:
    private = Ed25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def multikey_file(seed: bytes, public: bytes, secret: bytes) -> dict:
    return {"publicKeyMultibase": encode_base58btc(b"\xed\x01" + public),
            "privateKeyMultibase": encode_base58btc(ED25519_PRIV_HEADER + secret)}


def test_a_64_byte_multikey_secret_loads_as_its_seed():
    seed, public = key_pair()
    key = Ed25519Multikey.from_json(multikey_file(seed, public, seed + public))
    assert key.private_key is not None
    assert key.private_key.private_bytes_raw() == seed
    assert key.verify(key.sign(b"message"), b"message")


def test_the_w3c_vector_key_pair_reads_the_same_in_both_lengths():
    short = Ed25519Multikey.from_json(VECTORS_KEY)
    assert short.private_key is not None
    seed = short.private_key.private_bytes_raw()
    public = short.public_key.public_bytes_raw()
    long = Ed25519Multikey.from_json(multikey_file(seed, public, seed + public))
    assert long.public_key_multibase == VECTORS_KEY["publicKeyMultibase"]
    assert long.sign(b"x") == short.sign(b"x")  # Ed25519 signatures are deterministic


def test_a_64_byte_secret_whose_halves_disagree_is_refused():
    seed, public = key_pair()
    _, other_public = key_pair()
    with pytest.raises(KeyFormatError, match="second half is not the public key derived from "
                                             "its first half"):
        Ed25519Multikey.from_json(multikey_file(seed, public, seed + other_public))


def test_a_secret_of_another_length_is_refused():
    seed, public = key_pair()
    with pytest.raises(KeyFormatError, match="not an Ed25519 Multikey secret"):
        Ed25519Multikey.from_json(multikey_file(seed, public, seed + public[:16]))


def test_a_2018_key_file_in_base58_with_a_64_byte_secret_loads():
    seed, public = key_pair()
    key = Ed25519Multikey.from_json({"type": "Ed25519VerificationKey2018",
                                     "publicKeyBase58": b58encode(public),
                                     "privateKeyBase58": b58encode(seed + public)})
    assert key.private_key is not None and key.private_key.private_bytes_raw() == seed
    _, other = key_pair()
    with pytest.raises(KeyFormatError, match="second half is not the public key"):
        Ed25519Multikey.from_json({"publicKeyBase58": b58encode(public),
                                   "privateKeyBase58": b58encode(seed + other)})
    with pytest.raises(KeyFormatError, match="does not match publicKeyBase58"):
        Ed25519Multikey.from_json({"publicKeyBase58": b58encode(other),
                                   "privateKeyBase58": b58encode(seed)})


def test_vc_sign_accepts_a_key_file_with_a_64_byte_secret(tmp_path: Path):
    seed, public = key_pair()
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(multikey_file(seed, public, seed + public)))
    unsigned = tmp_path / "in.json"
    unsigned.write_text(json.dumps({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"], "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"}}))
    signed = CliRunner().invoke(main, ["vc", "sign", "--key", str(key_file), str(unsigned)])
    assert signed.exit_code == 0, signed.output
    verified = CliRunner().invoke(main, ["vc", "verify", "-"], input=signed.stdout)
    assert verified.exit_code == 0, verified.output

    key_file.write_text(json.dumps(multikey_file(seed, public, seed + key_pair()[1])))
    refused = CliRunner().invoke(main, ["vc", "sign", "--key", str(key_file), str(unsigned)])
    assert refused.exit_code == 2
    assert "second half is not the public key" in refused.stderr
