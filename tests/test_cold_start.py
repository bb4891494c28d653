"""Right after a start (cold caches), concurrent verifications of this
server's own credentials were stuck: each sync worker fetched its own DID document and
status lists over HTTP from the other, until the fetch timeouts ("could not check"). Now
the server answers for its own issuer in process. Real `s4c serve`: gunicorn, 2 workers."""
import json
import os
import socket
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from waiting import wait_until

S4C = [sys.executable, "-c", "from web.cli import main; main(prog_name='s4c')"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _verify(url: str, credential: dict) -> str:
    body = json.dumps({"verifiableCredential": credential}).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # loopback only
        return json.loads(response.read())["verdict"]


def test_eight_concurrent_verifications_right_after_a_start_are_correct(
        tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "S4C_DATA_DIR": str(tmp_path / "data"),
           "S4C_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "S4C_KEY_PASSPHRASE": "cold start passphrase",
           "S4C_ALLOW_LOOPBACK_FETCH": "1"}  # as `make run` sets it
    env.pop("DATABASE_URL", None)
    for args in (["init"], ["demo", "--export", str(tmp_path / "out")],
                 ["registry", "seed-demo"]):
        subprocess.run([*S4C, *args], env=env, check=True, capture_output=True, timeout=300)
    files = sorted((tmp_path / "out").glob("*.json"))
    fresh = [json.loads(f.read_text()) for f in files
             if not f.name.startswith(("revoked-", "suspended-"))][:8]
    assert len(fresh) == 8
    server = subprocess.Popen([*S4C, "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/verify", timeout=5):
                    return True
            except OSError:  # not listening yet, or a worker still starting
                return False
        wait_until(answers, "s4c serve answering", 60, process=server)
        url = f"http://127.0.0.1:{port}/credentials/verify"
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda c: _verify(url, c), fresh))
    finally:
        server.terminate()
        server.wait(timeout=30)
    # How quick they are is measured by `s4c bench` (verify_api_cold_max_ms), not here.
    assert results == ["valid"] * 8, results
