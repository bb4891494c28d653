"""The issuer: decision rules, credentials that validate and verify, stacks, idempotency,
status flips, batch issuing with bad rows."""
import json
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
import vc_calls
from cohorts import issue_cohort

from issuer.did_web import issuer_did_document
from issuer.rules import RuleError, role_outcome, unit_passed
from issuer.service import IssuerError
from vc.did_resolver import DIDResolver
from vc.did_web import did_web_to_url
from vc.fetch import StaticFetcher
from vc.resource_integrity import digest_multibase
from vc.statuslist import Bitstring
from web.cli.context import issuer_service
from web.officer.words import issuer_reason_english
from web.wiring.settings import Settings

PUBLIC_URL = "https://certify.example.eu"


@pytest.fixture
def service(tmp_path: Path):
    settings = Settings.from_environment(tmp_path / "data", environ={
        "S4C_PUBLIC_URL": PUBLIC_URL, "S4C_KEY_PASSPHRASE": "test passphrase 1234"})
    return issuer_service(settings)


@pytest.fixture
def resolver(service):
    doc = issuer_did_document(service.config.did, service.keys.all())
    fetcher = StaticFetcher({did_web_to_url(service.config.did): json.dumps(doc).encode()})
    return DIDResolver(fetcher=fetcher)


def _certify_role(service, role_code="SCPM", email="ana@example.org", score=80, did=None):
    fw = service.framework()
    ref = service.add_candidate("Ana Test", email, did, "test")
    for j, unit in enumerate(fw.role(role_code).units):
        service.record_assessment(ref, unit, score, 100, date.today() - timedelta(days=j),
                                  "Exam Centre", "Assessor A", "test")
    return ref, service.certify_and_issue(ref, "test")


def test_unit_pass_threshold_is_inclusive_and_scores_are_bounded():
    assert unit_passed(60, 100, 60) and not unit_passed(59.99, 100, 60)
    assert unit_passed(30, 50, 60) and not unit_passed(29, 50, 60)
    with pytest.raises(RuleError):
        unit_passed(101, 100, 60)
    with pytest.raises(RuleError):
        unit_passed(1, 0, 60)


def test_a_role_needs_every_unit_within_the_window():
    on = date(2026, 11, 1)
    passed = {"U01": date(2025, 1, 1), "U02": date(2026, 1, 1)}
    assert role_outcome(("U01", "U02"), passed, on, 3).certified
    assert role_outcome(("U01", "U02", "U03"), passed, on, 3).missing == ("U03",)
    old = {"U01": date(2022, 1, 1), "U02": date(2026, 1, 1)}
    assert role_outcome(("U01", "U02"), old, on, 3).missing == ("U01",)


def test_every_credential_validates_against_its_schema_and_verifies(service, resolver):
    from schemas.json_schemas import load_schema

    _, result = _certify_role(service)
    role_units = len(service.framework().role("SCPM").units)
    assert len(result.issued) == role_units + 1
    for doc in result.issued:
        schema = load_schema(doc["credentialSchema"][0]["id"])
        jsonschema.Draft202012Validator(schema).validate(doc)
        verified = vc_calls.verify(doc, resolver=resolver)
        assert verified.verified, verified.to_json()
        assert "ana@example.org" not in json.dumps(doc)  # the email is hashed, never in clear


