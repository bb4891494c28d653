"""The registry over HTTP (Flask test client): public JSON API, and administration where each
authority changes only its own records, with bearer tokens."""
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from vc_calls import verify

from registry.trust_source import TrustListTrustSource
from registry.vocab import role_id
from vc.statuslist import read_status
from web.app import create_app
from web.wiring.datadir import prepare_data_dir
from web.wiring.registry_setup import RegistryServices
from web.wiring.services import registry_of
from web.wiring.settings import Settings

S4C_ENV = ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL")
BODY = "did:web:academy.example.eu"
BODY_PATH = "did:web:academy.example.eu"
SCPM = role_id("SCPM")
ADMIN_ROUTES = [("post", "/registry/admin/anchors"), ("delete", "/registry/admin/anchors/x"),
                ("post", "/registry/admin/accreditations"),
                ("delete", "/registry/admin/accreditations/urn:uuid:1"),
                ("post", "/registry/admin/recognitions"),
                ("delete", "/registry/admin/recognitions/urn:uuid:1"),
                ("get", "/registry/admin/whoami")]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in S4C_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    settings = Settings.from_environment(tmp_path / "data", environ={})
    prepare_data_dir(settings)
    application = create_app(settings)
    yield application
    registry_of(application).close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def services(app: Flask) -> RegistryServices:
    return registry_of(app)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Tokens:
    """An operator and two anchors (BG, RO), created over HTTP."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        services(app).operator()
        self.operator = services(app).registry.rotate_token("operator")
        self.bg = self.add_anchor(client, "bg-navet", "BG")
        self.ro = self.add_anchor(client, "ro-anc", "RO")

    def add_anchor(self, client: FlaskClient, slug: str, country: str) -> str:
        response = client.post("/registry/admin/anchors", headers=bearer(self.operator),
                               json={"slug": slug, "country": country,
                                     "name": {"en": f"{slug} (DEMO)"}, "demo": True})
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["credential"]["credentialSubject"]["country"] == country
        return response.get_json()["token"]


@pytest.fixture
def tokens(app: Flask, client: FlaskClient) -> Tokens:
    return Tokens(app, client)


def accredit(client: FlaskClient, token: str, **extra) -> object:
    body = {"issuer": BODY, "name": {"en": "Academy (DEMO)"}, "achievements": [SCPM],
            "maxEqfLevel": 6, "validFrom": "2025-01-01T00:00:00Z"}
    body.update(extra)
    return client.post("/registry/admin/accreditations", headers=bearer(token), json=body)


def recognise(client: FlaskClient, token: str) -> object:
    return client.post("/registry/admin/recognitions", headers=bearer(token), json={
        "role": "SCPM", "nqfLevel": "НКР 6", "eqfLevel": 6, "legalBasis": "Act (DEMO)",
        "equivalence": {"bg": "Съответства на ниво 6", "en": "Level 6"}})


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


# --- authentication ---------------------------------------------------------------------

def test_admin_endpoints_without_a_valid_token_are_401(client: FlaskClient, tokens: Tokens):
    for method, path in ADMIN_ROUTES:
        for headers in ({}, bearer("bg-navet." + "A" * 43), bearer(tokens.bg + "x"),
                        {"Authorization": "Basic Zm9vOmJhcg=="}):
            response = getattr(client, method)(path, headers=headers, json={})
            assert_problem(response, 401)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/registry/anchors").status_code == 200  # nothing was changed


def test_a_token_names_its_authority(client: FlaskClient, tokens: Tokens, app: Flask):
    me = client.get("/registry/admin/whoami", headers=bearer(tokens.bg)).get_json()
    assert me["slug"] == "bg-navet" and me["kind"] == "anchor"
    assert me["did"] in services(app).registry.snapshot().anchors


# --- who may change what, over HTTP -------------------------------------------------

def test_only_the_operator_adds_or_removes_anchors(client: FlaskClient, tokens: Tokens,
                                                   app: Flask, tmp_path: Path):
    response = client.post("/registry/admin/anchors", headers=bearer(tokens.bg),
                           json={"slug": "gr-eoppep", "country": "GR", "name": {"el": "ΕΟΠΠΕΠ"}})
    assert "operator" in assert_problem(response, 403)["detail"]
    assert not (tmp_path / "data" / "registry" / "authorities" / "gr-eoppep").exists()
    assert_problem(client.delete("/registry/admin/anchors/ro-anc", headers=bearer(tokens.bg)),
                   403)
    assert len(client.get("/registry/anchors").get_json()["anchors"]) == 2
    removed = client.delete("/registry/admin/anchors/ro-anc", headers=bearer(tokens.operator))
    assert removed.status_code == 200
    assert [a["slug"] for a in client.get("/registry/anchors").get_json()["anchors"]] == [
        "bg-navet"]
    assert_problem(accredit(client, tokens.ro), 403)  # a removed anchor accredits no more


def test_only_an_anchor_accredits_and_only_the_issuing_anchor_revokes(
        client: FlaskClient, tokens: Tokens):
    assert_problem(accredit(client, tokens.operator), 403)
    created = accredit(client, tokens.bg)
    assert created.status_code == 201
    credential = created.get_json()
    assert verify(credential).verified
    path = f"/registry/admin/accreditations/{credential['id']}"
    for other in (tokens.ro, tokens.operator):
        assert_problem(client.delete(path, headers=bearer(other)), 403)
    issuer = client.get(f"/registry/issuers/{BODY_PATH}").get_json()
    assert [a["status"] for a in issuer["accreditations"]] == ["active"]

    assert client.delete(path, headers=bearer(tokens.bg)).status_code == 200
    issuer = client.get(f"/registry/issuers/{BODY_PATH}").get_json()
    assert [(a["status"], a["revoked"]) for a in issuer["accreditations"]] == [("revoked", True)]
    status_list = client.get("/registry/status/bg-navet").get_json()
    assert read_status(credential["credentialStatus"], status_list) is True
    assert_problem(client.delete(path, headers=bearer(tokens.bg)), 409)


def test_only_an_anchor_recognises_and_only_it_withdraws(client: FlaskClient,
                                                         tokens: Tokens):
    assert_problem(recognise(client, tokens.operator), 403)
    created = recognise(client, tokens.bg)
    assert created.status_code == 201
    path = f"/registry/admin/recognitions/{created.get_json()['id']}"
    for other in (tokens.ro, tokens.operator):
        assert_problem(client.delete(path, headers=bearer(other)), 403)
    listed = client.get("/registry/recognitions?role=SCPM&country=BG").get_json()
    assert [r["nqfLevel"] for r in listed["recognitions"]] == ["НКР 6"]
    assert client.delete(path, headers=bearer(tokens.bg)).status_code == 200
    assert client.get("/registry/recognitions?role=SCPM").get_json()["recognitions"] == []


def test_bad_admin_input_is_a_422_problem(client: FlaskClient, tokens: Tokens):
    assert_problem(accredit(client, tokens.bg, maxEqfLevel=12), 422)
    assert_problem(accredit(client, tokens.bg, validFrom="yesterday"), 422)
    assert_problem(accredit(client, tokens.bg, issuer="not a did"), 422)
    response = client.post("/registry/admin/recognitions", headers=bearer(tokens.bg),
                           data="{", content_type="application/json")
    assert_problem(response, 422)
    response = client.post("/registry/admin/anchors", headers=bearer(tokens.operator),
                           json={"slug": "../../etc", "country": "ES", "name": {"es": "X"}})
    assert_problem(response, 422)


# --- the public API -------------------------------------------------------------------

def test_public_lookups_by_did_country_and_role(client: FlaskClient, tokens: Tokens):
    accredit(client, tokens.bg)
    recognise(client, tokens.bg)
    named = client.put(f"/registry/admin/issuers/{BODY_PATH}/name", headers=bearer(
        tokens.operator), json={"name": {"en": "Academy (registered)"}, "country": "bg"})
    assert named.status_code == 200 and named.get_json()["changed"] is True
    issuer = client.get(f"/registry/issuers/{BODY_PATH}")
    assert issuer.headers["Access-Control-Allow-Origin"] == "*"
    body = issuer.get_json()
    # the operator's registration; the anchor's wording stays beside its accreditation
    assert (body["name"], body["country"]) == ({"en": "Academy (registered)"}, "BG")
    (accreditation,) = body["accreditations"]
    assert accreditation["nameByAnchor"] == {"en": "Academy (DEMO)"}
    assert (accreditation["country"], accreditation["achievements"],
            accreditation["maxEqfLevel"]) == ("BG", [SCPM], 6)
    assert [i["did"] for i in client.get("/registry/issuers").get_json()["issuers"]] == [BODY]
    assert client.get("/registry/recognitions?country=RO").get_json()["recognitions"] == []
    assert len(client.get("/registry/recognitions?country=bg").get_json()["recognitions"]) == 1
    assert_problem(client.get("/registry/recognitions?role=CEO"), 422)
    assert_problem(client.get("/registry/recognitions?country=Bulgaria"), 422)
    assert_problem(client.get("/registry/issuers/did:web:unknown.example"), 404)
    anchor = client.get("/registry/anchors/bg-navet").get_json()
    assert anchor["country"] == "BG" and anchor["demo"] is True
    assert client.get(f"/registry/anchors/{anchor['did']}").get_json()["slug"] == "bg-navet"
    assert_problem(client.get("/registry/anchors/zz-none"), 404)
    assert_problem(client.get("/registry/status/zz-none"), 404)


def test_the_served_trust_list_verifies_and_answers_like_the_database(
        client: FlaskClient, tokens: Tokens, app: Flask):
    accredit(client, tokens.bg)
    recognise(client, tokens.bg)
    response = client.get("/registry/trust-list")
    assert response.status_code == 200 and "max-age" in response.headers["Cache-Control"]
    document = response.get_json()
    assert verify(document).verified
    registry = services(app)
    source = TrustListTrustSource(document, registry.registry.operator_did())
    assert source.issuer(BODY) == registry.trust_source.issuer(BODY)
    assert source.recognitions(SCPM, "BG") == registry.trust_source.recognitions(SCPM, "BG")
    assert client.get("/registry/trust-list").get_json() == document  # cached until a change
    recognise(client, tokens.ro)
    assert client.get("/registry/trust-list").get_json()["credentialSubject"]["sequence"] > \
        document["credentialSubject"]["sequence"]
