"""`s4c serve` for a newcomer ("The README, read by a newcomer"): on a loopback
host without S4C_PUBLIC_URL, `--port` sets the matching public URL (the issuer's did:web,
links and offers name that port), and the server prints each person's pages and how each
signs in. A deployment that sets S4C_PUBLIC_URL keeps it."""
import json
import os
import subprocess
import urllib.request
from pathlib import Path

from test_registry_browser import S4C, S4C_ENV, _free_port, _wait_until_up


def _serve(data_dir: Path, port: int, env: dict[str, str]) -> tuple[str, dict]:
    process = subprocess.Popen(
        [*S4C, "--data-dir", str(data_dir), "serve", "--port", str(port), "--workers", "1",
         "--job-workers", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/holder/sign-in", process, timeout=90)
        with urllib.request.urlopen(  # loopback, the server started above
                f"http://127.0.0.1:{port}/.well-known/did.json", timeout=30) as answer:
            did = json.load(answer)
    finally:
        process.terminate()
        output = process.communicate(timeout=60)[0]
    return output, did


def test_another_port_needs_nothing_else_and_the_pages_are_printed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in S4C_ENV}
    data_dir = tmp_path / "data"
    port = _free_port()
    output, did = _serve(data_dir, port, env)
    assert did["id"] == f"did:web:127.0.0.1%3A{port}"
    for page in ("/verify", "/holder/", "/issuer/", "/registry/", "/registry/admin/login"):
        assert f"http://127.0.0.1:{port}{page}" in output, output
    assert "s4c holder invite EMAIL" in output and "`operator`" in output
    assert "s4c officer add" in output  # no demo yet: how to make an officer


def test_a_public_url_that_is_set_is_kept(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in S4C_ENV}
    env["S4C_PUBLIC_URL"] = "https://certify.example.eu"
    port = _free_port()
    output, did = _serve(tmp_path / "data", port, env)
    assert did["id"] == "did:web:certify.example.eu"
    assert "https://certify.example.eu/holder/" in output