@pytest.mark.parametrize("did", [None, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"])
def test_every_credential_names_its_holder_and_hashes_the_email(service, did):
    """OB 3.0 §B.1.8: the name in clear for the employer, the e-mail only salted and hashed,
    with or without the holder's DID."""
    from issuer.credentials import hashed_email

    _, result = _certify_role(service, did=did)
    for doc in result.issued:
        subject = doc["credentialSubject"]
        assert subject.get("id") == did
        by_type = {i["identityType"]: i for i in subject["identifier"]}
        assert by_type["name"] == {"type": ["IdentityObject"], "identityHash": "Ana Test",
                                   "identityType": "name", "hashed": False}
        email = by_type["emailAddress"]
        assert email["hashed"] is True
        assert email["identityHash"] == hashed_email("ANA@example.org ", email["salt"])


def test_the_role_credential_references_its_unit_credentials_by_digest(service):
    _, result = _certify_role(service)
    role = next(d for d in result.issued if "S4CRoleCredential" in d["type"])
    units = {d["id"]: d for d in result.issued if "S4CCompetencyCredential" in d["type"]}
    refs = role["relatedResource"]
    assert {r["id"] for r in refs} == set(units)
    for r in refs:
        assert r["digestMultibase"] == digest_multibase(units[r["id"]])
    assert role["validUntil"][:4] == str(int(role["validFrom"][:4]) + 3)


def test_a_failed_unit_gives_no_role(service):
    fw = service.framework()
    ref = service.add_candidate("Bo Test", "bo@example.org", None, "test")
    units = fw.role("SCPD").units
    for j, unit in enumerate(units):
        score = 10 if j == 0 else 90
        service.record_assessment(ref, unit, score, 100, date.today(), "E", "A", "test")
    result = service.certify_and_issue(ref, "test")
    assert not any("S4CRoleCredential" in d["type"] for d in result.issued)
    assert len(result.issued) == len(units) - 1


def test_issuing_twice_returns_the_same_credentials(service):
    ref, first = _certify_role(service)
    again = service.certify_and_issue(ref, "test")
    assert again.issued == []
    assert [d["id"] for d in again.existing] == [d["id"] for d in first.issued]


def _bit(service, doc, purpose):
    entry = next(e for e in doc["credentialStatus"] if e["statusPurpose"] == purpose)
    number = int(entry["statusListCredential"].rsplit("/", 1)[1])
    listed = service.status_list_credential(purpose, number)
    bits = Bitstring.decode(listed["credentialSubject"]["encodedList"])
    return bits.get(int(entry["statusListIndex"])), listed


def test_revoke_suspend_reinstate_flip_the_right_bit(service, resolver):
    _, result = _certify_role(service)
    a, b = result.issued[0], result.issued[1]
    assert _bit(service, a, "revocation")[0] is False
    service.revoke(a["id"], "fraud", "test")
    flipped, listed = _bit(service, a, "revocation")
    assert flipped is True and _bit(service, b, "revocation")[0] is False
    assert vc_calls.verify(listed, resolver=resolver).verified
    service.suspend(b["id"], "inquiry", "test")
    assert _bit(service, b, "suspension")[0] is True
    service.reinstate(b["id"], "cleared", "test")
    assert _bit(service, b, "suspension")[0] is False
    with pytest.raises(IssuerError, match="issuer.revoked-never-reinstated"):
        service.reinstate(a["id"], "please", "test")


def test_status_indexes_are_random_and_distinct(service):
    _, result = _certify_role(service)
    indexes = [int(e["statusListIndex"]) for d in result.issued
               for e in d["credentialStatus"] if e["statusPurpose"] == "revocation"]
    assert len(set(indexes)) == len(indexes)
    assert indexes != sorted(indexes) or max(indexes) > 1000


def test_a_bad_csv_row_is_reported_and_the_others_are_issued(service):
    units = service.framework().role("SCPD").units
    day = date.today().isoformat()
    lines = ["name,email,did,unit,score,max_score,assessed_on,exam_body,assessor"]
    for unit in units:
        lines.append(f"Cy Test,cy@example.org,,{unit},88,100,{day},Exam,Assessor")
    lines.append(f"Di Test,di@example.org,,{units[0]},abc,100,{day},Exam,Assessor")
    lines.append(f"Ed Test,ed@example.org,,NOPE,88,100,{day},Exam,Assessor")
    lines.append(f"Fa Test,fa@example.org,,{units[0]},88,100,2026-13-01,Exam,Assessor")
    text = "\n".join(lines) + "\n"
    summary = issue_cohort(service, text, "test")
    assert summary.issued == len(units) + 1
    bad = len(units) + 2
    # each row error is a finding with its line; the words come from the catalogue
    assert [(e.code, e.params["line"]) for e in summary.errors] == [
        ("cohort.score-not-a-number", bad), ("issuer.unit-not-in-framework", bad + 1),
        ("cohort.date-not-iso", bad + 2)]
    said = [issuer_reason_english(e) for e in summary.errors]
    assert said[0].startswith(f"line {bad}:") and "score" in said[0]
    assert said[1].startswith(f"line {bad + 1}:") and "NOPE" in said[1]
    assert said[2].startswith(f"line {bad + 2}:") and "date" in said[2]
    again = issue_cohort(service, text, "test")
    assert again.issued == 0 and again.already_issued == len(units) + 1


def test_a_failure_after_writes_loses_only_that_candidate(service, monkeypatch):
    from issuer.minting import Minter

    units = service.framework().role("SCPD").units
    day = date.today().isoformat()
    lines = ["name,email,did,unit,score,max_score,assessed_on,exam_body,assessor"]
    for who in ("ok1", "boom", "ok2"):
        lines += [f"{who},{who}@example.org,,{u},90,100,{day},Exam,A" for u in units]
    real = Minter.mint

    def failing(self, decision, recipient, *args, **kwargs):
        if recipient.holder.email == "boom@example.org":  # after the candidate's records
            raise RuntimeError("signing service unavailable")  # are written
        return real(self, decision, recipient, *args, **kwargs)

    monkeypatch.setattr(Minter, "mint", failing)
    summary = issue_cohort(service, "\n".join(lines) + "\n", "test")
    assert summary.issued == 2 * (len(units) + 1)
    boom_line = 2 + len(units)
    assert f"line {boom_line}: could not issue: signing service unavailable" in [
        issuer_reason_english(e) for e in summary.errors]
    issued_to = {c.candidate_id for c in service.credentials()}
    assert len(issued_to) == 2
    monkeypatch.setattr(Minter, "mint", real)  # the service is back: a re-run completes it
    again = issue_cohort(service, "\n".join(lines) + "\n", "test")
    assert (again.issued, again.already_issued, again.errors) == (
        len(units) + 1, 2 * (len(units) + 1), [])


def _email_of(service, ref, session):
    from sqlalchemy import select

    from issuer.models import Candidate

    return session.scalars(select(Candidate.email).where(Candidate.ref == ref)).one()


def test_after_key_rotation_old_and_new_credentials_verify(service):
    _, before = _certify_role(service, email="old@example.org")
    service.rotate_key("test")
    _, after = _certify_role(service, email="new@example.org")
    doc = issuer_did_document(service.config.did, service.keys.all())
    resolver = DIDResolver(fetcher=StaticFetcher(
        {did_web_to_url(service.config.did): json.dumps(doc).encode()}))
    old_vm = before.issued[0]["proof"]["verificationMethod"]
    new_vm = after.issued[0]["proof"]["verificationMethod"]
    assert old_vm != new_vm
    for credential in (before.issued[0], after.issued[0]):
        assert vc_calls.verify(credential, resolver=resolver).verified


def test_bad_cohort_rows_are_reported_by_line_and_the_good_rows_go_through(tmp_path):
    """A DID that is not an IRI, a NaN score and a field over 128 KiB
    each sank the whole upload with a 500."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from issuer.models import Candidate
    from web.cli.context import issuer_service
    from web.wiring.settings import Settings

    settings = Settings.from_environment(tmp_path / "data", environ={
        "S4C_KEY_PASSPHRASE": "cohort test passphrase",
        "S4C_PUBLIC_URL": "https://certify.example.eu"})
    service = issuer_service(settings)
    units = service.framework().role("SCPM").units
    day = (date.today() - timedelta(days=2)).isoformat()
    lines = ["name,email,did,unit,score,max_score,assessed_on,exam_body,assessor",
             f"Bad Did,baddid@example.org,did:x:a b,{units[0]},80,100,{day},Exam,A",
             f"Nan,nan@example.org,,{units[0]},nan,100,{day},Exam,A",
             f"Huge,huge@example.org,,{units[0]},80,100,{day},Exam,{'A' * 140_000}"]
    lines += [f"Good,good@example.org,,{u},80,100,{day},Exam,A" for u in units]
    summary = issue_cohort(service, "\n".join(lines) + "\n", "test")
    assert summary.issued == len(units) + 1  # the good candidate's units and role
    said = [issuer_reason_english(e) for e in summary.errors]
    assert [e.split(":")[0] for e in said] == ["line 2", "line 3", "line 4"]
    assert "not a DID" in said[0] and "finite" in said[1]
    assert [e.code for e in summary.errors] == [
        "issuer.not-a-did", "cohort.score-not-finite", "cohort.row-unreadable"]
    with service.sessions() as session:  # refused rows create no candidates
        assert set(session.scalars(select(Candidate.email))) == {"good@example.org"}
