"""The registry's admin console over HTTP (Flask test client) and the registry CLI: each
authority signs in with its own password and acts only for itself; forms carry CSRF tokens;
sign-ins are throttled; every form and API request reports all its problems at once; every
change leaves an audit row; a mistyped anchor on the command line creates nothing."""
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from registry.vocab import role_id
from web.app import create_app
from web.cli import main
from web.wiring.datadir import prepare_data_dir
from web.wiring.registry_setup import RegistryServices
from web.wiring.services import registry_of
from web.wiring.settings import Settings

S4C_ENV = ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL")
BODY = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
PASSWORDS = {"operator": "operator-password-1", "bg-navet": "navet-password-12",
             "ro-anc": "anc-password-123"}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in S4C_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    settings = Settings.from_environment(tmp_path / "data", environ={})
    prepare_data_dir(settings)
    application = create_app(settings)
    services: RegistryServices = registry_of(application)
    operator = services.operator()
    for slug, country in (("bg-navet", "BG"), ("ro-anc", "RO")):
        services.registry.add_anchor(operator, services.keys.authority(slug).did, slug=slug,
                                     country=country, names={"en": slug})
    for slug, password in PASSWORDS.items():
        services.access.set_password(slug, password)
    yield application
    services.close()


def services(app: Flask) -> RegistryServices:
    return registry_of(app)


def csrf(client: FlaskClient, url: str = "/registry/admin/login") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
    assert found, url
    return found.group(1)


def sign_in(app: Flask, slug: str, password: str | None = None) -> tuple[FlaskClient, str]:
    client = app.test_client()
    response = client.post("/registry/admin/login", data={
        "csrf_token": csrf(client), "username": slug,
        "password": password or PASSWORDS[slug]})
    assert response.status_code == 302, response.text
    return client, csrf(client, "/registry/admin/audit")


def field_errors(html: str) -> list[str]:
    return re.findall(r'<span class="field-error" id="e-([^"]+)"', html)


def accredit(client: FlaskClient, token: str, **fields: object) -> object:
    data = {"csrf_token": token, "issuer": BODY, "name-en": "Academy", "maxEqfLevel": "6",
            "achievements": [role_id("SCPM")]} | fields
    return client.post("/registry/admin/bodies", data=data)


def actions(app: Flask) -> list[str]:
    return [e["action"] for e in services(app).registry.audit_events(500)]


def test_an_anchor_signs_in_accredits_changes_and_revokes_with_an_audit_row_each(app: Flask):
    client, token = sign_in(app, "bg-navet")
    assert accredit(client, token).status_code == 302
    issuer = services(app).registry.snapshot().issuer(BODY)
    assert issuer is not None and issuer.accreditations[0].max_eqf_level == 6
    first = issuer.accreditations[0].id

    changed = accredit(client, token, replaces=first, maxEqfLevel="7")
    assert changed.status_code == 302
    accreditations = services(app).registry.snapshot().issuer(BODY).accreditations
    assert {(a.id == first, a.revoked, a.max_eqf_level) for a in accreditations} == {
        (True, True, 6), (False, False, 7)}
    new = next(a.id for a in accreditations if not a.revoked)
    assert client.post("/registry/admin/bodies/revoke",
                       data={"csrf_token": token, "id": new, "confirm": "1"}).status_code == 302
    assert all(a.revoked for a in services(app).registry.snapshot().issuer(BODY).accreditations)

    decided = client.post("/registry/admin/recognition/SCPM", data={
        "csrf_token": token, "nqfLevel": "НКР 6", "eqfLevel": "6", "legalBasis": "Закон",
        "equivalence-bg": "Съответства на ниво 6"})
    assert decided.status_code == 302
    # the form names the decision it replaces, as the officer saw it
    seen = re.search(r'name="replaces" value="([^"]+)"',
                     client.get("/registry/admin/recognition/SCPM").text).group(1)
    updated = client.post("/registry/admin/recognition/SCPM", data={
        "csrf_token": token, "nqfLevel": "НКР 7", "eqfLevel": "7", "legalBasis": "Закон",
        "equivalence-en": "Level 7", "replaces": seen})
    assert updated.status_code == 302
    current = services(app).registry.snapshot().recognitions_for(role_id("SCPM"), "BG")
    assert [r.nqf_level for r in current] == ["НКР 7"]  # the update replaced the decision
    audit = client.get("/registry/admin/audit").text
    for action in ("registry.accreditation.issued", "registry.accreditation.changed",
                   "registry.accreditation.revoked", "registry.recognition.issued",
                   "registry.recognition.updated", "registry.console.signed-in"):
        assert f'data-action="{action}"' in audit
    assert 'data-action="registry.anchor.added"' not in audit  # the operator's, not its own


