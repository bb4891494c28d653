"""The officer's "add to my Aries wallet" page and the employer presentation endpoints, with
the real agents: the QR code on the page connects a wallet, the offer reaches it, and a
presentation it answers is verified by our verifier against our request's challenge."""
import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from test_aries_support import PUBLIC_URL, AriesWorld, aries_world

from issuer.aries.agent import wait_for
from issuer.officers import add_officer
from vc.qr import read_qr_codes
from web.app import create_app
from web.cli import main
from web.wiring.services import replace_services
from web.wiring.settings import Settings

PASSWORD = "a long officer password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
QR = re.compile(r'src="data:image/png;base64,([^"]+)"')


@pytest.fixture(scope="module")
def world(request, tmp_path_factory) -> AriesWorld:
    return aries_world(request, tmp_path_factory)


@pytest.fixture
def client(world: AriesWorld, monkeypatch):
    monkeypatch.setenv("S4C_AGENT_URL", world.issuer.admin_url)
    monkeypatch.setenv("S4C_AGENT_API_KEY", world.issuer._api_key)
    settings = Settings.from_environment(world.root / "data", environ={
        "S4C_PUBLIC_URL": PUBLIC_URL, "S4C_KEY_PASSPHRASE": "aries test passphrase"})
    app = create_app(settings)
    app.config["TESTING"] = True
    replace_services(app, aries_verifier=world.verifier())  # no network: registry and lists local
    add_officer(world.service.sessions, "otto", PASSWORD, "test")
    client = app.test_client()
    token = CSRF.search(client.get("/issuer/login").get_data(as_text=True)).group(1)
    assert client.post("/issuer/login", data={"username": "otto", "password": PASSWORD,
                                              "csrf_token": token}).status_code == 302
    return client


def _csrf(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def test_the_wallet_page_connects_offers_and_the_presentation_verifies(world, client):
    docs = world.certify("Dora Test", "dora@example.org", world.holder_did, role="SCPD")
    role = next(d for d in docs if "S4CRoleCredential" in d["type"])
    page = f"/credentials/{role['id']}/aries"
    shown = client.post(page, data={"csrf_token": _csrf(client, page)})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Add to my Aries wallet" in html
    png = base64.b64decode(QR.search(html).group(1))
    url = read_qr_codes(png)[0]
    oob = parse_qs(urlsplit(url).query)["oob"][0]
    invitation = json.loads(base64.urlsafe_b64decode(oob + "=" * (-len(oob) % 4)))
    world.holder.receive_invitation(invitation)
    invitation_id = re.search(r'name="invitation_msg_id" value="([^"]+)"', html).group(1)
    assert invitation_id == invitation["@id"]
    form = {"credential_id": role["id"], "invitation_msg_id": invitation_id,
            "csrf_token": _csrf(client, page)}
    offered = wait_for(lambda: (r := client.post("/aries/offers", data=form)).status_code
                       == 200 and r.get_json(), "the offer")
    assert offered["offers"][-1]["credential"] == role["id"]
    assert len(offered["offers"]) == 1 + len(role["relatedResource"])  # the units too
    wait_for(lambda: [r for r in world.holder.stored_credentials()
                      if r["given_id"] == role["id"]], "the wallet's record")
    asked = client.post(f"/aries/connections/{offered['connection_id']}/presentation-requests",
                        data={"csrf_token": _csrf(client, page)})
    assert asked.status_code == 201
    exchange = asked.get_json()["presentation_exchange"]
    result = wait_for(lambda: (r := client.get(f"/aries/presentations/{exchange}")).status_code
                      == 200 and r.get_json(), "the verified presentation")
    checks = {c["id"]: c["outcome"] for c in result["verification"]["checks"]}
    assert checks["challenge"] == checks["domain"] == checks["holder"] == "passed", \
        [c["reason"] for c in result["verification"]["checks"] if c["outcome"] != "passed"]
    verdicts = [c["verdict"] for c in result["verification"]["credentials"]]
    assert "valid" in verdicts, verdicts  # other roles this wallet holds may be revoked


def test_agent_status_reports_the_agent_and_the_issuer_key(world, monkeypatch):
    monkeypatch.setenv("S4C_AGENT_URL", world.issuer.admin_url)
    monkeypatch.setenv("S4C_AGENT_API_KEY", world.issuer._api_key)
    monkeypatch.setenv("S4C_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setenv("S4C_KEY_PASSPHRASE", "aries test passphrase")
    result = CliRunner().invoke(main, ["--data-dir", str(world.root / "data"), "agent",
                                       "status"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["ready"] is True and status["version"] == "1.7.0"
    assert status["pinned_contexts"] is True and status["issuer_key_in_agent"] is True
    monkeypatch.setenv("S4C_AGENT_URL", "http://127.0.0.1:9")  # nothing listens there
    down = CliRunner().invoke(main, ["--data-dir", str(world.root / "data"), "agent",
                                     "status"])
    assert down.exit_code == 1 and "did not answer" in down.output
