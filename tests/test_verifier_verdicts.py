"""Every verdict path of the verifier, on credentials shaped like the role credential example.

The issuer is a did:web whose DID document and status lists are served offline
(`MutableFetcher`); trust comes from the in-memory FakeTrustSource (the registry itself is
tested in test_verifier_registry.py)."""
import copy

import pytest
from check_results import SIGNATURE_MISMATCH, failed_checks
from test_verifier_support import (
    NOW,
    ROLE_SCM,
    ROLE_SCPD,
    STORE,
    UNIT_IDS,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    recognition,
    resolver_for,
    role_credential,
    status_list,
    trusted,
    unit_credential,
)

from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey
from verifier.headline import State
from verifier.service import Verifier
from verifier.verdict import Verdict


def outcomes(report) -> dict[str, str]:
    return {c.id: str(c.outcome) for c in report.checks}


@pytest.fixture
def issuer() -> DemoIssuer:
    return DemoIssuer()


@pytest.fixture
def world(issuer):
    return issuer_world(issuer, revoked=(7,), suspended=(9,))


def make_verifier(issuer, world, trust="default", clock=lambda: NOW, **kwargs) -> Verifier:
    if trust == "default":
        trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))],
                                [recognition("BG"), recognition("RO", nqf="CNC 6")])
    return Verifier(trust, resolver_for(world), world, clock=clock, store=STORE, **kwargs)


def test_a_genuine_current_accredited_credential_is_valid(issuer, world):
    report = make_verifier(issuer, world).verify_credential(issuer.sign(role_credential(issuer)))
    assert report.verdict is Verdict.VALID and report.verified
    assert outcomes(report) == {
        "structure": "passed", "schema": "passed", "terms": "passed", "proof": "passed",
        "key-binding": "passed", "role-stack": "unknown", "validity": "passed",
        "status.revocation": "passed", "status.suspension": "passed",
        "issuer-trust": "passed", "recognition": "unknown"}
    summary = report.summary
    assert summary["achievement"] == {
        "id": ROLE_SCM, "name": "Smart City Project Manager", "kind": "role", "eqfLevel": 6,
        "names": {"en": "Smart City Project Manager",
                  "bg": "Мениджър на проекти за интелигентни градове"}}
    assert summary["holder"]["display"] == "hashed email"
    assert summary["status"] == "active"


def test_the_issuer_name_shown_is_the_registry_s_not_the_credential_s(issuer, world):
    report = make_verifier(issuer, world).verify_credential(
        issuer.sign(role_credential(issuer)), lang="bg")
    assert report.summary["issuer"] == {
        "id": issuer.did, "name": "Демо сертифициращ орган", "registered": True,
        "country": "BG", "accreditation": {
            "id": "urn:uuid:accreditation-1", "anchor": "did:web:nacid.example.bg",
            "anchorName": "NACID (test)", "country": "BG", "nameByAnchor": None}}
    assert "Whatever The Credential Says" not in str(report.to_json())
    assert report.summary["achievement"]["name"] == "Мениджър на проекти за интелигентни градове"


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_tampered_credential_is_forged(issuer, world, suite):
    signed = issuer.sign(role_credential(issuer), suite=suite)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["alignment"][2]["targetUrl"] = \
        "http://data.europa.eu/snb/eqf/8"
    report = make_verifier(issuer, world).verify_credential(tampered)
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    failed = failed_checks(report.checks)
    assert list(failed) == ["proof"] and SIGNATURE_MISMATCH in failed["proof"]


def test_a_credential_signed_with_another_key_under_the_issuer_s_name_is_forged(issuer, world):
    forger = Ed25519Multikey.generate()
    report = make_verifier(issuer, world).verify_credential(
        issuer.sign(role_credential(issuer), key=forger))
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    failed = failed_checks(report.checks)
    assert list(failed) == ["proof"] and SIGNATURE_MISMATCH in failed["proof"]