def test_an_anchor_cannot_touch_another_anchors_records_or_the_operators_pages(app: Flask):
    bg, bg_token = sign_in(app, "bg-navet")
    accredit(bg, bg_token)
    theirs = services(app).registry.snapshot().issuer(BODY).accreditations[0].id
    ro, ro_token = sign_in(app, "ro-anc")
    assert ro.get(f"/registry/admin/bodies/change?id={theirs}").status_code == 404
    assert accredit(ro, ro_token, replaces=theirs).status_code == 404
    refused = ro.post("/registry/admin/bodies/revoke", data={"csrf_token": ro_token, "id": theirs,
                                                            "confirm": "1"}, follow_redirects=True)
    assert "The registry refused the change" in refused.text
    assert not services(app).registry.snapshot().issuer(BODY).accreditations[0].revoked
    for url in ("/registry/admin/trust-anchors",):
        assert ro.get(url).status_code == 403
    assert ro.post("/registry/admin/trust-anchors/retire",
                   data={"csrf_token": ro_token, "slug": "bg-navet"}).status_code == 403
    assert ro.post("/registry/admin/trust-list", data={"csrf_token": ro_token}).status_code == 403
    operator, _op_token = sign_in(app, "operator")
    assert operator.get("/registry/admin/bodies").status_code == 403
    assert "bg-navet" in services(app).registry.anchor_slugs().values()


def test_forms_without_the_sessions_csrf_token_change_nothing(app: Flask):
    client, _token = sign_in(app, "bg-navet")
    other, _ = sign_in(app, "ro-anc")
    before = len(actions(app))
    assert accredit(client, "forged").status_code == 400
    assert accredit(client, csrf(other, "/registry/admin/audit")).status_code == 400
    assert len(actions(app)) == before
    assert app.test_client().post("/registry/admin/login", data={
        "username": "operator", "password": PASSWORDS["operator"]}).status_code == 400


def test_signing_in_starts_a_new_session_and_signing_out_ends_it(app: Flask):
    client = app.test_client()
    token = csrf(client)
    client.post("/registry/admin/login", data={"csrf_token": token, "username": "bg-navet",
                                               "password": PASSWORDS["bg-navet"]})
    with client.session_transaction() as cookie:
        first = cookie["registry_sid"]
    assert csrf(client, "/registry/admin/audit") != token  # a new CSRF token too
    client.post("/registry/admin/login", data={"csrf_token": csrf(client), "username": "ro-anc",
                                               "password": PASSWORDS["ro-anc"]})
    with client.session_transaction() as cookie:
        second = cookie["registry_sid"]
    assert second != first and services(app).access.slug_for_session(first) is None
    client.post("/registry/admin/logout", data={"csrf_token": csrf(client, "/registry/admin/audit")})
    assert services(app).access.slug_for_session(second) is None
    assert client.get("/registry/admin/bodies").status_code == 302


def test_sign_in_is_throttled_after_five_failures_even_for_the_right_password(app: Flask):
    client = app.test_client()
    for _ in range(5):
        wrong = client.post("/registry/admin/login", data={
            "csrf_token": csrf(client), "username": "bg-navet", "password": "wrong-password!"})
        assert wrong.status_code == 401
    locked = client.post("/registry/admin/login", data={
        "csrf_token": csrf(client), "username": "bg-navet", "password": PASSWORDS["bg-navet"]})
    assert locked.status_code == 429 and "registry_sid" not in str(locked.headers)
    unknown = client.post("/registry/admin/login", data={
        "csrf_token": csrf(client), "username": "nobody", "password": "whatever-it-is"})
    assert unknown.status_code == 401


def test_a_retired_anchor_is_signed_out_and_its_records_stop_counting(app: Flask):
    anchor, token = sign_in(app, "bg-navet")
    accredit(anchor, token)
    operator, op_token = sign_in(app, "operator")
    page = operator.post("/registry/admin/trust-anchors/retire",
                         data={"csrf_token": op_token, "slug": "bg-navet", "confirm": "1"},
                         follow_redirects=True)
    assert "retired" in page.text
    assert anchor.get("/registry/admin/bodies").status_code == 302
    assert services(app).registry.snapshot().issuer(BODY) is None
    assert "registry.anchor.removed" in actions(app)


def test_the_operator_registers_an_anchor_with_a_password_and_publishes_the_trust_list(app):
    operator, token = sign_in(app, "operator")
    page = operator.post("/registry/admin/trust-anchors", data={
        "csrf_token": token, "slug": "de-bibb", "country": "de", "name-de": "BIBB",
        "password": "bibb-password-12"})
    assert page.status_code == 201
    assert re.search(r'id="new-token">de-bibb\.[\w-]{32,}<', page.text)
    sequence = services(app).trust_list()["credentialSubject"]["sequence"]
    operator.post("/registry/admin/trust-list", data={"csrf_token": token})
    assert services(app).trust_list()["credentialSubject"]["sequence"] > sequence
    assert {"registry.anchor.added", "registry.console.password-set",
            "registry.trust-list.published"} <= set(actions(app))
    anchor, _ = sign_in(app, "de-bibb", "bibb-password-12")
    assert anchor.get("/registry/admin/bodies").status_code == 200


