"""Cohorts as background jobs on a real queue: real `s4c worker`
processes on the embedded SQLite queue and on a real Redis; a worker killed mid-job; a
chunk run twice at once; an 18,000-row upload through the console of `s4c serve`
(gunicorn, 2 workers), which used to be killed at 30 s with a partial commit."""
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path

import job_workers
import pytest
from sqlalchemy import func, select
from waiting import wait_until

from issuer import cohort_jobs
from issuer.demo import cohort_csv
from issuer.models import Candidate, Decision, IssuedCredential
from tools import throwaway
from web.cli.context import issuer_service, job_queue
from web.wiring.settings import Settings

S4C = [sys.executable, "-m", "web.cli"]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _settings(tmp_path: Path, **extra: str) -> tuple[Settings, dict]:
    env = {"S4C_DATA_DIR": str(tmp_path / "data"), "S4C_KEY_PASSPHRASE": "jobs passphrase",
           "S4C_PUBLIC_URL": "https://certify.example.eu", **extra}
    full = {k: v for k, v in os.environ.items() if not k.startswith("S4C_")
            and k != "DATABASE_URL"} | env
    return Settings.from_environment(environ=env), full


def _assert_issued_once(service, expected: int) -> None:
    with service.sessions() as s:
        assert s.scalar(select(func.count()).select_from(IssuedCredential)) == expected
        assert s.scalar(select(func.count()).select_from(Decision)) == expected
        # every decision has exactly one credential
        assert s.scalar(select(func.count(func.distinct(IssuedCredential.decision_id)))) \
            == expected


def test_a_job_resumes_after_its_worker_is_killed_and_issues_nothing_twice(tmp_path):
    settings, env = _settings(tmp_path)
    service = issuer_service(settings)
    text = cohort_csv(service.framework(), 700)
    expected = text.count("\n") - 1 + 700  # one per unit row, one per role
    job_id = job_queue(settings).submit(service, text, "big.csv", "olga")
    assert cohort_jobs.progress(service, job_id).chunks == 7
    process = job_workers.start_worker_process(settings, 1, env=env)
    try:
        wait_until(lambda: cohort_jobs.progress(service, job_id).chunks_done >= 2,
                   "two chunks done", seconds=120, process=process)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # a crash: no graceful stop
        process.wait()
    halfway = cohort_jobs.progress(service, job_id)
    assert not halfway.finished and 2 <= halfway.chunks_done < 7
    # the broker still holds the rest; a new worker also enqueues unfinished chunks again
    # (so chunks run twice): still every credential exactly once
    with job_workers.worker(settings, 2, env=env) as again:
        done = job_workers.wait_finished(service, job_id, process=again)
    assert done.summary.issued == expected and done.summary.errors == []
    _assert_issued_once(service, expected)
    assert cohort_jobs.unfinished(service) == []


def test_a_chunk_run_twice_at_once_issues_each_credential_once(tmp_path):
    settings, _ = _settings(tmp_path)
    service = issuer_service(settings)
    text = cohort_csv(service.framework(), 60)
    job_id = job_queue(settings).submit(service, text, "twice.csv", "olga")
    runs, errors = [], []

    def run() -> None:
        try:
            runs.append(cohort_jobs.ChunkRunner(issuer_service(settings)).run(job_id, 0))
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    progress = cohort_jobs.progress(service, job_id)
    assert progress.finished and progress.summary.issued == text.count("\n") - 1 + 60
    _assert_issued_once(service, progress.summary.issued)


