"""Tamper suite: any change to a signed role credential, one leaf at a time, is detected."""
import copy

import pytest
from conftest import leaf_paths

from issuer.demo import sample_role_credential
from vc import api
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


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_every_single_leaf_change_addition_and_removal_is_detected(issuer, suite):
    key, did, vm = issuer
    signed = api.sign(sample_role_credential(7, did), key, suite=suite, verification_method=vm)
    assert api.verify(signed).verified
    paths = [p for p in leaf_paths(signed) if p[-1] != "proofValue"]
    # the areas the issue names are all covered
    for area in ("credentialSubject", "issuer", "validFrom", "validUntil", "credentialStatus"):
        assert any(p[0] == area for p in paths)
    for path in paths:
        changed = copy.deepcopy(signed)
        parent = _parent(changed, path)
        parent[path[-1]] = _changed(parent[path[-1]])
        assert not api.verify(changed).verified, f"change at {path} undetected"

        removed = copy.deepcopy(signed)
        parent = _parent(removed, path)
        if isinstance(parent, list):
            parent.pop(path[-1])
        else:
            del parent[path[-1]]
        assert not api.verify(removed).verified, f"removal at {path} undetected"
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
        result = api.verify(added)
        assert not result.verified, f"addition at {path} undetected"


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_credential_signed_by_another_key_fails(issuer, suite):
    _key, did, vm = issuer
    other = Ed25519Multikey.generate()
    forged = api.sign(sample_role_credential(8, did), other, suite=suite,
                      verification_method=vm)
    result = api.verify(forged)
    assert not result.verified
    assert "does not match" in result.checks[-1].reason
