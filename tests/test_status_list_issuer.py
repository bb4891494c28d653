"""A status list kept by another DID than the credential's issuer (Bitstring Status List v1.0
§2.2: the two issuer values MAY differ). It is read when its own proof verifies, by a key of
its own issuer, and the report names that issuer; a list whose proof fails is never read."""
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
    status_list,
    trusted,
)

from verifier.service import Verifier
from verifier.verdict import Verdict

KEEPER_HOST = "status.keeper.example.org"


def outcomes(report) -> dict[str, str]:
    return {c.id: str(c.outcome) for c in report.checks}


def reason(report, check_id: str) -> str:
    return next(c.check.technical for c in report.checks if c.id == check_id)


@pytest.fixture
def issuer() -> DemoIssuer:
    return DemoIssuer()


@pytest.fixture
def keeper() -> DemoIssuer:
    """Another body that keeps the issuer's revocation list, under its own DID."""
    return DemoIssuer(host=KEEPER_HOST)


def world_with_kept_list(issuer: DemoIssuer, keeper: DemoIssuer, revoked=(), list_doc=None):
    world = issuer_world(issuer)
    world.set(keeper.did_url(), keeper.did_document())
    world.set(keeper.list_url("revocation"),
              list_doc or status_list(keeper, "revocation", revoked))
    return world


def credential_with_kept_list(issuer: DemoIssuer, keeper: DemoIssuer, index: int = 4821):
    doc = role_credential(issuer, revocation_index=index)
    doc["credentialStatus"][0]["statusListCredential"] = keeper.list_url("revocation")
    doc["credentialStatus"][0]["id"] = f"{keeper.list_url('revocation')}#{index}"
    return issuer.sign(doc)


def verify(issuer: DemoIssuer, world, credential: dict):
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))], [])
    return Verifier(trust, resolver_for(world), world, clock=lambda: NOW,
                    store=STORE).verify_credential(credential)


def test_a_list_kept_by_another_did_is_read_and_its_keeper_named(issuer, keeper):
    world = world_with_kept_list(issuer, keeper)
    report = verify(issuer, world, credential_with_kept_list(issuer, keeper))

    assert report.verdict is Verdict.VALID, report.to_json()
    assert outcomes(report)["status.revocation"] == "passed"
    assert reason(report, "status.revocation") == \
        f"status.not-revoked-by-list-keeper (keeper={keeper.did})"
    # the list the issuer keeps itself is still described as the issuer's
    assert reason(report, "status.suspension") == "status.not-suspended"


def test_a_credential_revoked_in_a_list_kept_by_another_did_is_revoked(issuer, keeper):
    world = world_with_kept_list(issuer, keeper, revoked=(77,))
    report = verify(issuer, world, credential_with_kept_list(issuer, keeper, index=77))

    assert report.verdict is Verdict.NOT_VALID_NOW
    assert outcomes(report)["status.revocation"] == "failed"
    assert reason(report, "status.revocation") == \
        f"status.revoked-by-list-keeper (keeper={keeper.did})"
    assert report.summary["status"] == "revoked"


def test_a_kept_list_whose_proof_fails_is_not_read(issuer, keeper):
    altered = status_list(keeper, "revocation", (77,))
    altered["credentialSubject"]["encodedList"] = status_list(
        keeper, "revocation", ())["credentialSubject"]["encodedList"]  # un-revoke 77
    world = world_with_kept_list(issuer, keeper, list_doc=altered)
    report = verify(issuer, world, credential_with_kept_list(issuer, keeper, index=77))

    assert outcomes(report)["status.revocation"] == "unknown"
    assert "is not properly signed" in reason(report, "status.revocation")
    assert report.verdict is Verdict.COULD_NOT_CHECK


def test_a_kept_list_signed_by_a_key_of_a_third_did_is_not_read(issuer, keeper):
    third = DemoIssuer(host="third.example.net")
    forged = status_list(keeper, "revocation", (), signer=third)  # names keeper, signed by third
    world = world_with_kept_list(issuer, keeper, list_doc=forged)
    world.set(third.did_url(), third.did_document())
    report = verify(issuer, world, credential_with_kept_list(issuer, keeper, index=77))

    assert outcomes(report)["status.revocation"] == "unknown"
    assert "was not signed by its issuer" in reason(report, "status.revocation")


def test_a_kept_list_signed_with_a_key_the_keeper_does_not_list_is_not_read(issuer, keeper):
    impostor = copy.deepcopy(keeper)
    impostor.key = DemoIssuer().key  # the keeper's DID, another key
    world = world_with_kept_list(issuer, keeper,
                                 list_doc=status_list(keeper, "revocation", (), signer=impostor))
    report = verify(issuer, world, credential_with_kept_list(issuer, keeper, index=77))

    assert outcomes(report)["status.revocation"] == "unknown"
    assert "is not properly signed" in reason(report, "status.revocation")