def test_a_valid_signature_by_a_key_that_is_not_the_issuer_s_is_not_confirmed(issuer, world):
    """The content is signed as it is, so it is not forged; but nothing
    confirms the issuer it names issued it (ARCHITECTURE.md, "issuer not confirmed")."""
    other = Ed25519Multikey.generate()
    did = did_key_from_public_key(other.public_key)
    signed = issuer.sign(role_credential(issuer), key=other,
                         vm=f"{did}#{other.public_key_multibase}")
    report = make_verifier(issuer, world).verify_credential(signed)
    assert outcomes(report)["proof"] == "passed"  # the signature itself is fine...
    assert outcomes(report)["key-binding"] == "failed"  # ...but not by the issuer
    assert report.verdict is Verdict.NOT_VALID_NOW
    assert report.headline.state is State.ISSUER_NOT_CONFIRMED
    # the registry's name and accreditation of a body that did not sign it are not shown
    assert "issuer-trust" not in outcomes(report)
    assert report.summary["issuer"]["name"] is None


def test_a_key_not_listed_for_assertion_fails_the_proof(issuer, world):
    """Data Integrity 1.0 §4.3: a proof whose key is not authorised for its purpose does not
    verify, so no valid proof covers the content."""
    document = issuer.did_document()
    document["assertionMethod"] = []
    world.set(issuer.did_url(), document)
    report = make_verifier(issuer, world).verify_credential(issuer.sign(role_credential(issuer)))
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert outcomes(report)["proof"] == "failed"


def test_an_expired_credential_is_authentic_but_not_valid_now(issuer, world):
    signed = issuer.sign(role_credential(issuer, valid_from="2023-01-01T00:00:00Z",
                                         valid_until="2026-01-01T00:00:00Z"))
    report = make_verifier(issuer, world, trust=FakeTrustSource(
        [trusted(issuer, accreditation(issuer.did))])).verify_credential(signed)
    assert report.verdict is Verdict.NOT_VALID_NOW
    assert outcomes(report)["validity"] == "failed"
    validity = next(c.check.finding for c in report.checks if c.id == "validity")
    assert validity.code == "validity.expired"
    assert validity.to_json()["params"]["date"].startswith("2026-01-01")


def test_a_credential_not_yet_valid_is_not_valid_now(issuer, world):
    signed = issuer.sign(role_credential(issuer, valid_from="2027-06-01T00:00:00Z"))
    report = make_verifier(issuer, world).verify_credential(signed)
    assert report.verdict is Verdict.NOT_VALID_NOW
    assert next(c.check.finding.code for c in report.checks if c.id == "validity") == \
        "validity.not-yet"


def test_clock_skew_tolerates_a_few_minutes(issuer, world):
    signed = issuer.sign(role_credential(issuer, valid_from="2027-03-01T12:04:00Z"))
    assert make_verifier(issuer, world).verify_credential(signed).verdict is Verdict.VALID
    strict = make_verifier(issuer, world, skew_seconds=0)
    assert strict.verify_credential(signed).verdict is Verdict.NOT_VALID_NOW


def test_a_revoked_credential_is_not_valid_now(issuer, world):
    signed = issuer.sign(role_credential(issuer, revocation_index=7))
    report = make_verifier(issuer, world).verify_credential(signed)
    assert report.verdict is Verdict.NOT_VALID_NOW
    assert outcomes(report)["status.revocation"] == "failed"
    assert report.summary["status"] == "revoked"


def test_a_suspended_then_reinstated_credential(issuer, world):
    signed = issuer.sign(role_credential(issuer, suspension_index=9))
    verifier = make_verifier(issuer, world, status_ttl_seconds=0)  # always revalidate
    report = verifier.verify_credential(signed)
    assert report.verdict is Verdict.NOT_VALID_NOW
    assert outcomes(report)["status.suspension"] == "failed"
    assert report.summary["status"] == "suspended"
    world.set(issuer.list_url("suspension"), status_list(issuer, "suspension", ()))
    again = verifier.verify_credential(signed)
    assert again.verdict is Verdict.VALID
    assert outcomes(again)["status.suspension"] == "passed"


def test_an_unreachable_status_list_is_unknown_never_not_revoked(issuer, world):
    world.remove(issuer.list_url("revocation"))
    report = make_verifier(issuer, world).verify_credential(issuer.sign(role_credential(issuer)))
    assert report.verdict is Verdict.COULD_NOT_CHECK
    assert outcomes(report)["status.revocation"] == "unknown"
    assert report.summary["status"] == "unknown"
    reason = next(c.check.technical for c in report.checks if c.id == "status.revocation")
    assert reason.startswith("status.revocation-unreachable")


