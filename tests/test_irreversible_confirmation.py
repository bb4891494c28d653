"""Actions that cannot be undone need a confirmation the server checks:
a form posted without the ticked box -- a stray click, a page without JavaScript, a
hand-made request -- retires no trust anchor, revokes no accreditation, withdraws no
recognition decision and no share link; it says why, and a ticked form does the change."""
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import test_registry_console as console
from flask import Flask
from test_registry_console import BODY, accredit, actions, services, sign_in

from issuer.demo import seed_demo
from issuer.holder_sign_in import find_holder, make_link
from issuer.shares import shares_of
from registry.vocab import role_id
from web.app import create_app
from web.cli.context import issuer_service
from web.wiring.datadir import prepare_data_dir
from web.wiring.services import EXTENSION_KEY
from web.wiring.settings import Settings

app = console.app  # the fixture: a registry with an operator and two anchors, each signed in
REFUSED = "Nothing changed: this cannot be undone"
HOLDER = "maria-ivanova@example.org"


def test_retiring_an_anchor_without_the_confirmation_changes_nothing(app: Flask):
    operator, token = sign_in(app, "operator")
    before = actions(app)
    page = operator.post("/registry/admin/trust-anchors/retire",
                         data={"csrf_token": token, "slug": "bg-navet"}, follow_redirects=True)
    assert REFUSED in page.text
    assert "bg-navet" in services(app).registry.anchor_slugs().values()
    assert actions(app) == before
    anchor, _ = sign_in(app, "bg-navet")  # still signed in, still acting
    assert anchor.get("/registry/admin/bodies").status_code == 200
    page = operator.post("/registry/admin/trust-anchors/retire", data={
        "csrf_token": token, "slug": "bg-navet", "confirm": "1"}, follow_redirects=True)
    assert REFUSED not in page.text and "registry.anchor.removed" in actions(app)


def test_revoking_an_accreditation_without_the_confirmation_changes_nothing(app: Flask):
    client, token = sign_in(app, "bg-navet")
    accredit(client, token)
    accreditation = services(app).registry.snapshot().issuer(BODY).accreditations[0].id
    before = actions(app)
    for unticked in ({}, {"confirm": "0"}, {"confirm": "on"}):
        page = client.post("/registry/admin/bodies/revoke", data={
            "csrf_token": token, "id": accreditation} | unticked, follow_redirects=True)
        assert REFUSED in page.text
    assert not services(app).registry.snapshot().issuer(BODY).accreditations[0].revoked
    assert actions(app) == before
    client.post("/registry/admin/bodies/revoke",
                data={"csrf_token": token, "id": accreditation, "confirm": "1"})
    assert services(app).registry.snapshot().issuer(BODY) is None \
        or services(app).registry.snapshot().issuer(BODY).accreditations[0].revoked


def test_withdrawing_a_recognition_without_the_confirmation_changes_nothing(app: Flask):
    client, token = sign_in(app, "bg-navet")
    client.post("/registry/admin/recognition/SCPM", data={
        "csrf_token": token, "nqfLevel": "НКР 6", "eqfLevel": "6", "legalBasis": "Закон",
        "equivalence-bg": "Съответства на ниво 6"})
    current = services(app).registry.snapshot().recognitions_for(role_id("SCPM"), "BG")
    assert len(current) == 1
    decision = re.search(r'name="id" value="([^"]+)"',
                         client.get("/registry/admin/recognition").text).group(1)
    before = actions(app)
    page = client.post("/registry/admin/recognition/withdraw?lang=de",
                       data={"csrf_token": token, "id": decision}, follow_redirects=True)
    assert "Nichts wurde geändert" in page.text  # in the page's language
    assert services(app).registry.snapshot().recognitions_for(role_id("SCPM"), "BG") == current
    assert actions(app) == before
    client.post("/registry/admin/recognition/withdraw",
                data={"csrf_token": token, "id": decision, "confirm": "1"})
    assert services(app).registry.snapshot().recognitions_for(role_id("SCPM"), "BG") == []


def test_each_confirmation_names_what_it_does_and_that_it_cannot_be_undone(app: Flask):
    client, token = sign_in(app, "bg-navet")
    accredit(client, token, **{"name-en": "Sofia Academy"})
    page = client.get("/registry/admin/bodies?lang=en").text
    assert "Revoke the accreditation of Sofia Academy? " in page
    assert 'name="confirm" value="1" required' in page
    operator, _ = sign_in(app, "operator")
    page = operator.get("/registry/admin/trust-anchors?lang=el").text
    assert "Απόσυρση της άγκυρας εμπιστοσύνης bg-navet (bg-navet);" in page
    assert "Αυτό δεν μπορεί να αναιρεθεί." in page


@pytest.fixture
def holder_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    for name in ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(tmp_path / "data", environ={})
    prepare_data_dir(settings)
    seed_demo(issuer_service(settings))
    return create_app(settings)


def test_withdrawing_a_share_link_without_the_confirmation_changes_nothing(holder_app: Flask):
    sessions = holder_app.extensions[EXTENSION_KEY].issuer.sessions
    with sessions.begin() as s:
        holder = find_holder(s, HOLDER)
        assert holder is not None
        link = make_link(s, holder, "test", datetime.now(UTC))
    client = holder_app.test_client()
    assert client.get(f"/holder/sign-in/{link}").status_code == 302
    home = client.get("/holder/").text
    credential_id = re.search(r'href="/holder/credentials/([^"]+)"', home).group(1)
    page = client.get(f"/holder/credentials/{credential_id}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/holder/shares", data={"csrf_token": token, "credential": credential_id,
                                        "days": "30"})
    shares = shares_of(sessions, credential_id)
    assert [s.state for s in shares] == ["active"]
    page = client.post("/holder/shares/withdraw", data={
        "csrf_token": token, "credential": credential_id, "link": shares[0].id},
        follow_redirects=True).text
    assert "Nichts wurde geändert" in page or REFUSED in page
    assert [s.state for s in shares_of(sessions, credential_id)] == ["active"]
    assert 'Withdraw the link created on' in page or "Den am" in page  # the confirmation
    client.post("/holder/shares/withdraw", data={
        "csrf_token": token, "credential": credential_id, "link": shares[0].id,
        "confirm": "1"})
    assert [s.state for s in shares_of(sessions, credential_id)] == ["withdrawn"]
    assert client.post("/holder/shares/withdraw", data={
        "csrf_token": token, "credential": credential_id, "link": "0" * 32,
        "confirm": "1"}).status_code == 404
