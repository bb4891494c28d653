"""W3C vc-di-eddsa test vectors: every intermediate and the final proofValue, byte for byte."""
import copy
import hashlib
import json
from pathlib import Path

import pytest
import vc_calls
from check_results import SIGNATURE_MISMATCH, failed_checks, leaf_paths

from vc._internal.dataintegrity import add_proof
from vc.cryptosuites import SUITES
from vc.multibase import encode_base58btc
from vc.multikey import Ed25519Multikey

# (suite, folder, file suffix) as named in w3c/vc-di-eddsa TestVectors/
CASES = [
    ("eddsa-rdfc-2022", "eddsa-rdfc-2022", "DataInt"),
    ("eddsa-jcs-2022", "eddsa-jcs-2022", "JCS"),
    ("Ed25519Signature2020", "Ed25519Signature2020", "EdSig"),
]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _load(path: Path) -> dict:
    return json.loads(_read(path))


@pytest.mark.parametrize(("suite", "folder", "tag"), CASES)
def test_every_intermediate_matches_the_vector(vectors, examples_store, suite, folder, tag):
    base = vectors / "vc-di-eddsa"
    cs = SUITES[suite]
    cache = examples_store.cache()
    signed = _load(base / folder / f"signed{tag}.json")
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    config = _load(base / folder / f"proofConfig{tag}.json")

    canon_doc = cs.transform(unsigned, cache)
    assert canon_doc.decode() == _read(base / folder / f"canonDoc{tag}.txt")
    canon_proof = cs.proof_configuration(config, unsigned, cache)
    assert canon_proof.decode() == _read(base / folder / f"proofCanon{tag}.txt")
    assert hashlib.sha256(canon_doc).hexdigest() == _read(base / folder / f"docHash{tag}.txt")
    assert hashlib.sha256(canon_proof).hexdigest() == _read(
        base / folder / f"proofHash{tag}.txt")
    combined = cs.hash_data(canon_doc, canon_proof)
    assert combined.hex() == _read(base / folder / f"combinedHash{tag}.txt")
    key = Ed25519Multikey.from_file(base / "keyPair.json")
    signature = key.sign(combined)
    assert signature.hex() == _read(base / folder / f"sigHex{tag}.txt")
    assert encode_base58btc(signature) == _read(base / folder / f"sigBTC58{tag}.txt")
    assert signed["proof"]["proofValue"] == encode_base58btc(signature)


@pytest.mark.parametrize(("suite", "folder", "tag"), CASES)
def test_signing_the_unsigned_vector_reproduces_the_signed_vector(vectors, examples_store,
                                                                  suite, folder, tag):
    base = vectors / "vc-di-eddsa"
    expected = _load(base / folder / f"signed{tag}.json")
    unsigned = {k: v for k, v in expected.items() if k != "proof"}
    key = Ed25519Multikey.from_file(base / "keyPair.json")
    signed = vc_calls.sign(unsigned, key, suite=suite,
                      verification_method=expected["proof"]["verificationMethod"],
                      created=expected["proof"]["created"], store=examples_store)
    assert signed == expected


@pytest.mark.parametrize(("suite", "folder", "tag"), CASES)
def test_signed_vector_verifies(vectors, examples_store, suite, folder, tag):
    signed = _load(vectors / "vc-di-eddsa" / folder / f"signed{tag}.json")
    result = vc_calls.verify(signed, store=examples_store)
    assert result.verified, result.to_json()
    assert [c.id for c in result.checks] == ["terms", "proof"]


def _set(doc, path, value):
    target = doc
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value


def _altered(value):
    if isinstance(value, str):
        return value[:-1] + ("A" if not value.endswith("A") else "B")
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return "x"


# the values of each signed vector (today's count: fewer means the test stopped testing)
MIN_VALUES = {"DataInt": 16, "JCS": 18, "EdSig": 16}
# what the proof check says when an option of the proof itself changed
PROOF_OPTION_REASONS = {"type": "unsupported proof type", "cryptosuite": "unsupported cryptosuite",
                        "created": "created is not a date-time", "verificationMethod":
                        "proof.key-unusable", "proofPurpose": "proofPurpose is 'assertionMetho",
                        "@context": "the proof's @context does not match the document's"}


