"""`s4c demo --export` and the officer's commands, end to end through the CLI."""
import json
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from web.cli import main


def _run(data_dir, *args, **kwargs):
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *args],
                                catch_exceptions=False, **kwargs)
    return result


def test_demo_exports_every_kind_of_credential_and_is_idempotent(tmp_path):
    data, out = tmp_path / "data", tmp_path / "export"
    first = _run(data, "demo")
    assert first.exit_code == 0, first.output
    second = _run(data, "demo", "--export", str(out))
    assert second.exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert any(n.startswith("role-") for n in names)
    assert any(n.startswith("competency-") for n in names)
    assert any(n.startswith("revoked-") for n in names)
    assert any(n.startswith("suspended-") for n in names)
    docs = [json.loads((out / n).read_text()) for n in names]
    assert len({d["id"] for d in docs}) == len(docs) == int(first.output.split(": ")[1].split()[0])
    login = (data / "demo-login.txt")
    assert oct(login.stat().st_mode & 0o777) == "0o600"
    assert "password" not in first.output and "token" not in first.output.lower()


def test_officer_commands_flow(tmp_path):
    data = tmp_path / "data"
    assert _run(data, "candidate", "add", "--name", "Ana", "--email", "ana@example.org").exit_code == 0
    units = json.loads(_run(data, "framework", "show", "--json").output)["roles"][0]["units"]
    for unit in units:
        r = _run(data, "assess", "ana@example.org", "--unit", unit, "--score", "75",
                 "--exam-body", "Exam", "--assessor", "A")
        assert r.exit_code == 0 and "passed" in r.output
    certified = _run(data, "certify", "ana@example.org")
    assert "role" in certified.output
    issued = _run(data, "issue", "ana@example.org")
    ids = [line.split()[1] for line in issued.output.splitlines() if line.startswith("issued")]
    assert len(ids) == len(units) + 1
    again = _run(data, "issue", "ana@example.org")
    assert "already issued" in again.output and not again.output.startswith("issued")
    assert _run(data, "revoke", ids[0], "--reason", "test").exit_code == 0
    refused = CliRunner().invoke(main, ["--data-dir", str(data), "reinstate", ids[0],
                                        "--reason", "x"])
    assert refused.exit_code == 1 and "never be reinstated" in refused.output
    bad = CliRunner().invoke(main, ["--data-dir", str(data), "assess", "ana@example.org",
                                    "--unit", "NOPE", "--score", "1", "--exam-body", "E",
                                    "--assessor", "A"])
    assert bad.exit_code == 1 and "NOPE" in bad.output


def test_issue_batch_reports_bad_lines_and_exits_1(tmp_path):
    data = tmp_path / "data"
    csv = tmp_path / "cohort.csv"
    csv.write_text("name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n"
                   "Bo,bo@example.org,,U01,80,100,2026-01-10,Exam,A\n"
                   "Cy,cy@example.org,,U01,eighty,100,2026-01-10,Exam,A\n")
    result = CliRunner().invoke(main, ["--data-dir", str(data), "issue-batch", str(csv)])
    assert result.exit_code == 1
    assert "1 credentials issued" in result.output and "line 3" in result.output


def test_framework_load_replaces_the_framework_in_use_and_refuses_a_bad_file(tmp_path):
    from schemas.framework import REFERENCE_FRAMEWORK_PATH

    data = tmp_path / "data"
    other = json.loads(REFERENCE_FRAMEWORK_PATH.read_text(encoding="utf-8"))
    other["version"] = "1.1.0"
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other), encoding="utf-8")
    loaded = _run(data, "framework", "load", str(path))
    assert loaded.exit_code == 0 and "1.1.0" in loaded.output
    assert json.loads(_run(data, "framework", "show", "--json").output)["version"] == "1.1.0"
    other["units"][0]["passThreshold"] = 0
    path.write_text(json.dumps(other), encoding="utf-8")
    bad = CliRunner().invoke(main, ["--data-dir", str(data), "framework", "load", str(path)])
    assert bad.exit_code == 1 and "passThreshold" in bad.output


