"""s4c on more than one machine, as the README's production section sets it up: two
`s4c serve` instances on two ports (each with its own data directory, copied from the
first), two `s4c worker`s, one PostgreSQL and one Redis broker (throwaway local servers).

They issue (single candidates and two cohort jobs), revoke, suspend and reinstate at the
same time, through both instances. Afterwards: no status slot is used twice, no change is
lost (every flag is what the last accepted change made it, and every published bit equals
its flag), and every credential verifies as its recorded state says. Also: migrations run
once, safely, whichever of several instances starts first.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from tools import throwaway
from web.wiring.db import alembic_config

S4C = [sys.executable, "-m", "web.cli"]
PUBLIC_URL = "https://certify.example.eu"  # both instances are one issuer behind a proxy
CANDIDATES = 24  # issued one by one, then changed concurrently
COHORT = 120  # candidates per cohort job (two jobs)


def _need(available: bool, what: str) -> None:
    if not available:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is not installed (make test installs it)")
        pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def servers():
    _need(throwaway.postgres_available(), "PostgreSQL")
    _need(throwaway.redis_available(), "redis-server")
    with throwaway.postgres() as database_url, throwaway.redis() as broker_url:
        yield database_url, broker_url


def _env(data_dir: Path, database_url: str, broker_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("S4C_")}
    env.update({"S4C_DATA_DIR": str(data_dir), "DATABASE_URL": database_url,
                "S4C_BROKER_URL": broker_url, "S4C_PUBLIC_URL": PUBLIC_URL})
    return env


def _s4c(env: dict, *args: str) -> str:
    done = subprocess.run([*S4C, *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _request(url: str, body: bytes | None = None, token: str | None = None,
             content_type: str = "application/json") -> tuple[int, dict]:
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers,
                                     method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # loopback only
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def _wait_ready(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, "s4c serve exited"
        try:
            with urllib.request.urlopen(f"{base}/verify", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{base} not ready")


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _cohort(units_of: dict[str, list[str]], prefix: str, count: int) -> bytes:
    day = (date.today() - timedelta(days=1)).isoformat()
    lines = ["name,email,did,unit,score,max_score,assessed_on,exam_body,assessor"]
    roles = sorted(units_of)
    for i in range(count):
        lines += [f"{prefix} {i},{prefix}{i}@example.org,,{u},{70 + i % 30},100,{day},Exam,A"
                  for u in units_of[roles[i % len(roles)]]]
    return ("\n".join(lines) + "\n").encode()


def _new_database(database_url: str, name: str) -> str:
    """An empty database of the cluster; returns its URL."""
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return database_url.rsplit("/", 1)[0] + "/" + name


def test_migrations_run_once_whichever_instance_starts_first(servers, tmp_path):
    database_url, _ = servers
    url = _new_database(database_url, "migrate_race")
    code = ("import sys; from web.wiring.db import upgrade, current_revisions; upgrade(sys.argv[1]); "
            "print(','.join(sorted(current_revisions(sys.argv[1]))))")
    racers = [subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = [(p.wait(120), *p.communicate()) for p in racers]
    assert all(code == 0 for code, _, _ in outcomes), [err[-800:] for _, _, err in outcomes]
    heads = {out.strip() for _, out, _ in outcomes}
    expected = sorted(ScriptDirectory.from_config(alembic_config()).get_heads())
    assert heads == {",".join(expected)}  # every racer ends at the scripts' heads


def test_two_instances_and_two_workers_lose_nothing(servers, tmp_path):
    database_url, broker_url = servers
    url = _new_database(database_url, "two_instances")
    env_a = _env(tmp_path / "a", url, broker_url)
    env_b = _env(tmp_path / "b", url, broker_url)
    # machine 1 prepares the data directory; machine 2 gets a copy (keys, cookie secret)
    env_a["S4C_KEY_PASSPHRASE"] = env_b["S4C_KEY_PASSPHRASE"] = "two instances passphrase"
    _s4c(env_a, "init")
    _s4c(env_a, "registry", "seed-demo")
    token = _s4c(env_a, "officer", "add", "olga", "--password",
                 "a long officer password").rsplit(": ", 1)[1].strip()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    framework = json.loads(_s4c(env_a, "framework", "show", "--json"))
    units_of = {r["code"]: r["units"] for r in framework["roles"]}

    ports = [throwaway.free_port(), throwaway.free_port()]
    processes = []
    try:
        for env, port in ((env_a, ports[0]), (env_b, ports[1])):
            processes.append(subprocess.Popen(
                [*S4C, "serve", "--port", str(port), "--workers", "2"], env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True))
        for env in (env_a, env_b):
            processes.append(subprocess.Popen(
                [*S4C, "worker", "--workers", "1"], env=env, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True))
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, process in zip(bases, processes, strict=False):
            _wait_ready(base, process)
        _run_workload(bases, token, units_of, url)
        # every published bit equals its flag (s4c status check exits 1 otherwise)
        assert "every published status bit matches" in _s4c(env_b, "status", "check")
    finally:
        for process in processes:
            _stop(process)


def _run_workload(bases: list[str], token: str, units_of: dict[str, list[str]],
                  database_url: str) -> None:
    rng = random.Random(10)
    day = (date.today() - timedelta(days=1)).isoformat()
    roles = sorted(units_of)

    def issue(i: int) -> list[str]:
        role = roles[i % len(roles)]
        body = {"candidate": {"name": f"Single {i}", "email": f"single{i}@example.org"},
                "assessments": [{"unit": u, "score": 80, "max_score": 100,
                                 "assessed_on": day, "exam_body": "Exam", "assessor": "A"}
                                for u in units_of[role]]}
        status, answer = _request(f"{bases[i % 2]}/assessments",
                                  json.dumps(body).encode(), token)
        assert status == 201, answer
        return [c["id"] for c in answer["issued"]]

    # two cohort jobs, one through each instance, run by both workers ...
    jobs = []
    for n, base in enumerate(bases):
        status, answer = _request(f"{base}/cohorts?filename=c{n}.csv",
                                  _cohort(units_of, f"cohort{n}-", COHORT), token, "text/csv")
        assert status == 202, answer
        jobs.append(answer["id"])
    # ... while single candidates are issued through both instances ...
    with ThreadPoolExecutor(4) as pool:
        ids = [cid for issued in pool.map(issue, range(CANDIDATES)) for cid in issued]
    # ... and their credentials are revoked, suspended and reinstated through both, with
    # issuing still going on (each credential's changes in order, credentials in parallel)
    expected: dict[str, tuple[bool, bool]] = {}
    lock = threading.Lock()

    def change(credential_id: str, seed: int) -> None:
        local = random.Random(seed)
        revoked = suspended = False
        for _ in range(local.randint(1, 4)):
            action = local.choice(["revoked", "suspended", "reinstated"])
            body = {"credentialId": credential_id, "reason": "test",
                    "credentialStatus": [{"type": "BitstringStatusListEntry",
                                          "status": action}]}
            status, answer = _request(f"{local.choice(bases)}/credentials/status",
                                      json.dumps(body).encode(), token)
            assert status in (200, 409), answer
            if status == 200:
                revoked, suspended = answer["revoked"], answer["suspended"]
        with lock:
            expected[credential_id] = (revoked, suspended)

    more = ThreadPoolExecutor(2)
    later = list(more.map(issue, range(CANDIDATES, CANDIDATES + 8)))  # issuing meanwhile
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(change, ids, [rng.randrange(10**9) for _ in ids]))
    more.shutdown()
    ids += [cid for issued in later for cid in issued]

    deadline = time.monotonic() + 240
    for job in jobs:
        while True:
            status, progress = _request(f"{bases[1]}/cohorts/{job}", token=token)
            assert status == 200, progress
            if progress["finished"]:
                break
            assert time.monotonic() < deadline, progress
            time.sleep(0.3)
        assert progress["errors"] == [] and progress["issued"] > COHORT * 5, progress

    # no slot used twice, no change lost
    engine = create_engine(database_url)
    try:
        with engine.connect() as c:
            for purpose in ("revocation", "suspension"):
                assert c.execute(text(
                    f"SELECT {purpose}_list, {purpose}_index FROM issuer_credentials "
                    f"GROUP BY 1, 2 HAVING count(*) > 1")).all() == []
            recorded = {row.id: (row.revoked, row.suspended, row.document) for row in c.execute(
                text("SELECT id, revoked, suspended, document FROM issuer_credentials"))}
    finally:
        engine.dispose()
    assert len(recorded) >= len(ids) + 2 * COHORT * 5
    assert {cid: recorded[cid][:2] for cid in expected} == expected
    # every credential verifies as its recorded state says, through either instance
    sample = list(expected) + rng.sample(sorted(set(recorded) - set(expected)), 6)
    for n, credential_id in enumerate(sample):
        revoked, suspended, document = recorded[credential_id]
        if isinstance(document, str):
            document = json.loads(document)
        status, answer = _request(f"{bases[n % 2]}/credentials/verify", json.dumps(
            {"verifiableCredential": document, "options": {"country": "BG"}}).encode())
        outcomes = {c["id"]: c["outcome"] for c in answer["checks"]}
        assert outcomes["status.revocation"] == ("failed" if revoked else "passed"), answer
        if not revoked:
            assert outcomes["status.suspension"] == ("failed" if suspended else "passed")
        assert answer["verdict"] == ("not-valid-now" if revoked or suspended else "valid"), \
            answer
