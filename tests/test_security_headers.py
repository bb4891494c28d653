"""Every page and API answer carries the security headers; the
console cannot be framed; HSTS only when the public URL is https."""
from pathlib import Path

import pytest

from web.app import create_app
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

PAGES = ["/", "/verify", "/issuer/login", "/registry/", "/.well-known/did.json",
         "/status/revocation/1", "/no-such-page"]


def _app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, public_url: str):
    for name in ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "DATABASE_URL", "S4C_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(tmp_path / "data", environ={
        "S4C_PUBLIC_URL": public_url, "S4C_KEY_PASSPHRASE": "headers test passphrase"})
    prepare_data_dir(settings)
    return create_app(settings)


def test_every_answer_has_the_security_headers(tmp_path, monkeypatch):
    client = _app(tmp_path, monkeypatch, "https://certify.example.eu").test_client()
    for path in PAGES:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        assert headers["Strict-Transport-Security"].startswith("max-age="), path
    api = client.post("/credentials/verify", json={"verifiableCredential": {}})
    assert api.headers["X-Content-Type-Options"] == "nosniff"


def test_no_hsts_on_a_plain_http_demo(tmp_path, monkeypatch):
    client = _app(tmp_path, monkeypatch, "http://127.0.0.1:8000").test_client()
    assert "Strict-Transport-Security" not in client.get("/verify").headers


def test_no_template_has_an_inline_script_or_handler():
    templates = Path(__file__).resolve().parent.parent / "web" / "templates"
    for page in templates.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>" not in text and "onclick=" not in text.lower(), page
        for tag in text.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], page
