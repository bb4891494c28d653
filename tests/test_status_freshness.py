"""A status list is cached no longer than its
publisher says (Cache-Control max-age, or the list's own `ttl`), and this server's own
verifier sees a revocation made on this server at once (its own documents are answered in
process, never over HTTP to itself)."""
import json
from pathlib import Path

import pytest

from issuer.demo import seed_demo
from vc.fetch import CachingFetcher, FetchResult, cache_max_age
from verifier.verdict import Verdict
from web.app import create_app
from web.wiring.datadir import prepare_data_dir
from web.wiring.registry_setup import seed_demo_registry
from web.wiring.settings import Settings
from web.wiring.verifiers import verifier_for_app


@pytest.mark.parametrize(("header", "seconds"), [
    ("public, max-age=60", 60.0), ("max-age=0", 0.0), ("no-cache", 0.0), ("no-store", 0.0),
    ("public", None), (None, None), ("max-age=abc", 0.0), ("max-age=60, s-maxage=5", 5.0)])
def test_cache_control_gives_the_time_a_cache_may_keep_it(header, seconds):
    assert cache_max_age(header) == seconds


class CountingFetcher:
    def __init__(self, max_age: float | None) -> None:
        self.calls = 0
        self.max_age = max_age

    def fetch(self, url, accept="application/json", etag=None):
        self.calls += 1
        return FetchResult(url, 200, b"{}", "application/json", None, max_age=self.max_age)


def test_the_cache_keeps_an_entry_no_longer_than_max_age():
    clock = [0.0]
    inner = CountingFetcher(max_age=60)
    cache = CachingFetcher(inner, ttl_seconds=300, clock=lambda: clock[0])
    cache.fetch("https://a.example/list")
    clock[0] = 59
    cache.fetch("https://a.example/list")
    assert inner.calls == 1
    clock[0] = 61  # past the publisher's 60 s, well before our own 300 s
    cache.fetch("https://a.example/list")
    assert inner.calls == 2


def test_a_caller_s_max_age_bounds_the_cache_too():
    clock = [0.0]
    inner = CountingFetcher(max_age=None)
    cache = CachingFetcher(inner, ttl_seconds=300, clock=lambda: clock[0])
    cache.fetch("https://a.example/list", max_age=10)
    clock[0] = 11
    cache.fetch("https://a.example/list", max_age=10)
    assert inner.calls == 2


@pytest.fixture
def demo_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for name in ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "DATABASE_URL", "S4C_KEY_PASSPHRASE",
                 "S4C_ALLOW_LOOPBACK_FETCH"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(tmp_path / "data", environ={
        "S4C_PUBLIC_URL": "https://certify.example.eu",
        "S4C_KEY_PASSPHRASE": "demo test passphrase"})
    prepare_data_dir(settings)
    app = create_app(settings)
    credentials = seed_demo(app.extensions["s4c"].issuer).credentials
    seed_demo_registry(settings)
    return app, credentials


def test_a_revocation_on_this_server_is_seen_at_once_by_its_own_verifier(demo_app):
    """No network at all: https://certify.example.eu is this server, answered in process."""
    app, credentials = demo_app
    name = next(k for k in credentials if k.startswith("role-"))
    credential = credentials[name]
    client = app.test_client()

    def verdict() -> str:
        response = client.post("/credentials/verify", data=json.dumps(
            {"verifiableCredential": credential}), content_type="application/json")
        return response.get_json()["verdict"]

    assert verdict() == "valid"
    app.extensions["s4c"].issuer.revoke(credential["id"], reason="test", actor="test")
    assert verdict() == "not-valid-now"  # at once: not after max-age or a cache TTL
    with app.app_context():
        report = verifier_for_app(app).verify_credential(credential)
    assert report.verdict is Verdict.NOT_VALID_NOW
    assert report.summary["status"] == "revoked"


def test_another_worker_sees_the_revocation_within_a_second(demo_app, monkeypatch):
    """Two apps on one database, as two gunicorn workers: the one that did not revoke
    re-reads its lists' versions at least every second."""
    import time

    from web.plumbing import own_origin

    app, credentials = demo_app
    other = create_app(app.extensions["s4c"].settings)
    name = next(k for k in credentials if k.startswith("competency-"))
    credential = credentials[name]

    def verdict(on) -> str:
        return on.test_client().post("/credentials/verify", data=json.dumps(
            {"verifiableCredential": credential}), content_type="application/json"
        ).get_json()["verdict"]

    assert verdict(other) == "valid"
    app.extensions["s4c"].issuer.revoke(credential["id"], reason="test", actor="test")
    assert verdict(app) == "not-valid-now"  # the worker that revoked: at once
    class _ASecondLater:  # the clock the versions are kept by, moved on (no sleep)
        @staticmethod
        def monotonic() -> float:
            return time.monotonic() + own_origin.VERSIONS_FOR_SECONDS + 0.1
    monkeypatch.setattr(own_origin, "time", _ASecondLater)
    assert verdict(other) == "not-valid-now"  # any other worker: within a second