def test_a_status_list_signed_by_someone_else_is_not_trusted(issuer, world):
    stranger = DemoIssuer(host="stranger.example.org")
    world.set(stranger.did_url(), stranger.did_document())
    forged_list = status_list(issuer, "revocation", (), signer=stranger)
    forged_list_of_stranger = status_list(stranger, "revocation", ())
    forged_list_of_stranger["id"] = issuer.list_url("revocation")
    for document in (forged_list, forged_list_of_stranger):
        world.set(issuer.list_url("revocation"), document)
        report = make_verifier(issuer, world).verify_credential(
            issuer.sign(role_credential(issuer, revocation_index=7)))
        assert outcomes(report)["status.revocation"] == "unknown"
        assert report.verdict is Verdict.COULD_NOT_CHECK


def test_an_expired_status_list_is_not_used(issuer, world):
    world.set(issuer.list_url("revocation"),
              status_list(issuer, "revocation", (), valid_until="2027-01-01T00:00:00Z"))
    report = make_verifier(issuer, world).verify_credential(issuer.sign(role_credential(issuer)))
    assert outcomes(report)["status.revocation"] == "unknown"
    assert "expired" in str(report.to_json())


def test_status_lists_are_cached_and_revalidated_by_etag(issuer, world):
    clock = [0.0]
    from vc.fetch import CachingFetcher

    cached = CachingFetcher(world, ttl_seconds=60, clock=lambda: clock[0])
    verifier = Verifier(None, resolver_for(world), cached, clock=lambda: NOW, store=STORE)
    signed = issuer.sign(role_credential(issuer))
    for _ in range(3):
        verifier.verify_credential(signed)
    assert world.fetches[issuer.list_url("revocation")] == 1
    clock[0] = 61
    verifier.verify_credential(signed)
    assert world.fetches[issuer.list_url("revocation")] == 2  # revalidated (304 from ETag)


def test_an_unreachable_did_document_means_could_not_check(issuer, world):
    world.remove(issuer.did_url())
    report = make_verifier(issuer, world).verify_credential(issuer.sign(role_credential(issuer)))
    assert outcomes(report)["proof"] == "unknown"
    assert report.verdict is Verdict.COULD_NOT_CHECK


def test_an_issuer_not_in_the_registry(issuer, world):
    report = make_verifier(issuer, world, trust=FakeTrustSource([])).verify_credential(
        issuer.sign(role_credential(issuer)))
    assert report.verdict is Verdict.NOT_VALID_NOW
    assert outcomes(report)["issuer-trust"] == "failed"
    assert "issuer-trust.not-registered" in str(report.to_json())
    assert report.summary["issuer"]["name"] is None


@pytest.mark.parametrize(("scope", "max_eqf", "why"), [
    ((ROLE_SCPD,), 7, "another role only"),
    ((ROLE_SCM,), 5, "this role, but only up to EQF 5"),
])
def test_an_issuer_accredited_but_not_for_this_role_or_level(issuer, world, scope, max_eqf,
                                                             why):
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did, achievements=scope,
                                                          max_eqf=max_eqf))])
    report = make_verifier(issuer, world, trust=trust).verify_credential(
        issuer.sign(role_credential(issuer)))
    assert report.verdict is Verdict.NOT_VALID_NOW, why
    assert outcomes(report)["issuer-trust"] == "failed"
    assert "issuer-trust.not-accredited" in str(report.to_json())


def test_accreditation_is_judged_on_the_credential_s_issue_date(issuer, world):
    signed = issuer.sign(role_credential(issuer, valid_from="2024-06-01T00:00:00Z"))
    report = make_verifier(issuer, world).verify_credential(signed)  # accredited from 2025
    assert outcomes(report)["issuer-trust"] == "failed"


def test_without_a_trust_source_issuer_trust_is_unknown(issuer, world):
    report = make_verifier(issuer, world, trust=None).verify_credential(
        issuer.sign(role_credential(issuer)))
    assert outcomes(report)["issuer-trust"] == "unknown"
    assert report.verdict is Verdict.COULD_NOT_CHECK


