"""The CSV of what a finished cohort job issued: one row per candidate and
credential with the holder's share link (reused when active, else made for one year), safe
to open in a spreadsheet (BOM, `;`, no formulas), audited. The console's download is in
test_cohort_export_console.py, the command line's in test_issuer_demo_cli.py."""
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from issuer import cohort_jobs
from issuer.audit import AuditEvent
from issuer.cohort_export import COLUMNS, export_cohort, spreadsheet_safe
from issuer.models import IssuedCredential
from issuer.service import IssuerError, NotFound
from issuer.shares import create_share, shares_of
from web.cli.context import issuer_service
from web.wiring.settings import Settings

DAY = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
KEY = b"k" * 32
HEADER = "name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n"


@pytest.fixture
def service(tmp_path):
    return issuer_service(Settings.from_environment(tmp_path / "data", environ={
        "S4C_PUBLIC_URL": "https://certify.example.eu",
        "S4C_KEY_PASSPHRASE": "test passphrase 1234"}))


def _link(token: str) -> str:
    return f"https://certify.example.eu/v/{token}"


def _cohort(service) -> str:
    units = service.framework().role("SCPM").units
    lines = [f"Ana Test,ana@example.org,,{u},80,100,{DAY},Exam Centre,A\n" for u in units]
    lines.append(f'"=HYPERLINK(""http://x"")",eve@example.org,,{units[0]},20,100,{DAY},E,A\n')
    lines.append(f"Bo Bad,bo@example.org,,NOPE,80,100,{DAY},E,A\n")  # refused: not created
    return HEADER + "".join(lines)


def _run(service, text: str) -> str:
    job_id = cohort_jobs.create_job(service, text, "spring;cohort.csv", "olga")
    runner = cohort_jobs.ChunkRunner(service)
    for number in cohort_jobs.chunk_numbers(service, job_id):
        runner.run(job_id, number)
    assert cohort_jobs.progress(service, job_id).finished
    return job_id


def _parse(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def _audit(service, action: str) -> list[AuditEvent]:
    with service.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_cells_a_spreadsheet_would_evaluate_are_prefixed():
    for cell in ("=1+1", "+31 20", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(cell) == "'" + cell
    for cell in ("Ana", "urn:uuid:1", "2026-05-01", "", "a=b"):
        assert spreadsheet_safe(cell) == cell


def test_the_export_lists_every_candidate_with_credentials_states_and_share_links(service):
    units = service.framework().role("SCPM").units
    # Ana's first unit was issued before the job, with a link of its own; the job adds the rest
    ref = service.add_candidate("Ana Test", "ana@example.org", None, "olga")
    service.record_assessment(ref, units[0], 90, 100, datetime.now(UTC).date(), "E", "A",
                              "olga")
    [before] = service.certify_and_issue(ref, "olga").issued
    earlier = datetime.now(UTC) - timedelta(hours=1)
    with service.sessions.begin() as s:  # issued an hour ago, well before the job
        s.execute(update(IssuedCredential).where(IssuedCredential.id == before["id"])
                  .values(issued_at=earlier))
    own = create_share(service.sessions, before["id"], "olga", KEY)
    job_id = _run(service, _cohort(service))
    role_id = next(c.id for c in service.credentials(candidate_ref=ref) if c.kind == "role")
    service.revoke(role_id, "test", "olga")

    export = export_cohort(service, job_id, "olga", KEY, _link)
    rows = _parse(export.csv_text())
    assert list(rows[0]) == list(COLUMNS)
    assert export.download_name == "s4c-issued-spring-cohort.csv"
    ana = [r for r in rows if r["email"] == "ana@example.org"]
    assert {r["code"] for r in ana} == {*units, "SCPM"}
    by_code = {r["code"]: r for r in ana}
    assert by_code[units[0]]["issued_in_this_run"] == "no"
    assert by_code[units[0]]["share_link"] == _link(own)  # its active link, reused
    assert all(by_code[u]["issued_in_this_run"] == "yes" for u in units[1:])
    assert by_code["SCPM"]["state"] == "revoked" and by_code["SCPM"]["share_link"] == ""
    assert by_code["SCPM"]["title"] and by_code["SCPM"]["kind"] == "role"
    new = by_code[units[1]]
    assert new["state"] == "active" and new["share_link"].startswith(_link(""))
    assert new["issued_on"] == datetime.now(UTC).date().isoformat()
    assert new["share_link_expires"] == (datetime.now(UTC) + timedelta(days=365)).date() \
        .isoformat()
    [eve] = [r for r in rows if r["email"] == "eve@example.org"]  # failed: no credential
    assert eve["name"].startswith("'=HYPERLINK") and eve["state"] == "no credential"
    assert eve["credential_id"] == "" and eve["share_link"] == ""
    assert not any(r["email"] == "bo@example.org" for r in rows)
    assert (export.links_reused, export.links_created) == (1, len(units) - 1)
    # the links work, and a second export makes none
    token = new["share_link"].rsplit("/", 1)[1]
    assert [s.token for s in shares_of(service.sessions, new["credential_id"], KEY)] == [token]
    again = export_cohort(service, job_id, "olga", KEY, _link)
    assert (again.links_reused, again.links_created) == (len(units), 0)
    assert _parse(again.csv_text()) == rows
    exported = _audit(service, "cohort.exported")
    assert [e.subject for e in exported] == [job_id, job_id]
    assert exported[0].detail["share_links_created"] == len(units) - 1
    assert len(_audit(service, "share.created")) == len(units)  # `own`, then the export's


def test_an_unknown_or_unfinished_job_is_not_exported(service):
    with pytest.raises(NotFound):
        export_cohort(service, "nope", "olga", KEY, _link)
    job_id = cohort_jobs.create_job(service, _cohort(service), "c.csv", "olga")
    with pytest.raises(IssuerError, match="issuer.cohort-job-still-running"):
        export_cohort(service, job_id, "olga", KEY, _link)
    assert _audit(service, "cohort.exported") == []