def test_refused_rows_create_no_candidates(tmp_path):
    settings, env = _settings(tmp_path)
    service = issuer_service(settings)
    day = (date.today() - timedelta(days=1)).isoformat()
    future = (date.today() + timedelta(days=3)).isoformat()
    unit = service.framework().roles[0].units[0]
    text = ("name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n"
            f"Ok,ok@example.org,,{unit},80,100,{day},E,A\n"
            f"Nan,nan@example.org,,{unit},nan,100,{day},E,A\n"
            f"Unit,unit@example.org,,NOPE,80,100,{day},E,A\n"
            f"Late,late@example.org,,{unit},80,100,{future},E,A\n"
            f"Over,over@example.org,,{unit},120,100,{day},E,A\n"
            f"Did,did@example.org,did:x:a b,{unit},80,100,{day},E,A\n"
            f"Long,long@example.org,,{unit},80,100,{day},{'x' * 200_000},A\n")
    job_id = job_queue(settings).submit(service, text, "bad.csv", "olga")
    with job_workers.worker(settings, 1, env=env) as process:
        done = job_workers.wait_finished(service, job_id, process=process)
    assert done.summary.issued == 1
    assert [e.params["line"] for e in done.summary.errors] == list(range(3, 9))
    assert [e.code for e in done.summary.errors] == [
        "cohort.score-not-finite", "issuer.unit-not-in-framework",
        "issuer.assessment-in-future", "issuer.score-out-of-range", "issuer.not-a-did",
        "cohort.row-unreadable"]
    with service.sessions() as s:
        assert list(s.scalars(select(Candidate.email))) == ["ok@example.org"]


def test_jobs_run_on_a_redis_broker_with_two_worker_processes(tmp_path):
    if not throwaway.redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed (make test installs it)")
        pytest.skip("redis-server is not installed")
    with throwaway.redis() as broker_url:
        settings, env = _settings(tmp_path, S4C_BROKER_URL=broker_url)
        service = issuer_service(settings)
        queue = job_queue(settings)
        assert queue.describe().startswith("Redis") and not queue.embedded
        text = cohort_csv(service.framework(), 250)
        job_id = queue.submit(service, text, "redis.csv", "olga")
        assert queue.huey.pending_count() == 3  # the chunks wait in Redis
        with job_workers.worker(settings, 2, env=env) as process:
            done = job_workers.wait_finished(service, job_id, process=process)
        assert done.summary.issued == text.count("\n") - 1 + 250
        assert queue.huey.pending_count() == 0


