"""The product skeleton: settings, database, `s4c init`/`serve`, home page and DID document."""
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pydid
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session
from waiting import wait_until

from issuer.audit import AuditEvent
from vc.did_web import did_web_from_url
from vc.key_store import KeyStoreError
from vc.multikey import Ed25519Multikey, private_key_to_multibase
from web.app import create_app
from web.cli import main
from web.wiring.datadir import open_issuer_keys, prepare_data_dir
from web.wiring.db import current_revisions, make_engine, upgrade
from web.wiring.models import SERVICE_METADATA
from web.wiring.settings import Settings

S4C_ENV = ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in S4C_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_environment(tmp_path / "data", environ={})


@pytest.fixture
def app(settings: Settings) -> Flask:
    prepare_data_dir(settings)
    return create_app(settings)


def _secret_multibase(settings: Settings, key_id: str = "key-1") -> str:
    return private_key_to_multibase(open_issuer_keys(settings).signing_key(key_id).private_key)


# --- settings and did:web ----------------------------------------------------------

@pytest.mark.parametrize(("url", "did"), [
    ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
    ("https://Certs.Example.org", "did:web:certs.example.org"),
    ("https://certs.example.org:443/", "did:web:certs.example.org"),
    ("https://example.org:8443/issuers/ecqa", "did:web:example.org%3A8443:issuers:ecqa"),
])
def test_did_web_is_derived_from_the_public_url(url: str, did: str):
    assert did_web_from_url(url) == did


@pytest.mark.parametrize("url", ["ftp://example.org", "https://[::1]:8000", "https://x.org/?a=1"])
def test_did_web_refuses_urls_it_cannot_name(url: str):
    with pytest.raises(ValueError):
        did_web_from_url(url)


def test_settings_defaults_come_from_data_dir_and_environment(tmp_path: Path):
    plain = Settings.from_environment(tmp_path, environ={})
    assert plain.database_url == f"sqlite:///{tmp_path}/s4c.db"
    assert plain.issuer_did == "did:web:127.0.0.1%3A8000"

    env = {"S4C_PUBLIC_URL": "https://certs.example.org/", "S4C_KEY_PASSPHRASE": "hunter2",
           "DATABASE_URL": "postgresql://s4c:pw-secret@db/s4c"}
    configured = Settings.from_environment(tmp_path, environ=env)
    assert configured.issuer_did == "did:web:certs.example.org"
    assert "pw-secret" not in configured.database_url_for_display
    assert "hunter2" not in repr(configured)


# --- database --------------------------------------------------------------------

def test_upgrade_creates_audit_events_and_a_second_upgrade_is_a_no_op(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        assert "audit_events" in inspect(engine).get_table_names()
        with Session(engine) as session, session.begin():
            session.add(AuditEvent(actor="test", action="kept", detail={"n": 1}))

        upgrade(url)

        from alembic.script import ScriptDirectory

        from web.wiring.db import alembic_config

        heads = ScriptDirectory.from_config(alembic_config()).get_heads()
        assert current_revisions(url) == tuple(sorted(heads))
        with Session(engine) as session:
            assert session.scalars(select(AuditEvent.action)).all() == ["kept"]
            assert session.scalars(select(AuditEvent.at)).one() is not None
    finally:
        engine.dispose()


def test_migrations_match_the_models(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), SERVICE_METADATA) == []
    finally:
        engine.dispose()


