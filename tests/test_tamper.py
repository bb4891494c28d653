"""Tamper suite: any change to a signed role credential, one leaf at a time, is detected,
and by the check that should: the signature, or the term check where RDFC cannot
canonicalise the changed document at all."""
import copy

import pytest
import vc_calls
from check_results import SIGNATURE_MISMATCH, failed_checks, leaf_paths

from issuer.demo import sample_role_credential
from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey


@pytest.fixture(scope="module")
def issuer():
    key = Ed25519Multikey.generate()
    did = did_key_from_public_key(key.public_key)
    return key, did, f"{did}#{key.public_key_multibase}"


def _parent(doc, path):
    for p in path[:-1]:
        doc = doc[p]
    return doc


def _changed(value):
    if isinstance(value, str):
        return value + "x" if value else "x"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return "x"


def _is_value(path) -> bool:
    """A claim's value: not a type or context (RDFC may refuse those as undefined terms),
    nor an option of the proof (checked before the signature)."""
    return path[0] != "proof" and "type" not in path[-2:] and "@context" not in path


def _caught_by(document, suite, path) -> str:
    """Which check caught a change: 'signature' (the proof check failed because the
    signature does not match), 'terms' (RDFC refused the changed document: the proof check
    fails with the term check's reason) or 'proof options' (a change to the proof itself)."""
    failed = failed_checks(vc_calls.verify(document).checks)
    assert "proof" in failed, f"{path}: the proof check passed ({failed})"
    if path[0] == "proof":
        return "proof options"
    if SIGNATURE_MISMATCH in failed["proof"]:
        return "signature"
    # only RDFC stops before the signature: JCS signs the bytes, whatever they mean
    assert suite == "eddsa-rdfc-2022" and failed.get("terms") == failed["proof"], \
        f"{path}: {failed}"
    return "terms"


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_every_single_leaf_change_addition_and_removal_is_detected(issuer, suite):
    key, did, vm = issuer
    signed = vc_calls.sign(sample_role_credential(7, did), key, suite=suite, verification_method=vm)
    assert vc_calls.verify(signed).verified
    paths = [p for p in leaf_paths(signed) if p[-1] != "proofValue"]
    # the areas the issue names are all covered
    for area in ("credentialSubject", "issuer", "validFrom", "validUntil", "credentialStatus"):
        assert any(p[0] == area for p in paths)
    for path in paths:
        changed = copy.deepcopy(signed)
        parent = _parent(changed, path)
        parent[path[-1]] = _changed(parent[path[-1]])
        caught = _caught_by(changed, suite, path)
        assert caught == "signature" or not _is_value(path), f"change at {path}: {caught}"

        removed = copy.deepcopy(signed)
        parent = _parent(removed, path)
        if isinstance(parent, list):
            parent.pop(path[-1])
        else:
            del parent[path[-1]]
        caught = _caught_by(removed, suite, path)
        assert caught == "signature" or not _is_value(path), f"removal at {path}: {caught}"
    objects = [()] + [p[:i] for p in paths for i in range(1, len(p))
                      if isinstance(_parent(signed, p[:i] + ("",)), dict)]
    for path in set(objects):
        added = copy.deepcopy(signed)
        target = added
        for p in path:
            target = target[p]
        if not isinstance(target, dict) or "proofValue" in target:
            continue
        target["addedClaim"] = "extra"
        failed = failed_checks(vc_calls.verify(added).checks)
        # an undefined term: the term check names it (RDFC would drop it unsigned)
        assert "addedClaim" in failed.get("terms", ""), f"addition at {path}: {failed}"
        assert "proof" in failed, f"addition at {path}: {failed}"
        if suite == "eddsa-jcs-2022":  # and JCS signs it: the signature no longer matches
            assert SIGNATURE_MISMATCH in failed["proof"], f"addition at {path}: {failed}"


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_credential_signed_by_another_key_fails(issuer, suite):
    _key, did, vm = issuer
    other = Ed25519Multikey.generate()
    forged = vc_calls.sign(sample_role_credential(8, did), other, suite=suite,
                      verification_method=vm)
    failed = failed_checks(vc_calls.verify(forged).checks)
    assert list(failed) == ["proof"] and SIGNATURE_MISMATCH in failed["proof"]
