"""Throughput of `POST /credentials/verify` through the production server (benchmark, not a
test): `s4c serve` (gunicorn, 2 workers) on 127.0.0.1 with a fresh data directory holding
the demo issuer and the demo registry; the load comes from `wrk` (Debian package `wrk`),
which leaves the CPU to the server. Every request verifies a real role credential with all
checks: proof, key binding, validity, revocation and suspension (the status lists are
fetched once over loopback, then cached), issuer trust from the registry, recognition.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

WRK = "wrk"
LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open("{body}", "rb"))
wrk.body = f:read("*a")
f:close()
"""
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
S4C = [sys.executable, "-c", "from web.cli import main; main(prog_name='s4c')"]


class BenchError(RuntimeError):
    """The benchmark could not run (missing wrk, server did not start, a wrong verdict)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _s4c(env: dict, *args: str, timeout: float = 300) -> str:
    done = subprocess.run([*S4C, *args], check=False, env=env, timeout=timeout,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"s4c {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    return done.stdout


def _post(url: str, body: bytes) -> dict:
    """The verification report: a 200's body, or the 400 problem that carries it (VC-API:
    a credential that is not verified is a 400)."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # loopback only
            return json.loads(response.read())
    except urllib.error.HTTPError as e:
        if e.code != 400:
            raise
        return json.loads(e.read())


