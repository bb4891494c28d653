"""Login throttling counts per client address: behind a trusted reverse proxy
(S4C_TRUSTED_PROXIES) that is the forwarded address, so one attacker cannot lock everyone out."""
import re

from issuer.officers import add_officer
from web.app import create_app
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

PASSWORD = "a long officer password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(tmp_path, monkeypatch):
    """Throttling by address must not lock everyone out behind one reverse proxy."""
    for name in ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "DATABASE_URL", "S4C_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(tmp_path / "data", environ={
        "S4C_KEY_PASSPHRASE": "proxy test passphrase", "S4C_TRUSTED_PROXIES": "1"})
    prepare_data_dir(settings)
    proxied = create_app(settings)
    add_officer(proxied.extensions["s4c"].issuer.sessions, "olga", PASSWORD, "test")
    attacker, colleague = proxied.test_client(), proxied.test_client()
    token = _csrf(attacker, "/issuer/login")
    for i in range(21):
        attacker.post("/issuer/login", data={"username": f"u{i}", "password": "wrong pass 1",
                                             "csrf_token": token},
                      headers={"X-Forwarded-For": "203.0.113.9"})
    token = _csrf(colleague, "/issuer/login")
    ok = colleague.post("/issuer/login", data={"username": "olga", "password": PASSWORD,
                                               "csrf_token": token},
                        headers={"X-Forwarded-For": "198.51.100.4"})
    assert ok.status_code == 302


def test_old_throttle_records_are_forgotten(tmp_path):
    from datetime import UTC, datetime, timedelta

    from issuer import login_throttle
    from issuer.models import LoginThrottle
    from web.cli.context import issuer_service

    service = issuer_service(Settings.from_environment(tmp_path / "data", environ={
        "S4C_KEY_PASSPHRASE": "throttle test passphrase"}))
    long_ago = datetime.now(UTC) - timedelta(days=2)
    login_throttle.record_failure(service.sessions, "ghost", "192.0.2.7", now=long_ago)
    login_throttle.record_failure(service.sessions, "olga", "192.0.2.8")
    with service.sessions() as s:
        keys = {row.key for row in s.query(LoginThrottle)}
    assert keys == {"account:olga", "address:192.0.2.8"}
