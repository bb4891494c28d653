"""Where EDCs come out ("Where a holder gets it"): `s4c edc CREDENTIAL_ID -o FILE`,
a cohort job's zip (command line and console), and the officer's credential page. The
holder's own page is driven in a browser in test_edc_holder_browser.py."""
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import test_issuer_web_api as api_tests
import test_issuer_web_console as console_tests
from click.testing import CliRunner

from issuer import cohort_jobs
from issuer.edc.sealing import sealed_payload
from vc.elm.shacl import validate
from web.cli import main
from web.cli.context import issuer_service
from web.wiring.settings import Settings

DAY = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
HEADER = "name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n"


def _run(data_dir, *args):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), *args])


def _finished_job(service, text: str) -> str:
    job_id = cohort_jobs.create_job(service, text, "spring.csv", "olga")
    for number in cohort_jobs.chunk_numbers(service, job_id):
        cohort_jobs.ChunkRunner(service).run(job_id, number)
    return job_id


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


def _issued(data) -> tuple[object, list[str]]:
    service = issuer_service(Settings.from_environment(data))
    units = service.framework().role("SCPM").units
    ref = service.add_candidate("Jonas Gruber", "jonas@example.org", None, "olga")
    for unit in units:
        service.record_assessment(ref, unit, 77, 100, datetime.now(UTC).date(), "E", "A",
                                  "olga")
    return service, [d["id"] for d in service.certify_and_issue(ref, "olga").issued]


