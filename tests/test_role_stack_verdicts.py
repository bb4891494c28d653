"""The role stack never makes a genuine role credential "forged" (ARCHITECTURE.md
"Verification is a list of checks": content every signature covers, signed by a key the issuer
does not control, is "issuer not confirmed", never forged).

The unit credentials a holder supplies with a role credential are evidence about the role,
not part of what its own signature covers: one that cannot be confirmed (signed by a key the
issuer does not control, issued by another body, not the one the role was issued for, or not
verifying at all) leaves the role's unit evidence unconfirmed ("role-stack" failed, a trust
finding), and the role credential, whose own signature is fine, authentic."""
import copy

import pytest
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    resolver_for,
    role_credential,
    trusted,
    unit_credential,
)

from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey
from verifier.checks.base import Category
from verifier.service import Verifier
from verifier.verdict import Verdict

ISSUER = DemoIssuer()
OTHER_BODY = DemoIssuer(host="elsewhere.example.eu")
WORLD = issuer_world(ISSUER)
VERIFIER = Verifier(FakeTrustSource([trusted(ISSUER, accreditation(ISSUER.did))], []),
                    resolver_for(WORLD), WORLD, clock=lambda: NOW, store=STORE)


def role_stack(report):
    return next(c for c in report.checks if c.id == "role-stack")


def _signed_by_a_foreign_key(unit: dict) -> dict:
    key = Ed25519Multikey.generate()
    did = did_key_from_public_key(key.public_key)
    return ISSUER.sign(unit, vm=f"{did}#{key.public_key_multibase}", key=key)


def _units(kind: str) -> list[dict]:
    units = [ISSUER.sign(unit_credential(ISSUER, i)) for i in range(1, 7)]
    if kind == "foreign-key":  # every signature valid, but one is not by the issuer's key
        units[1] = _signed_by_a_foreign_key(unit_credential(ISSUER, 2))
    elif kind == "other-issuer":  # a genuine unit credential of another body
        units[1] = OTHER_BODY.sign(unit_credential(OTHER_BODY, 2))
    return units


@pytest.mark.parametrize("kind", ["foreign-key", "other-issuer"])
def test_a_unit_credential_the_issuer_did_not_sign_does_not_forge_the_role(kind):
    units = _units(kind)
    role = ISSUER.sign(role_credential(ISSUER, units=units))  # binds exactly these units
    report = VERIFIER.verify_credential(role, related=units)

    assert report.verdict is not Verdict.FORGED_OR_MALFORMED, report.to_json()
    assert report.verdict is Verdict.NOT_VALID_NOW  # the unit evidence is not confirmed
    stack = role_stack(report)
    assert str(stack.outcome) == "failed" and stack.category is Category.TRUST
    assert "urn:uuid:5c0e7d2a-1f3b-4a6c-8e9d-000000000002" in stack.check.technical
    # the role itself is judged on its own signature: authentic, the issuer's own key
    found = {c.id: str(c.outcome) for c in report.checks}
    assert found["proof"] == found["key-binding"] == "passed"
    assert report.summary["achievement"]["kind"] == "role"


def test_a_tampered_unit_credential_is_named_but_does_not_forge_the_role():
    """A supplied unit that is not the one the role was issued for (its digest differs: altered,
    or re-signed) is reported for that unit; the role credential's own signature is fine."""
    units = _units("genuine")
    role = ISSUER.sign(role_credential(ISSUER, units=units))
    altered = copy.deepcopy(units)
    altered[2]["credentialSubject"]["result"][0]["value"] = "99/100"
    report = VERIFIER.verify_credential(role, related=altered)

    assert report.verdict is Verdict.NOT_VALID_NOW, report.to_json()
    stack = role_stack(report)
    assert str(stack.outcome) == "failed" and stack.category is Category.TRUST
    assert "urn:uuid:5c0e7d2a-1f3b-4a6c-8e9d-000000000003" in stack.check.technical
    assert stack.check.finding.code == "role-stack.digest-differs"


def test_genuine_unit_credentials_confirm_the_role():
    units = _units("genuine")
    role = ISSUER.sign(role_credential(ISSUER, units=units))
    report = VERIFIER.verify_credential(role, related=units)
    assert report.verdict is Verdict.VALID
    assert str(role_stack(report).outcome) == "passed"