def test_candidates_and_credentials_are_listed_with_their_ids(tmp_path):
    data = tmp_path / "data"
    assert _run(data, "demo").exit_code == 0
    everyone = json.loads(_run(data, "candidate", "list", "--json").output)
    assert len(everyone) == 6 and all(c["ref"] and "@" in c["email"] for c in everyone)
    found = json.loads(_run(data, "candidate", "list", "--search", "IVANOVA", "--json").output)
    assert [c["email"] for c in found] == ["maria-ivanova@example.org"]
    assert "no candidate matches" in _run(data, "candidate", "list", "--search", "%").output
    mine = json.loads(_run(data, "credential", "list", "--candidate",
                           "maria-ivanova@example.org", "--json").output)
    assert mine and {c["candidate"] for c in mine} == {found[0]["ref"]}
    revoked = json.loads(_run(data, "credential", "list", "--state", "revoked",
                              "--json").output)
    assert len(revoked) == 1 and revoked[0]["state"] == "revoked"
    text = _run(data, "credential", "list", "--kind", "role").output
    assert text.count("urn:uuid:") == len(json.loads(_run(
        data, "credential", "list", "--kind", "role", "--json").output))


def test_the_command_line_lists_and_voids_attempts(tmp_path):
    def run(*args: str):
        return CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), *args])

    day = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert run("candidate", "add", "--name", "Cy", "--email", "cy@example.org").exit_code == 0
    common = ["--unit", "U01", "--date", day, "--exam-body", "E", "--assessor", "A"]
    first = run("assess", "cy@example.org", "--score", "20", *common)
    second = run("assess", "cy@example.org", "--score", "80", *common)
    assert "not passed (attempt 1" in first.output and "passed (attempt 2" in second.output
    listed = json.loads(run("assessment", "list", "cy@example.org", "--json").output)
    assert [a["attempt"] for a in listed] == [1, 2]
    assert run("certify", "cy@example.org").exit_code == 0
    passed = listed[1]["ref"]
    assert run("assessment", "void", passed).exit_code == 2  # --reason is required
    voided = run("assessment", "void", passed, "--reason", "wrong exam", "--actor", "olga")
    assert voided.exit_code == 0, voided.output
    assert "attempt 2 of U01 voided" in voided.output
    assert "withdrawn: unit U01 (decided, not issued yet)" in voided.output
    again = run("assessment", "void", passed, "--reason", "again")
    assert again.exit_code == 1 and "already voided by olga" in again.output
    text = run("assessment", "list", "cy@example.org").output
    assert "VOIDED" in text and "wrong exam" in text
    assert run("assessment", "void", "nope", "--reason", "x").exit_code == 1


def test_jobs_export_writes_the_csv_of_a_finished_job(tmp_path):
    from issuer import cohort_jobs
    from web.cli.context import issuer_service
    from web.wiring.settings import Settings

    data = tmp_path / "data"
    service = issuer_service(Settings.from_environment(data))
    day = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    text = ("name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n"
            f"Bo,bo@example.org,,U01,80,100,{day},Exam,A\n")
    job_id = cohort_jobs.create_job(service, text, "c.csv", "cli")
    assert _run(data, "jobs", "export", job_id).exit_code == 1  # still running
    for number in cohort_jobs.chunk_numbers(service, job_id):
        cohort_jobs.ChunkRunner(service).run(job_id, number)
    out = tmp_path / "issued.csv"
    done = _run(data, "jobs", "export", job_id, "-o", str(out), "--actor", "olga")
    assert done.exit_code == 0 and "1 row(s); share links: 0 reused, 1 created" in done.output
    header, row = out.read_bytes().decode("utf-8").splitlines()
    assert header.startswith("\ufeffname;email;kind;code")
    assert row.startswith("Bo;bo@example.org;unit;U01;") and "/v/" in row
    assert _run(data, "jobs", "export", "nope").exit_code == 1