def test_s4c_edc_writes_a_conformant_edc_and_refuses_a_revoked_credential(data, tmp_path):
    service, ids = _issued(data)
    out = tmp_path / "role.jsonld"
    done = _run(data, "edc", ids[-1], "-o", str(out))
    assert done.exit_code == 0, done.output
    edc = sealed_payload(json.loads(out.read_text(encoding="utf-8")))
    assert edc["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert edc["identifier"]["notation"] == ids[-1]
    assert validate(edc, "edc-generic") == []
    printed = _run(data, "edc", ids[0])
    assert printed.exit_code == 0
    assert sealed_payload(json.loads(printed.stdout))["identifier"]["notation"] == ids[0]
    service.revoke(ids[0], "issued in error", "olga")
    refused = _run(data, "edc", ids[0], "-o", str(tmp_path / "x.jsonld"))
    assert refused.exit_code == 1 and "revoked" in refused.output
    assert not (tmp_path / "x.jsonld").exists()
    unknown = _run(data, "edc", "urn:uuid:nope")
    assert unknown.exit_code == 1 and "no credential" in unknown.output


def test_a_cohort_job_exports_one_edc_per_credential_that_counts(data, tmp_path):
    service = issuer_service(Settings.from_environment(data))
    units = service.framework().role("SCPM").units
    text = HEADER + "".join(f"Ana Test,ana@example.org,,{u},80,100,{DAY},Exam,A\n"
                            for u in units) + f"Bo,bo@example.org,,U01,90,100,{DAY},Exam,A\n"
    job_id = _finished_job(service, text)
    [bos] = service.credentials(service.candidate_by_email("bo@example.org").ref)
    service.suspend(bos.id, "checking a complaint", "olga")
    out = tmp_path / "europass.zip"
    done = _run(data, "jobs", "export-edcs", job_id, "-o", str(out))
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(out) as archive:
        names = [n for n in archive.namelist() if n.endswith(".jsonld")]
        index = archive.read("index.csv").decode("utf-8")
        edcs = [sealed_payload(json.loads(archive.read(n))) for n in names]
    assert len(names) == len(units) + 1  # Ana's units and role; Bo's unit is suspended
    assert all(validate(edc, "edc-generic") == [] for edc in edcs[:2])
    assert all(n.startswith("Ana-Test-") for n in names)
    assert "no EDC: suspended" in index and index.startswith("\ufefffile;name;email")
    assert f"{len(names)} EDC(s) written" in done.output and "1 credential(s) got none" \
        in done.output
    again = tmp_path / "again.zip"
    assert _run(data, "jobs", "export-edcs", job_id, "-o", str(again)).exit_code == 0
    with zipfile.ZipFile(again) as archive:  # the same job, the same EDCs (sealed anew)
        assert [sealed_payload(json.loads(archive.read(n))) for n in names] == edcs
    missing = _run(data, "jobs", "export-edcs", "nope", "-o", str(tmp_path / "n.zip"))
    assert missing.exit_code == 1 and not (tmp_path / "n.zip").exists()


def test_a_running_job_exports_no_edcs(data, tmp_path):
    service = issuer_service(Settings.from_environment(data))
    job_id = cohort_jobs.create_job(
        service, HEADER + f"Bo,bo@example.org,,U01,80,100,{DAY},Exam,A\n", "c.csv", "olga")
    result = _run(data, "jobs", "export-edcs", job_id, "-o", str(tmp_path / "r.zip"))
    assert result.exit_code == 1 and "still running" in result.output


# -- the console ---------------------------------------------------------------------------
settings, app, client, service = api_tests.settings, api_tests.app, api_tests.client, \
    api_tests.service
officer, logged_in = console_tests.officer, console_tests.logged_in


def _issue_in(service) -> list[str]:
    units = service.framework().role("SCPM").units
    ref = service.add_candidate("Lucía García", "lucia@example.org", None, "olga")
    for unit in units:
        service.record_assessment(ref, unit, 88, 100, datetime.now(UTC).date(), "E", "A",
                                  "olga")
    return [d["id"] for d in service.certify_and_issue(ref, "olga").issued]


def test_the_officer_downloads_a_credentials_edc_from_its_page(client, logged_in, service):
    ids = _issue_in(service)
    page = logged_in.get(f"/issuer/credentials/{ids[-1]}").get_data(as_text=True)
    link = f"/credentials/{ids[-1]}/europass"
    assert f'id="europass" href="{link}"' in page
    response = logged_in.get(link)
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert "-europass.jsonld" in response.headers["Content-Disposition"]
    edc = sealed_payload(response.get_json(force=True))
    assert edc["credentialSubject"]["fullName"] == {"en": "Lucía García"}
    assert validate(edc, "edc-generic") == []
    service.revoke(ids[0], "issued in error", "olga")
    assert 'id="europass"' not in logged_in.get(f"/issuer/credentials/{ids[0]}").get_data(
        as_text=True)
    refused = logged_in.get(f"/credentials/{ids[0]}/europass")
    assert refused.status_code == 409
    assert "gets no European Digital Credential" in refused.get_data(as_text=True)
    assert logged_in.get("/credentials/urn:uuid:nope/europass").status_code == 404
    logged_in.post("/issuer/logout", data={"csrf_token": console_tests._csrf(
        logged_in, f"/issuer/credentials/{ids[-1]}")})
    assert client.get(link).status_code == 302  # the console's sign-in first


def test_the_officer_downloads_a_finished_jobs_edcs_as_a_zip(logged_in, service):
    job_id = _finished_job(service, HEADER + f"Bo,bo@example.org,,U01,90,100,{DAY},E,A\n")
    page = f"/issuer/cohort/jobs/{job_id}"
    assert f'href="{page}/europass.zip"' in logged_in.get(page).get_data(as_text=True)
    response = logged_in.get(f"{page}/europass.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".jsonld")]
        assert validate(sealed_payload(json.loads(archive.read(name))), "edc-generic") == []
    assert logged_in.get("/issuer/cohort/jobs/nope/europass.zip").status_code == 404


def test_a_job_too_large_for_one_request_points_to_the_command_line(logged_in, service,
                                                                    monkeypatch):
    job_id = _finished_job(service, HEADER + f"Bo,bo@example.org,,U01,90,100,{DAY},E,A\n")
    monkeypatch.setattr("web.officer.cohort_exports.MAX_EDCS_PER_REQUEST", 0)
    refused = logged_in.get(f"/issuer/cohort/jobs/{job_id}/europass.zip",
                            follow_redirects=True)
    assert refused.status_code == 200 and refused.mimetype == "text/html"
    assert "s4c jobs export-edcs" in refused.get_data(as_text=True)


def test_an_edc_that_cannot_be_sealed_is_not_handed_out(data, tmp_path):
    _service, ids = _issued(data)
    out = tmp_path / "unsealed.jsonld"
    # nothing listens on the discard port: the TSA cannot stamp, so there is no seal
    result = CliRunner().invoke(main, ["--data-dir", str(data), "edc", ids[0], "-o", str(out)],
                                env={"S4C_TSA_URL": "http://127.0.0.1:9/tsa"})
    assert result.exit_code == 1 and "could not be sealed" in result.output
    assert not out.exists()