def test_the_cli_follows_its_job_with_a_progress_bar(tmp_path):
    settings, env = _settings(tmp_path)
    service = issuer_service(settings)
    path = tmp_path / "cohort.csv"
    path.write_text(cohort_csv(service.framework(), 150))
    done = subprocess.run([*S4C, "issue-batch", str(path), "--workers", "1"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert re.search(r"issuing.*150/150", done.stderr), done.stderr
    expected = path.read_text().count("\n") - 1 + 150
    assert f"{expected} credentials issued, 0 already issued, 0 errors" in done.stdout


@pytest.mark.slow
def test_an_18000_row_console_upload_answers_at_once_and_completes(tmp_path):
    """Through `s4c serve` (gunicorn, 2 web workers, the embedded queue's workers beside
    them): the upload answers in seconds; the job then issues every credential."""
    settings, env = _settings(tmp_path)
    port = throwaway.free_port()
    env["S4C_PUBLIC_URL"] = base = f"http://127.0.0.1:{port}"
    settings = Settings.from_environment(environ={k: env[k] for k in env
                                                  if k.startswith("S4C_")})
    service = issuer_service(settings)
    subprocess.run([*S4C, "officer", "add", "olga", "--password", "a long officer password"],
                   env=env, check=True, capture_output=True)
    fw = service.framework()
    rows = ["name,email,did,unit,score,max_score,assessed_on,exam_body,assessor"]
    day = (date.today() - timedelta(days=1)).isoformat()
    i = complete = 0
    while len(rows) <= 18_000:
        role = fw.roles[i % len(fw.roles)]
        rows += [f"Person {i},p{i}@example.org,,{u},80,100,{day},Exam,A" for u in role.units]
        complete += len(rows) <= 18_001  # every unit of the role fits: a role credential
        i += 1
    rows = rows[:18_001]
    body_csv = ("\n".join(rows) + "\n").encode()
    server = subprocess.Popen([*S4C, "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        def login_page() -> str | None:
            try:
                return opener.open(f"{base}/issuer/login", timeout=5).read().decode()
            except OSError:  # not listening yet
                return None
        login = wait_until(login_page, "s4c serve answering", 60, process=server)
        opener.open(f"{base}/issuer/login", urllib.parse.urlencode({
            "username": "olga", "password": "a long officer password",
            "csrf_token": CSRF.search(login).group(1)}).encode(), timeout=10)
        form = opener.open(f"{base}/issuer/cohort", timeout=10).read().decode()
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                f"{CSRF.search(form).group(1)}\r\n--{boundary}\r\nContent-Disposition: "
                f"form-data; name=\"cohort\"; filename=\"big.csv\"\r\nContent-Type: text/csv"
                f"\r\n\r\n").encode() + body_csv + f"\r\n--{boundary}--\r\n".encode()
        page = opener.open(urllib.request.Request(
            f"{base}/issuer/cohort", data=body, headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}"}), timeout=30)
        assert page.status == 200 and "/issuer/cohort/jobs/" in page.url
        job_id = page.url.rsplit("/", 1)[1]
        # the upload was answered before the job was done: it runs in the background (the
        # request no longer issues 18,000 rows itself, which gunicorn killed at 30 s)
        assert not cohort_jobs.progress(service, job_id).finished
        def finished() -> dict | None:
            progress = json.loads(opener.open(f"{page.url}/progress", timeout=10).read())
            return progress if progress["finished"] else None
        progress = wait_until(finished, "the 18,000-row job done", 600, process=server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    assert progress["rows"] == 18_000 and progress["errors"] == []
    assert progress["issued"] == 18_000 + complete  # a unit credential per row, and roles
    _assert_issued_once(service, progress["issued"])
    assert cohort_jobs.progress(service, job_id).summary.issued == progress["issued"]


def test_a_job_done_before_its_worker_started_ends_without_a_traceback(tmp_path):
    """A cohort with no rows is finished as soon as it is recorded: `s4c issue-batch` stops
    its worker process while that process is still importing Python. The stop waits until
    the worker can take it gracefully: no KeyboardInterrupt traceback, no fatal error."""
    settings, env = _settings(tmp_path)
    issuer_service(settings)
    path = tmp_path / "empty.csv"
    path.write_text("name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n")
    done = subprocess.run([*S4C, "issue-batch", str(path), "--workers", "2"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Fatal Python error" not in done.stderr, \
        done.stderr
    assert "0 credentials issued, 0 already issued, 0 errors" in done.stdout


def _python_catches_sigint(pid: int) -> bool:
    """Whether the process has Python's SIGINT handler (KeyboardInterrupt) in place: its
    interpreter runs, and imports."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(re.search(r"^SigCgt:\s*([0-9a-f]+)$", status, re.MULTILINE).group(1), 16)
    return bool(caught & (1 << (signal.SIGINT - 1)))


def test_a_worker_stopped_while_it_imports_leaves_no_traceback(tmp_path, capfd):
    """Stopped while its Python imports (a job done by then), the worker goes at once: it
    used to print a KeyboardInterrupt traceback from the middle of an import."""
    settings, env = _settings(tmp_path)
    issuer_service(settings)
    process = job_workers.start_worker_process(settings, 1, env=env)
    wait_until(lambda: _python_catches_sigint(process.pid), "the worker's Python started",
               process=process)
    assert not process.taking_tasks()
    job_workers.stop_worker_process(process)
    assert "Traceback" not in capfd.readouterr().err


def test_a_worker_taking_tasks_stops_gracefully(tmp_path, capfd):
    settings, env = _settings(tmp_path)
    issuer_service(settings)
    process = job_workers.start_worker_process(settings, 1, env=env)
    wait_until(process.taking_tasks, "the worker taking tasks", process=process)
    job_workers.stop_worker_process(process)
    assert process.returncode == 0
    assert "Traceback" not in capfd.readouterr().err
