"""Holder binding is a named policy, a junk presentation cannot use up a
challenge, and a proof's `created` and `expires` are instants on the verifier's clock."""
from datetime import timedelta

from sqlalchemy import create_engine
from test_same_rdf_mutations import (
    ALICE,
    ALICE_DID,
    CHALLENGE,
    DOMAIN,
    ISSUER,
    MALLORY,
    MALLORY_DID,
    VERIFIER,
    _presentation,
)
from test_verifier_support import NOW, role_credential
from vc_calls import STORE

from vc._internal.dataintegrity import add_proof
from vc.checks import Outcome
from verifier.challenges import ChallengeStore
from verifier.holder_binding import PresenterMayDiffer
from verifier.models import Base
from verifier.presentation import verify_presentation
from verifier.verdict import Verdict


def _outcomes(report) -> dict[str, str]:
    return {c.id: str(c.outcome) for c in report.checks}


def test_by_default_a_did_subject_must_present_its_own_credential():
    vp = _presentation(ISSUER.sign(role_credential(ISSUER, n=11, holder_did=ALICE_DID)),
                       MALLORY, MALLORY_DID)
    report = verify_presentation(VERIFIER, vp, challenge=CHALLENGE, domain=DOMAIN)
    assert _outcomes(report)["holder-binding"] == "failed"
    assert report.verdict is Verdict.FORGED_OR_MALFORMED


def test_the_presenter_may_differ_policy_reports_without_failing():
    vp = _presentation(ISSUER.sign(role_credential(ISSUER, n=12, holder_did=ALICE_DID)),
                       MALLORY, MALLORY_DID)
    report = verify_presentation(VERIFIER, vp, challenge=CHALLENGE, domain=DOMAIN,
                                 holder_binding=PresenterMayDiffer())
    check = next(c for c in report.checks if c.id == "holder-binding")
    assert check.outcome is Outcome.UNKNOWN and ALICE_DID in check.check.technical
    assert report.verdict is Verdict.VALID


def test_a_junk_presentation_does_not_use_up_the_challenge():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    store = ChallengeStore(engine, clock=lambda: NOW)
    challenge, _ = store.issue()
    unsigned = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiablePresentation"], "holder": ALICE_DID,
                "verifiableCredential": [
                    ISSUER.sign(role_credential(ISSUER, n=13, holder_did=ALICE_DID))]}
    good = add_proof(unsigned, ALICE, verification_method=f"{ALICE_DID}#"
                     f"{ALICE.public_key_multibase}", proof_purpose="authentication",
                     created="2026-06-01T00:00:00Z",
                     extra={"challenge": challenge, "domain": DOMAIN}, cache=STORE.cache())
    junk = {**good, "proof": {**good["proof"], "proofValue": "z" + "1" * 86}}
    first = verify_presentation(VERIFIER, junk, challenge=challenge, domain=DOMAIN,
                                challenges=store)
    assert first.verdict is Verdict.FORGED_OR_MALFORMED
    assert next(c.check.finding.code for c in first.checks if c.id == "challenge") == \
        "challenge.not-used"
    second = verify_presentation(VERIFIER, good, challenge=challenge, domain=DOMAIN,
                                 challenges=store)
    assert second.verdict is Verdict.VALID, second.to_json()
    replay = verify_presentation(VERIFIER, good, challenge=challenge, domain=DOMAIN,
                                 challenges=store)
    assert next(c.check.finding.code for c in replay.checks if c.id == "challenge") == \
        "challenge.replayed"


def _signed_at(created: str, expires: str | None = None) -> dict:
    extra = {"expires": expires} if expires else None
    return add_proof(role_credential(ISSUER, n=14), ISSUER.key,
                     verification_method=ISSUER.vm, created=created, extra=extra,
                     cache=STORE.cache())


def test_a_proof_created_in_the_future_beyond_the_skew_fails():
    future = (NOW + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    report = VERIFIER.verify_credential(_signed_at(future))
    proof = next(c for c in report.checks if c.id == "proof")
    assert proof.outcome is Outcome.FAILED and "future" in proof.check.technical
    near = (NOW + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert VERIFIER.verify_credential(_signed_at(near)).verdict is Verdict.VALID


def test_proof_expiry_is_an_instant_on_the_verifier_s_clock():
    # 2027-03-01T13:00+02:00 is 11:00 UTC, before NOW (12:00 UTC); as a string it sorts after
    report = VERIFIER.verify_credential(
        _signed_at("2026-06-01T00:00:00Z", expires="2027-03-01T13:00:00+02:00"))
    proof = next(c for c in report.checks if c.id == "proof")
    assert proof.outcome is Outcome.FAILED and "expired" in proof.check.technical
    # the verifier's clock, not the wall clock: a proof expiring in 2027 is fine at NOW
    fine = VERIFIER.verify_credential(
        _signed_at("2026-06-01T00:00:00Z", expires="2027-06-01T00:00:00Z"))
    assert fine.verdict is Verdict.VALID


def test_a_credential_signed_with_a_key_the_anchor_did_not_accept_is_not_covered():
    """An anchor may narrow a body's keys (registry `publicKey` in its accreditation)."""
    import dataclasses

    from test_verifier_support import (
        FakeTrustSource,
        accreditation,
        issuer_world,
        resolver_for,
        trusted,
    )

    from verifier.service import Verifier

    narrowed = dataclasses.replace(accreditation(ISSUER.did),
                                   accepted_keys=(f"{ISSUER.did}#key-2",))
    world = issuer_world(ISSUER)
    verifier = Verifier(FakeTrustSource([trusted(ISSUER, narrowed)], []), resolver_for(world),
                        world, clock=lambda: NOW)
    report = verifier.verify_credential(ISSUER.sign(role_credential(ISSUER, n=15)))
    assert _outcomes(report)["issuer-trust"] == "failed"  # signed with key-1
    assert report.verdict is Verdict.NOT_VALID_NOW
    accepted = dataclasses.replace(narrowed, accepted_keys=(ISSUER.vm,))
    verifier = Verifier(FakeTrustSource([trusted(ISSUER, accepted)], []), resolver_for(world),
                        world, clock=lambda: NOW)
    assert verifier.verify_credential(
        ISSUER.sign(role_credential(ISSUER, n=15))).verdict is Verdict.VALID