def test_a_console_form_reports_every_problem_at_once_and_keeps_what_was_typed(app: Flask):
    operator, token = sign_in(app, "operator")
    page = operator.post("/registry/admin/trust-anchors", data={
        "csrf_token": token, "slug": "Not A Slug", "country": "Bulgaria",
        "validFrom": "2026-01-01", "validUntil": "2025-01-01", "password": "short"})
    assert page.status_code == 422
    assert set(field_errors(page.text)) == {"slug", "country", "name", "validUntil",
                                            "password"}
    assert 'value="Bulgaria"' in page.text
    assert not (Path(services(app).settings.data_dir) / "registry" / "authorities"
                / "Not A Slug").exists()
    anchor, token = sign_in(app, "bg-navet")
    page = anchor.post("/registry/admin/bodies", data={
        "csrf_token": token, "issuer": "not a did", "maxEqfLevel": "9",
        "validUntil": "soon", "achievements": ["https://example.org/x"]})
    # the name is optional: it is only the anchor's wording, never the body's name
    assert set(field_errors(page.text)) == {"issuer", "maxEqfLevel", "validUntil",
                                            "achievements"}
    page = anchor.post("/registry/admin/recognition/SCPM", data={"csrf_token": token})
    assert set(field_errors(page.text)) == {"nqfLevel", "eqfLevel", "equivalence",
                                            "legalBasis"}


def test_the_api_reports_every_problem_in_one_problem_details(app: Flask):
    client = app.test_client()
    op = services(app).registry.rotate_token("operator")
    anchor = services(app).registry.rotate_token("bg-navet")

    def pointers(response) -> set[str]:
        assert response.status_code == 422
        assert response.mimetype == "application/problem+json"
        return {e["pointer"] for e in response.get_json()["errors"]}

    assert pointers(client.post("/registry/admin/anchors", json={"validUntil": "x"},
                                headers={"Authorization": f"Bearer {op}"})) == {
        "/slug", "/country", "/name", "/validUntil"}
    assert pointers(client.post("/registry/admin/accreditations", json={
        "achievements": "SCPM"}, headers={"Authorization": f"Bearer {anchor}"})) == {
        "/issuer", "/maxEqfLevel", "/achievements"}
    assert pointers(client.post("/registry/admin/recognitions", json={
        "role": "XX", "eqfLevel": 12}, headers={"Authorization": f"Bearer {anchor}"})) == {
        "/role", "/nqfLevel", "/eqfLevel", "/equivalence", "/legalBasis"}
    assert not (Path(services(app).settings.data_dir) / "registry" / "authorities"
                / "x").exists()


def test_the_cli_lists_anchors_sets_passwords_and_refuses_a_mistyped_anchor(tmp_path: Path):
    runner = CliRunner()
    data = tmp_path / "data"
    base = ["--data-dir", str(data), "registry"]
    added = runner.invoke(main, [*base, "anchor", "add", "at-oead", "--country", "AT",
                                 "--name", "de=OeAD"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, [*base, "anchor", "list", "--json"])
    assert [(a["slug"], a["country"], a["status"]) for a in
            json.loads(listed.stdout)["anchors"]] == [("at-oead", "AT", "current")]
    assert "at-oead" in runner.invoke(main, [*base, "anchor", "list"]).stdout

    keys = data / "registry" / "authorities"
    typo = runner.invoke(main, [*base, "accredit", "--anchor", "at-oaed", "--issuer", BODY,
                                "--name", "en=X", "--max-eqf", "5"])
    assert typo.exit_code == 1 and "at-oaed" in typo.output and "at-oead" in typo.output
    assert not (keys / "at-oaed").exists()
    for command in (["recognise", "--anchor", "at-oaed", "--role", "SCPM", "--nqf", "6",
                     "--eqf", "6", "--equivalence", "en=x", "--legal-basis", "x"],
                    ["revoke", "--anchor", "at-oaed", "urn:uuid:1"],
                    ["refresh-keys", "--as", "at-oaed", BODY],
                    ["anchor", "add", "BAD SLUG", "--country", "XX1", "--name", "en=x"]):
        assert runner.invoke(main, [*base, *command]).exit_code != 0, command
    assert sorted(p.name for p in keys.iterdir()) == ["at-oead", "operator"]

    short = runner.invoke(main, [*base, "console-password", "at-oead", "--password", "short"])
    assert short.exit_code == 1
    ok = runner.invoke(main, [*base, "console-password", "at-oead", "--password",
                              "oead-password-12"])
    assert ok.exit_code == 0, ok.output
    settings = Settings.from_environment(data, environ={})
    app = create_app(settings)
    try:
        client = app.test_client()
        response = client.post("/registry/admin/login", data={
            "csrf_token": csrf(client), "username": "at-oead", "password": "oead-password-12"})
        assert response.status_code == 302
    finally:
        services(app).close()