@pytest.mark.parametrize(("country", "expected"), [
    ("BG", "NQF 6"), ("RO", "CNC 6"), ("de", None),
])
def test_recognition_is_shown_per_country_and_never_fails(issuer, world, country, expected):
    report = make_verifier(issuer, world).verify_credential(
        issuer.sign(role_credential(issuer)), country=country)
    assert report.verdict is Verdict.VALID
    recognition_shown = report.summary["recognition"]
    if expected is None:
        assert recognition_shown is None
        assert outcomes(report)["recognition"] == "unknown"
        recognition = next(c.check.finding for c in report.checks if c.id == "recognition")
        assert recognition.code == "recognition.none-recorded"
        assert recognition.params == {"country": "DE"}
    else:
        assert recognition_shown["nqfLevel"] == expected
        assert recognition_shown["country"] == country
        assert outcomes(report)["recognition"] == "passed"


def test_the_role_stack_when_unit_credentials_are_supplied(issuer, world):
    units = [issuer.sign(unit_credential(issuer, i)) for i in range(1, 7)]
    role = issuer.sign(role_credential(issuer, units=units))
    verifier = make_verifier(issuer, world)
    assert outcomes(verifier.verify_credential(role))["role-stack"] == "unknown"
    assert verifier.verify_credential(role).verdict is Verdict.VALID  # not supplied: shown only
    supplied = verifier.verify_credential(role, related=units)
    assert outcomes(supplied)["role-stack"] == "passed"
    assert supplied.verdict is Verdict.VALID

    altered = copy.deepcopy(units)
    altered[2]["credentialSubject"]["result"][0]["value"] = "99/100"
    report = verifier.verify_credential(role, related=altered)
    assert outcomes(report)["role-stack"] == "failed"
    # the role's own signature is fine: its unit evidence is unconfirmed, it is not forged
    # (tests/test_role_stack_verdicts.py)
    assert report.verdict is Verdict.NOT_VALID_NOW
    assert UNIT_IDS[2] not in str(report.summary)  # the summary is about the role


def test_a_unit_credential_verifies_as_a_competency(issuer, world):
    report = make_verifier(issuer, world).verify_credential(
        issuer.sign(unit_credential(issuer, 2)))
    assert report.verdict is Verdict.VALID
    assert report.summary["achievement"]["kind"] == "competency"


@pytest.mark.parametrize("mutate", [
    lambda c: c.pop("issuer"),
    lambda c: c.update(validFrom="yesterday"),
    lambda c: c.update(type=["OpenBadgeCredential"]),
])
def test_a_malformed_credential_is_forged_or_malformed(issuer, world, mutate):
    signed = issuer.sign(role_credential(issuer))
    mutate(signed)
    report = make_verifier(issuer, world).verify_credential(signed)
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert outcomes(report)["structure"] == "failed"


def test_undefined_terms_and_unknown_contexts_are_clear_failures(issuer, world):
    verifier = make_verifier(issuer, world)
    signed = issuer.sign(role_credential(issuer))
    signed["credentialSubject"]["nickname"] = "Maria"
    report = verifier.verify_credential(signed)
    assert outcomes(report)["terms"] == "failed"
    assert "nickname" in str(report.to_json())
    other = copy.deepcopy(issuer.sign(role_credential(issuer)))  # a fresh document, as parsed
    other["@context"].append("https://example.org/unknown-context")
    report = verifier.verify_credential(other)
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert "unknown JSON-LD context" in str(report.to_json())


def test_a_schema_we_hold_is_enforced_and_an_unknown_one_is_only_noted(issuer, world):
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "required": ["credentialSubject"],
              "properties": {"validUntil": {"type": "string", "pattern": "^2028"}}}

    def loader(schema_id: str) -> dict:
        if schema_id.endswith("role-credential-v1.json"):
            return schema
        raise KeyError(schema_id)

    verifier = make_verifier(issuer, world, schema_loader=loader)
    report = verifier.verify_credential(issuer.sign(role_credential(issuer)))
    assert outcomes(report)["schema"] == "failed"
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    unit = verifier.verify_credential(issuer.sign(unit_credential(issuer, 1)))
    assert outcomes(unit)["schema"] == "unknown"
    assert unit.verdict is Verdict.VALID


def test_a_non_object_is_malformed(issuer, world):
    report = make_verifier(issuer, world).verify_credential(["not", "a", "credential"])
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