def _wait_ready(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError("s4c serve exited before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise BenchError("s4c serve was not ready in time")


def start_server(env: dict, port: int, *extra: str) -> subprocess.Popen:
    """`s4c serve` (gunicorn, 2 workers) on 127.0.0.1:`port`, in its own process group."""
    return subprocess.Popen([*S4C, "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "2", *extra], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _stop(server: subprocess.Popen) -> None:
    """Stops `s4c serve` and everything it started (its own process group)."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def parse_wrk(output: str) -> tuple[float, float]:
    """(requests per second, p99 latency in ms) from `wrk --latency` output."""
    rate = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    p99 = re.search(r"^\s*99%\s+([0-9.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if rate is None or p99 is None:
        raise BenchError(f"cannot read wrk's output: {output[-500:]}")
    return float(rate.group(1)), float(p99.group(1)) * _UNITS[p99.group(2)]


def _role_credential(env: dict, export: Path, url: str) -> bytes:
    """A demo role credential that verifies as valid (the demo also has revoked ones)."""
    for path in sorted(export.glob("*.json")):
        credential = json.loads(path.read_text())
        if "S4CRoleCredential" not in credential.get("type", []):
            continue
        body = json.dumps({"verifiableCredential": credential,
                           "options": {"country": "BG"}}).encode()
        if _post(url, body).get("verdict") == "valid":
            return body
    raise BenchError("no demo role credential verified as valid")


def measure_verify_api(n_seconds: float = 10, connections: int = 4) -> dict:
    """Starts the server, loads it with wrk for n_seconds, stops it; returns the rates."""
    if shutil.which(WRK) is None:
        raise BenchError("wrk is not installed (Debian: apt-get install wrk)")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="s4c-bench-") as tmp:
        data = Path(tmp) / "data"
        env = {**os.environ, "S4C_DATA_DIR": str(data), "S4C_PUBLIC_URL":
               f"http://127.0.0.1:{port}", "S4C_ALLOW_LOOPBACK_FETCH": "1"}
        for name in ("DATABASE_URL", "S4C_TRUST_LIST"):
            env.pop(name, None)
        _s4c(env, "init")
        _s4c(env, "registry", "seed-demo")
        _s4c(env, "demo", "--export", str(Path(tmp) / "export"))
        server = subprocess.Popen(
            [*S4C, "serve", "--host", "127.0.0.1", "--port",
             str(port), "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(f"{base}/verify", server)
            url = f"{base}/credentials/verify"
            body = _role_credential(env, Path(tmp) / "export", url)
            for _ in range(40):  # both workers: DID document and status lists cached
                if _post(url, body)["verdict"] != "valid":
                    raise BenchError("the benchmark credential stopped verifying")
            (Path(tmp) / "body.json").write_bytes(body)
            script = Path(tmp) / "post.lua"
            script.write_text(LUA.format(body=Path(tmp) / "body.json"))
            done = subprocess.run(
                [WRK, "-t1", f"-c{connections}", f"-d{max(1, int(n_seconds))}s", "--latency",
                 "-s", str(script), url], check=False, capture_output=True, text=True,
                timeout=n_seconds + 60)
            rate, p99 = parse_wrk(done.stdout)
            if re.search(r"Non-2xx or 3xx responses", done.stdout):
                raise BenchError(f"the server answered errors under load: {done.stdout}")
            still_valid = _post(url, body)["verdict"] == "valid"
        finally:
            _stop(server)
    return {"verify_api_per_s": round(rate, 1), "verify_api_p99_ms": round(p99, 2),
            "verify_api_connections": connections, "verify_api_seconds": int(n_seconds),
            "verify_api_verdict_valid": still_valid}


def measure_verify_api_cold(requests: int = 200, connections: int = 4,
                            s4c: list[str] | None = None) -> dict:
    """The latency of the first `requests` verifications after the server starts, with
    `connections` clients at once: cold caches (DID document, status lists, contexts,
    schemas) in both workers. Each request verifies a different, freshly issued
    credential of this server's issuer (the verifier must answer for it from its own
    database). Returns the p99 and the median in ms."""
    import statistics
    from concurrent.futures import ThreadPoolExecutor

    s4c = s4c or S4C
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="s4c-bench-cold-") as tmp:
        data = Path(tmp) / "data"
        env = {**os.environ, "S4C_DATA_DIR": str(data), "S4C_PUBLIC_URL":
               f"http://127.0.0.1:{port}", "S4C_KEY_PASSPHRASE": "benchmark passphrase"}
        for name in ("DATABASE_URL", "S4C_TRUST_LIST", "S4C_BROKER_URL",
                     "S4C_ALLOW_LOOPBACK_FETCH"):
            env.pop(name, None)

        def run(*args: str) -> str:
            done = subprocess.run([*s4c, *args], check=False, env=env, timeout=600,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise BenchError(f"s4c {' '.join(args)} failed: {done.stderr[-500:]}")
            return done.stdout

        run("init")
        run("registry", "seed-demo")
        run("demo", "--export", str(Path(tmp) / "export"))
        framework = json.loads(run("framework", "show", "--json"))
        bodies = _fresh_credentials(run, framework, Path(tmp), requests)
        server = subprocess.Popen(
            [*s4c, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(f"{base}/verify", server)  # a page: no verification warms up
            url = f"{base}/credentials/verify"

            def timed(body: bytes) -> tuple[float, str]:
                start = time.perf_counter()
                verdict = _post(url, body)["verdict"]
                return (time.perf_counter() - start) * 1000, verdict

            with ThreadPoolExecutor(connections) as pool:
                outcomes = list(pool.map(timed, bodies))
        finally:
            _stop(server)
    wrong = [verdict for _, verdict in outcomes if verdict != "valid"]
    if wrong:
        raise BenchError(f"{len(wrong)} cold verifications were not valid: {wrong[:3]}")
    latencies = sorted(ms for ms, _ in outcomes)
    p99 = latencies[max(0, int(len(latencies) * 0.99 + 0.5) - 1)]
    return {"verify_api_cold_p99_ms": round(p99, 1),
            "verify_api_cold_median_ms": round(statistics.median(latencies), 1),
            "verify_api_cold_max_ms": round(latencies[-1], 1),
            "verify_api_cold_requests": len(latencies)}


def _fresh_credentials(run, framework: dict, tmp: Path, count: int) -> list[bytes]:
    """`count` role and unit credentials issued now (a cohort), as request bodies."""
    from datetime import date, timedelta

    day = (date.today() - timedelta(days=1)).isoformat()
    role = framework["roles"][0]
    lines = ["name,email,did,unit,score,max_score,assessed_on,exam_body,assessor"]
    candidates = count // (len(role["units"]) + 1) + 1
    for i in range(candidates):
        lines += [f"Cold {i},cold{i}@example.org,,{u},80,100,{day},Exam,A"
                  for u in role["units"]]
    (tmp / "cold.csv").write_text("\n".join(lines) + "\n")
    run("issue-batch", str(tmp / "cold.csv"))
    import sqlite3

    with sqlite3.connect(tmp / "data" / "s4c.db") as db:
        documents = [json.loads(row[0]) for row in db.execute(
            "SELECT document FROM issuer_credentials ORDER BY issued_at DESC LIMIT ?",
            (count,))]
    if len(documents) < count:
        raise BenchError(f"only {len(documents)} fresh credentials to verify")
    return [json.dumps({"verifiableCredential": d, "options": {"country": "BG"}}).encode()
            for d in documents]


if __name__ == "__main__":
    print(json.dumps(measure_verify_api(float(sys.argv[1]) if len(sys.argv) > 1 else 10)))