def _caught_as_expected(failed: dict[str, str], path: tuple) -> bool:
    """Which check must fail: the term check for a changed context (no longer accepted),
    the proof check with its own reason for a changed proof option, and otherwise the
    proof check because the signature does not cover the changed value."""
    if path[0] == "@context":
        return "unknown JSON-LD context" in failed.get("terms", "") and "proof" in failed
    if path[0] == "proof":
        return list(failed) == ["proof"] and PROOF_OPTION_REASONS[path[1]] in failed["proof"]
    return list(failed) == ["proof"] and SIGNATURE_MISMATCH in failed["proof"]


@pytest.mark.parametrize(("suite", "folder", "tag"), CASES)
def test_changing_any_single_value_breaks_the_signed_vector(vectors, examples_store, suite,
                                                            folder, tag):
    signed = _load(vectors / "vc-di-eddsa" / folder / f"signed{tag}.json")
    paths = [p for p in leaf_paths(signed) if p[-1] != "proofValue"]
    assert len(paths) >= MIN_VALUES[tag]
    for path in paths:
        doc = copy.deepcopy(signed)
        value = doc
        for p in path:
            value = value[p]
        _set(doc, path, _altered(value))
        failed = failed_checks(vc_calls.verify(doc, store=examples_store).checks)
        assert _caught_as_expected(failed, path), f"{path} change: {failed}"


def _proof_keys(vectors: Path) -> dict[str, Ed25519Multikey]:
    pairs = _load(vectors / "vc-di-eddsa" / "proof-set-chain" / "multiKeyPairs.json")
    keys = {}
    for pair in pairs.values():
        key = Ed25519Multikey.from_json(pair)
        keys[key.public_key_multibase] = key
    return keys


@pytest.mark.parametrize("name", ["signedProofSet1", "signedProofSet2", "signedProofChain1",
                                  "signedProofChain2"])
def test_proof_sets_and_chains_verify_and_reproduce(vectors, examples_store, name):
    signed = _load(vectors / "vc-di-eddsa" / "proof-set-chain" / f"{name}.json")
    result = vc_calls.verify(signed, store=examples_store)
    assert result.verified, result.to_json()
    proofs = signed["proof"] if isinstance(signed["proof"], list) else [signed["proof"]]
    keys = _proof_keys(vectors)
    cache = examples_store.cache()
    for i, proof in enumerate(proofs):
        base = {k: v for k, v in signed.items() if k != "proof"}
        if i:
            base["proof"] = proofs[:i] if i > 1 else proofs[0]
        key = keys[proof["verificationMethod"].split("#")[1]]
        extra = {k: proof[k] for k in ("id", "previousProof") if k in proof}
        redone = add_proof(base, key, suite="eddsa-rdfc-2022",
                           verification_method=proof["verificationMethod"],
                           created=proof["created"], extra=extra, cache=cache)
        mine = redone["proof"][-1] if isinstance(redone["proof"], list) else redone["proof"]
        assert mine == proof


def test_a_chain_whose_previous_proof_was_removed_fails(vectors, examples_store):
    signed = _load(vectors / "vc-di-eddsa" / "proof-set-chain" / "signedProofChain2.json")
    signed["proof"] = signed["proof"][2:]  # the chained proofs lose what they signed over
    failed = failed_checks(vc_calls.verify(signed, store=examples_store).checks)
    # the first remaining proof names a removed one; the next, chained to it, still holds
    assert list(failed) == ["proof[0]"], failed
    assert "previousProof" in failed["proof[0]"] and "does not name a proof" in failed["proof[0]"]


def test_a_proof_with_an_unknown_cryptosuite_fails_with_a_reason(vectors, examples_store):
    signed = _load(vectors / "vc-di-eddsa" / "eddsa-rdfc-2022" / "signedDataInt.json")
    signed["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    failed = failed_checks(vc_calls.verify(signed, store=examples_store).checks)
    assert list(failed) == ["proof"] and "unsupported cryptosuite" in failed["proof"]
