"""The compact QR summary is the issuer's act: signed by the issuer service with its active
key, and recorded in the audit trail like every other issuer action."""
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from issuer.audit import AuditEvent
from issuer.qr_summary import SUMMARY_SUFFIX, compact_summary
from issuer.service import IssuerError
from web.cli import main
from web.cli.context import issuer_service
from web.wiring.settings import Settings

PUBLIC_URL = "https://certify.example.eu"
ENVIRON = {"S4C_PUBLIC_URL": PUBLIC_URL, "S4C_KEY_PASSPHRASE": "test passphrase 1234"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_environment(tmp_path / "data", environ=ENVIRON)


@pytest.fixture
def service(settings: Settings):
    return issuer_service(settings)


def _role_credential(service) -> dict:
    fw = service.framework()
    ref = service.add_candidate("Ana Test", "ana@example.org", None, "test")
    for j, unit in enumerate(fw.role("SCPM").units):
        service.record_assessment(ref, unit, 80, 100, date.today() - timedelta(days=j),
                                  "Exam Centre", "Assessor A", "test")
    issued = service.certify_and_issue(ref, "test").issued
    return next(d for d in issued if "S4CRoleCredential" in d["type"])


def _summary_events(service) -> list[AuditEvent]:
    with service.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(
            AuditEvent.action == "credential.summary.signed")))


def test_signing_a_summary_leaves_an_audit_row(service):
    role = _role_credential(service)
    summary = service.signed_summary(role, "officer-7")
    assert summary["id"] == role["id"] + SUMMARY_SUFFIX
    assert summary["relatedResource"][0]["id"] == role["id"]
    key_id = service.keys.active().key_id
    assert summary["proof"]["verificationMethod"] == f"{service.config.did}#{key_id}"
    [event] = _summary_events(service)
    assert (event.actor, event.subject) == ("officer-7", role["id"])
    assert event.detail["summary"] == summary["id"]


def test_a_summary_of_another_issuers_credential_is_refused_and_not_recorded(service):
    role = _role_credential(service)
    foreign = {**role, "issuer": {"id": "did:web:other.example.eu", "type": ["Profile"]}}
    with pytest.raises(IssuerError, match="issuer.summary-not-its-issuer") as refused:
        service.signed_summary(foreign, "test")
    assert refused.value.finding.params == {"issuer": "did:web:other.example.eu"}
    assert _summary_events(service) == []


@pytest.mark.parametrize("edit", [
    lambda d: {**d, "validUntil": "2099-01-01T00:00:00Z"},                 # changed copy
    lambda d: {**d, "id": "urn:uuid:00000000-0000-4000-8000-000000000000"},  # never issued
])
def test_a_summary_is_signed_only_for_a_credential_as_it_was_issued(service, edit):
    role = _role_credential(service)
    with pytest.raises(IssuerError, match="issuer.summary-not-as-issued"):
        service.signed_summary(edit(role), "test")
    assert _summary_events(service) == []


def test_s4c_qr_signs_the_summary_through_the_issuer_and_records_it(settings, service,
                                                                    tmp_path):
    role = _role_credential(service)
    path = tmp_path / "role.json"
    path.write_text(json.dumps(role))
    made = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "qr", str(path),
                                     "--mode", "self-contained",
                                     "-o", str(tmp_path / "role.png")], env=ENVIRON)
    assert made.exit_code == 0, made.output
    assert "signed compact summary" in made.output
    [event] = _summary_events(service)
    assert (event.actor, event.subject) == ("s4c qr", role["id"])


def test_a_credential_without_a_subject_object_is_a_clear_error():
    with pytest.raises(IssuerError, match="issuer.summary-no-subject"):
        compact_summary({"id": "urn:x", "credentialSubject": ["not an object"]})