def test_sqlite_engine_enforces_foreign_keys_and_uses_wal(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()


# --- web app ---------------------------------------------------------------------

def test_home_page_names_the_issuer_did(app: Flask, settings: Settings):
    response = app.test_client().get("/")

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert settings.issuer_did in page
    assert "/.well-known/did.json" in page
    assert app.test_client().get("/static/s4c.css").status_code == 200


def test_did_document_key_verifies_what_the_issuer_key_signs(app: Flask, settings: Settings):
    response = app.test_client().get("/.well-known/did.json")

    assert response.status_code == 200
    assert response.mimetype == "application/did+json"
    document = pydid.DIDDocument.deserialize(response.get_json())
    assert str(document.id) == settings.issuer_did
    method = document.dereference(f"{settings.issuer_did}#key-1")
    assert method.type == "Multikey" and str(method.controller) == settings.issuer_did

    signature = open_issuer_keys(settings).signing_key("key-1").sign(b"a role credential")
    public = Ed25519Multikey.from_multibase(method.public_key_multibase)
    assert public.verify(signature, b"a role credential")


def test_did_document_keeps_retired_keys_and_authenticates_with_the_new_one(
    app: Flask, settings: Settings
):
    open_issuer_keys(settings).rotate()

    body = app.test_client().get("/.well-known/did.json").get_json()
    pydid.DIDDocument.deserialize(body)
    did = settings.issuer_did
    assert [m["id"] for m in body["verificationMethod"]] == [f"{did}#key-1", f"{did}#key-2"]
    assert body["assertionMethod"] == [f"{did}#key-1", f"{did}#key-2"]
    assert body["authentication"] == [f"{did}#key-2"]


def test_did_web_with_a_path_serves_did_json_at_the_path(tmp_path: Path):
    settings = Settings.from_environment(
        tmp_path, environ={"S4C_PUBLIC_URL": "https://example.org/issuers/ecqa"}
    )
    prepare_data_dir(settings)
    body = create_app(settings).test_client().get("/did.json").get_json()
    assert body["id"] == "did:web:example.org:issuers:ecqa"


def test_json_route_errors_are_problem_details(app: Flask):
    @app.get("/.well-known/boom")
    def boom():
        raise RuntimeError("internal secret detail")

    client = app.test_client()
    for method, path, status in [("GET", "/.well-known/nope", 404),
                                 ("POST", "/.well-known/did.json", 405),
                                 ("GET", "/.well-known/boom", 500)]:
        response = client.open(path, method=method)
        assert response.status_code == status
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert problem["status"] == status and problem["type"] == "about:blank"
        assert problem["title"] and problem["detail"]
        assert "internal secret detail" not in response.get_data(as_text=True)
    assert "GET" in client.post("/.well-known/did.json").headers["Allow"]


def test_html_clients_get_an_html_404_and_json_clients_a_problem(app: Flask):
    client = app.test_client()
    html = client.get("/nope", headers={"Accept": "text/html"})
    as_json = client.get("/nope", headers={"Accept": "application/json"})
    assert html.status_code == as_json.status_code == 404
    assert html.mimetype == "text/html"
    assert as_json.mimetype == "application/problem+json"


def test_no_response_contains_the_private_key(app: Flask, settings: Settings):
    secret = _secret_multibase(settings)
    passphrase = (settings.keys_dir / "passphrase").read_text().strip()
    client = app.test_client()
    for path in ("/", "/.well-known/did.json", "/.well-known/nope", "/nope"):
        body = client.get(path).get_data(as_text=True)
        assert secret not in body and passphrase not in body


def test_create_app_before_init_says_to_run_init(settings: Settings):
    with pytest.raises(KeyStoreError, match="s4c init"):
        create_app(settings)


# --- command line ----------------------------------------------------------------

@pytest.mark.parametrize("args", [["--help"], ["init", "--help"], ["serve", "--help"]])
def test_help_exits_0(args: list[str]):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_init_twice_is_idempotent_and_prints_no_secret(tmp_path: Path):
    data_dir = tmp_path / "data"
    runner = CliRunner()
    first = runner.invoke(main, ["--data-dir", str(data_dir), "init"])
    second = runner.invoke(main, ["--data-dir", str(data_dir), "init"])

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    settings = Settings.from_environment(data_dir, environ={})
    keys = open_issuer_keys(settings).all()
    assert [k.key_id for k in keys] == ["key-1"]
    assert "did:web:127.0.0.1%3A8000" in first.output and str(data_dir) in first.output
    secret = _secret_multibase(settings)
    passphrase = (settings.keys_dir / "passphrase").read_text().strip()
    for output in (first.output, second.output):
        assert secret not in output and passphrase not in output
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            actions = session.scalars(select(AuditEvent.action)).all()
        assert actions == ["issuer.key.created"]
    finally:
        engine.dispose()


def test_init_reads_data_dir_and_passphrase_from_the_environment(tmp_path: Path):
    env = {"S4C_DATA_DIR": str(tmp_path / "env-data"), "S4C_KEY_PASSPHRASE": "from-the-env"}
    result = CliRunner().invoke(main, ["init"], env=env)

    assert result.exit_code == 0, result.output
    assert "from-the-env" not in result.output
    assert not (tmp_path / "env-data" / "keys" / "passphrase").exists()
    settings = Settings.from_environment(environ=env)
    assert open_issuer_keys(settings).signing_key("key-1").private_key is not None


def test_two_data_dirs_have_their_own_did_and_keys(tmp_path: Path):
    runner = CliRunner()
    dirs = {8001: tmp_path / "one", 8002: tmp_path / "two"}
    for port, data_dir in dirs.items():
        env = {"S4C_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        assert runner.invoke(main, ["--data-dir", str(data_dir), "init"], env=env).exit_code == 0

    documents = []
    for port, data_dir in dirs.items():
        env = {"S4C_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        app = create_app(Settings.from_environment(data_dir, environ=env))
        documents.append(app.test_client().get("/.well-known/did.json").get_json())
    one, two = documents
    assert one["id"] == "did:web:127.0.0.1%3A8001" and two["id"] == "did:web:127.0.0.1%3A8002"
    keys_one = {m["publicKeyMultibase"] for m in one["verificationMethod"]}
    keys_two = {m["publicKeyMultibase"] for m in two["verificationMethod"]}
    assert keys_one and keys_two and not keys_one & keys_two


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_really_serves_over_http(tmp_path: Path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in S4C_ENV}
    command = [sys.executable, "-c", "from web.cli import main; main(prog_name='s4c')",
               "--data-dir", str(tmp_path / "data"),
               "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/", server, timeout=60)
        assert f"did:web:127.0.0.1%3A{port}" in page  # --port names the public URL
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    settings = Settings.from_environment(tmp_path / "data", environ={})
    assert "Listening at: http://127.0.0.1:" in output
    assert _secret_multibase(settings) not in output


def _get_when_up(url: str, server: subprocess.Popen, timeout: float) -> str:
    def page() -> str | None:
        if server.poll() is not None:
            pytest.fail(f"s4c serve exited early:\n{server.communicate()[0]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8") if response.status == 200 else None
        except OSError:  # not listening yet, or a worker still starting (a read timeout)
            return None
    return wait_until(page, f"s4c serve answering {url}", timeout)
