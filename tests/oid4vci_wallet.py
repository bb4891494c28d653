"""Runs the npm wallet (tests/wallet/wallet.mjs: the OpenWallet Foundation's OpenID4VCI
libraries) against a server, and `s4c serve` with a demo data directory for it."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

WALLET = Path(__file__).parent / "wallet"
S4C = [sys.executable, "-m", "web.cli"]


def node_wallet_available() -> bool:
    return shutil.which("node") is not None and (
        WALLET / "node_modules" / "@openid4vc" / "openid4vci").is_dir()


def need_wallet() -> None:
    if not node_wallet_available():
        if os.environ.get("CI") == "true":
            pytest.fail("the npm wallet is not installed (make test runs npm ci in tests/wallet)")
        pytest.skip("the npm wallet is not installed (npm ci --prefix tests/wallet)")


def run_wallet(**options) -> dict:
    done = subprocess.run(["node", str(WALLET / "wallet.mjs"), json.dumps(options)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, port: int, host: str = "127.0.0.1") -> None:
        self.base = f"http://{host}:{port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("S4C_")}
        self.env.update({"S4C_DATA_DIR": str(data_dir), "S4C_PUBLIC_URL": self.base,
                         "S4C_ALLOW_LOOPBACK_FETCH": "1"})
        self.env.pop("DATABASE_URL", None)

    def s4c(self, *args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([*S4C, *args], env=self.env, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        return done

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(self.base + path, timeout=30) as response:  # loopback
            return json.loads(response.read())

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
        request = urllib.request.Request(self.base + path, data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # loopback
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")


@contextmanager
def demo_server(data_dir: Path, host: str = "127.0.0.1"):
    """`s4c init`, `s4c demo`, `s4c registry seed-demo`, then `s4c serve` (2 workers) on a
    free loopback port, whose public URL names `host` (`localhost`: a DNS name, which the
    demo certificate can name)."""
    server = Server(data_dir, free_port(), host)
    server.s4c("init")
    server.s4c("demo")
    server.s4c("registry", "seed-demo")
    process = subprocess.Popen([*S4C, "serve", "--host", "127.0.0.1", "--port",
                                server.base.rsplit(":", 1)[1], "--job-workers", "0"],
                               env=server.env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, "s4c serve exited"
            try:
                server.get("/.well-known/openid-credential-issuer")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
