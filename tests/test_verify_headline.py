"""The answer at a glance and whose credential it is, in the
verifier layer: each headline state from real signed credentials, its date read from signed
data only, and the holder's name and e-mail comparison."""
import json

import pytest
from employer_world import (
    HOLDER_EMAIL,
    HOLDER_NAME,
    STATUS_LIST_SIGNED,
    credentials_by_state,
    holder_identifiers,
    named,
    world,
)
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    resolver_for,
    role_credential,
    trusted,
)

from verifier.facts import read_facts
from verifier.headline import DateMeaning, State
from verifier.holder_identity import email_matches
from verifier.service import Verifier


@pytest.fixture(scope="module")
def issuer() -> DemoIssuer:
    return DemoIssuer()


@pytest.fixture(scope="module")
def credentials(issuer):
    return credentials_by_state(issuer)


@pytest.fixture(scope="module")
def verifier(issuer) -> Verifier:
    fetcher = world(issuer)
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))])
    return Verifier(trust, resolver_for(fetcher), fetcher, clock=lambda: NOW, store=STORE)


@pytest.mark.parametrize(("name", "state", "date", "meaning"), [
    ("valid", State.VALID, None, None),
    ("revoked", State.REVOKED, STATUS_LIST_SIGNED, DateMeaning.STATUS_LIST_SIGNED),
    ("suspended", State.SUSPENDED, STATUS_LIST_SIGNED, DateMeaning.STATUS_LIST_SIGNED),
    ("expired", State.EXPIRED, "2027-01-31", DateMeaning.VALID_UNTIL),
    ("not-yet-valid", State.NOT_YET_VALID, "2027-06-01", DateMeaning.VALID_FROM),
    ("not-accredited", State.NOT_ACCREDITED, None, None),
    ("forged", State.FORGED, None, None),
    ("unreadable", State.FORGED, None, None),
    ("could-not-check", State.COULD_NOT_CHECK, None, None),
    ("could-not-check-keys", State.COULD_NOT_CHECK, None, None),
])
def test_each_state_has_its_own_headline_and_date(verifier, credentials, name, state, date,
                                                   meaning):
    report = verifier.verify_credential(credentials[name])
    headline = report.headline
    assert headline.state is state
    assert (headline.date or "")[:10] == (date or "")
    assert headline.date_meaning == meaning
    as_json = report.to_json()
    assert as_json["headline"]["state"] == str(state)
    assert as_json["checkedAt"] == "2027-03-01T12:00:00Z"


def test_could_not_check_says_what_could_not_be_reached(verifier, credentials):
    lists = verifier.verify_credential(credentials["could-not-check"]).headline
    keys = verifier.verify_credential(credentials["could-not-check-keys"]).headline
    assert lists.unreachable == ("status-list",)
    assert keys.unreachable == ("issuer-keys", "status-list")  # its lists are offline too


def test_forged_or_unreadable_input_carries_no_summary(verifier, credentials):
    for name in ("forged", "unreadable"):
        report = verifier.verify_credential(credentials[name])
        assert report.summary == {}
        assert all(c["outcome"] != "passed" or c["id"] != "proof"
                   for c in report.to_json()["checks"])


def test_the_holder_s_name_comes_from_the_signed_credential(verifier, credentials):
    report = verifier.verify_credential(credentials["valid"])
    holder = report.summary["holder"]
    assert holder["name"] == HOLDER_NAME
    assert "identity document" in holder["nameNotice"]
    text = json.dumps(report.to_json())
    assert "sha256$" not in text and credentials["valid"]["credentialSubject"][
        "identifier"][0]["identityHash"] not in text  # the hash is never reported
    # a name added after signing makes the signature fail: no name is shown from it
    forged = verifier.verify_credential(credentials["forged"])
    assert forged.summary == {} and "Mallory" not in json.dumps(forged.to_json())


def test_a_credential_issued_before_names_has_no_name_and_still_verifies(verifier,
                                                                         credentials):
    report = verifier.verify_credential(credentials["old-unnamed"])
    assert report.headline.state is State.VALID
    assert report.summary["holder"]["name"] is None
    assert report.summary["holder"]["emailHashed"] is True


def test_two_different_names_make_the_credential_ambiguous(issuer, verifier):
    doc = named(role_credential(issuer, n=12))
    doc["credentialSubject"]["identifier"].append(
        {"type": ["IdentityObject"], "identityHash": "Someone Else",
         "identityType": "name", "hashed": False})
    facts = read_facts(doc)
    assert facts.holder_name is None and "2 different holders" in facts.problems[0]
    report = verifier.verify_credential(issuer.sign(doc))
    assert report.headline.state is State.FORGED
    assert any(c.id == "facts" and "different holders" in c.check.technical
               for c in report.checks)


def test_the_same_name_twice_or_spaced_differently_is_one_name():
    doc = {"credentialSubject": {"identifier": [
        {"identityType": "name", "hashed": False, "identityHash": "Ana  Test"},
        {"identityType": "name", "hashed": False, "identityHash": " Ana Test "}]}}
    facts = read_facts(doc)
    assert facts.holder_name == "Ana Test" and facts.problems == ()


@pytest.mark.parametrize(("typed", "expected"), [
    (HOLDER_EMAIL, True), ("  Ana.Test@Example.ORG ", True),  # normalised as the issuer does
    ("ana.test@example.com", False), ("", False), ("not an address", False),
    ("a" * 400 + "@example.org", False),
])
def test_an_email_matches_the_salted_hash_only_when_it_is_the_holder_s(typed, expected):
    facts = read_facts({"credentialSubject": {"identifier": holder_identifiers()}})
    assert email_matches(facts.holder_email_hashes, typed) is expected


def test_without_an_email_hash_there_is_nothing_to_compare():
    assert email_matches((), HOLDER_EMAIL) is None
    assert email_matches((("md5$abc", "salt"),), HOLDER_EMAIL) is None
