"""One app, one engine: `create_app` builds every service once (`web.wiring.build`), and no view
makes a store, an engine or a key of its own later. On PostgreSQL, a worker's connections
stay within one pool (S4C_DB_POOL_SIZE + S4C_DB_MAX_OVERFLOW) whatever pages it serves."""
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import NullPool, create_engine, text
from sqlalchemy.engine import make_url

import web.wiring.db
from issuer.demo import seed_demo
from tools import throwaway
from web.app import create_app
from web.wiring.datadir import issuer_service_for, prepare_data_dir
from web.wiring.registry_setup import seed_demo_registry
from web.wiring.settings import Settings

PUBLIC_URL = "https://certify.example.eu"
POOL_SIZE, MAX_OVERFLOW = 1, 1


def _settings(data_dir: Path, database_url: str | None = None) -> Settings:
    environ = {"S4C_PUBLIC_URL": PUBLIC_URL, "S4C_KEY_PASSPHRASE": "wiring test passphrase",
               "S4C_DB_POOL_SIZE": str(POOL_SIZE), "S4C_DB_MAX_OVERFLOW": str(MAX_OVERFLOW)}
    if database_url:
        environ["DATABASE_URL"] = database_url
    settings = Settings.from_environment(data_dir, environ=environ)
    prepare_data_dir(settings)
    service = issuer_service_for(settings)
    try:
        seed_demo(service)
    finally:
        service.engine.dispose()
    seed_demo_registry(settings)
    return settings


def _credential(app: Flask) -> dict:
    issuer = app.extensions["s4c"].issuer
    found = next(c for c in issuer.credentials(limit=50) if not c.revoked)
    return found.document


def _realistic_mix(app: Flask) -> None:
    """The pages and APIs a worker serves in its first minutes."""
    client = app.test_client()
    credential = _credential(app)
    assert client.get("/verify").status_code == 200
    page = client.post("/verify", data={"text": json.dumps(credential)})
    assert page.status_code in (200, 303), page.status_code  # kept, then shown
    answer = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert answer.status_code in (200, 400), answer.get_data(as_text=True)
    assert client.post("/presentations/challenges", json={}).status_code in (200, 201)
    status = credential["credentialStatus"]
    entries = status if isinstance(status, list) else [status]
    listed = entries[0]["statusListCredential"]
    assert client.get(listed.removeprefix(PUBLIC_URL)).status_code == 200
    assert client.get("/.well-known/openid-credential-issuer").status_code == 200
    token = client.post("/oid4vci/token", data={
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": "not-a-real-code"})
    assert token.status_code in (400, 401), token.status_code
    asked = client.post("/verify/wallet", data={"response_mode": "direct_post"})
    assert asked.status_code == 303
    assert client.get(asked.headers["Location"]).status_code == 200
    assert client.get("/registry/anchors").status_code == 200
    assert client.get("/registry/trust-list").status_code == 200
    assert client.get("/verifier/did.json").status_code == 200


@pytest.fixture
def engines_made(monkeypatch) -> Iterator[list]:
    """Every engine `web.wiring.db.make_engine` creates from now on."""
    made: list = []
    real = web.wiring.db.create_engine

    def counting(url, *args, **kwargs):
        engine = real(url, *args, **kwargs)
        made.append(engine)
        return engine
    monkeypatch.setattr(web.wiring.db, "create_engine", counting)
    yield made
    for engine in made:
        engine.dispose()


def test_one_engine_per_app_and_nothing_added_after_create_app(tmp_path, engines_made):
    settings = _settings(tmp_path)
    engines_made.clear()  # the seeding's own engines are gone
    app = create_app(settings)
    built = set(app.extensions)
    _realistic_mix(app)
    assert set(app.extensions) == built, "made lazily by a view: " \
        f"{sorted(set(app.extensions) - built)}"
    urls = {engine.url.render_as_string() for engine in engines_made}
    assert len(engines_made) == len(urls) == 1, \
        f"{len(engines_made)} engines for {len(urls)} database(s)"
    assert app.extensions["s4c"].engine is engines_made[0]


def test_the_pool_size_comes_from_settings(tmp_path):
    settings = Settings.from_environment(tmp_path, environ={
        "S4C_DB_POOL_SIZE": "7", "S4C_DB_MAX_OVERFLOW": "0"})
    assert (settings.db_pool_size, settings.db_max_overflow) == (7, 0)
    defaults = Settings.from_environment(tmp_path, environ={})
    assert (defaults.db_pool_size, defaults.db_max_overflow) == (5, 10)
    for bad in ({"S4C_DB_POOL_SIZE": "0"}, {"S4C_DB_POOL_SIZE": "many"},
                {"S4C_DB_MAX_OVERFLOW": "-1"}, {"S4C_DB_MAX_OVERFLOW": "100000"}):
        with pytest.raises(ValueError, match="S4C_DB_"):
            Settings.from_environment(tmp_path, environ=bad)


@pytest.fixture(scope="module")
def database_url():
    if not throwaway.postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (make test installs it)")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    with throwaway.postgres() as url:
        yield url


def test_a_worker_holds_at_most_one_pool_of_postgresql_connections(tmp_path, database_url):
    settings = _settings(tmp_path, database_url)
    app = create_app(settings)
    watcher = create_engine(database_url, poolclass=NullPool)
    database = make_url(database_url).database
    try:
        _realistic_mix(app)
        with watcher.connect() as connection:
            opened = connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                "AND pid <> pg_backend_pid()"), {"db": database}).scalar_one()
        assert 1 <= opened <= POOL_SIZE + MAX_OVERFLOW, \
            f"one app holds {opened} connections; its one pool allows " \
            f"{POOL_SIZE + MAX_OVERFLOW}"
        pool = app.extensions["s4c"].engine.pool
        assert (pool.size(), pool._max_overflow) == (POOL_SIZE, MAX_OVERFLOW)  # type: ignore[attr-defined]
    finally:
        watcher.dispose()
        for engine in _engines_of(app):
            engine.dispose()


def _engines_of(app: Flask) -> list:
    services = app.extensions["s4c"]
    return [services.engine] if hasattr(services, "engine") else \
        [services.issuer.engine, app.extensions["s4c.registry"].engine]


def test_a_forked_worker_does_not_reuse_its_parents_pooled_connections(tmp_path):
    """A server that builds the app before forking its workers (`--preload`): each child
    starts with an empty pool, so two processes never talk over one connection."""
    app = create_app(_settings(tmp_path))
    engine = app.extensions["s4c"].engine
    try:
        _realistic_mix(app)
        assert engine.pool.checkedin() >= 1
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports through the pipe
            os.write(write, str(engine.pool.checkedin()).encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as answer:
            in_child = answer.read()
        os.waitpid(child, 0)
        assert in_child == "0"
        assert engine.pool.checkedin() >= 1  # the parent's connections stay open
    finally:
        engine.dispose()
