"""The registry's public pages (Flask client) on the seeded demo registry, and the seed and
registry commands of the CLI."""
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import CredentialRecord, RegistryAuditEvent
from registry.trust_source import TrustListTrustSource
from registry.vocab import role_id
from web.app import create_app
from web.cli import main
from web.wiring.datadir import prepare_data_dir
from web.wiring.db import make_engine
from web.wiring.registry_setup import seed_demo_registry
from web.wiring.services import registry_of
from web.wiring.settings import DEFAULT_ISSUER_NAME, Settings

S4C_ENV = ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL")
# the demo body is registered under the name its credentials carry, in every language
DEMO_BODY_EN = DEMO_BODY_BG = DEFAULT_ISSUER_NAME


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in S4C_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings.from_environment(tmp_path_factory.mktemp("registry") / "data",
                                         environ={})
    prepare_data_dir(settings)
    report = seed_demo_registry(settings)
    assert (report.anchors, report.accreditations, report.recognitions) == (5, 2, 15)
    return settings


@pytest.fixture(scope="module")
def app(seeded: Settings) -> Flask:
    application = create_app(seeded)
    yield application
    registry_of(application).close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def page(client: FlaskClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def _h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.DOTALL).group(1).strip()


# --- pages --------------------------------------------------------------------------

def test_the_bodies_page_lists_the_demo_body_and_what_it_may_certify(client: FlaskClient):
    html = page(client, "/registry/?lang=en")
    assert _h1(html) == "Accredited certification bodies"
    assert DEMO_BODY_EN in html and "did:web:127.0.0.1%3A8000" in html
    assert "National Agency for Vocational Education and Training, NAVET (DEMO)" in html
    assert "National Authority for Qualifications, ANC (DEMO)" in html
    assert "Smart City Project Management Consultant" in html
    assert html.count("up to EQF level 7") == 2
    assert "DEMO data" in html


@pytest.mark.parametrize(("lang", "heading", "role"), [
    ("bg", "Акредитирани сертифициращи органи", "Мениджър на проекти за интелигентни градове"),
    ("de", "Akkreditierte Zertifizierungsstellen", "Smart-City-Projektmanager"),
    ("el", "Διαπιστευμένοι φορείς πιστοποίησης", "Διαχειριστής έργων έξυπνης πόλης"),
    ("ro", "Organisme de certificare acreditate",
     "Manager de proiecte pentru orașe inteligente"),
    ("es", "Organismos de certificación acreditados",
     "Gestor de proyectos de ciudad inteligente"),
])
def test_the_bodies_page_speaks_each_language(client: FlaskClient, lang: str, heading: str,
                                              role: str):
    html = page(client, f"/registry/bodies?lang={lang}")
    assert _h1(html) == heading
    assert role in html
    assert f'lang="{lang}"' in html


def test_the_language_follows_accept_language_unless_asked(client: FlaskClient):
    html = page(client, "/registry/", **{"Accept-Language": "bg-BG,bg;q=0.9,en;q=0.5"})
    assert _h1(html) == "Акредитирани сертифициращи органи"
    assert DEMO_BODY_BG in html  # the body's one name, on the Bulgarian page too
    assert _h1(page(client, "/registry/?lang=de", **{"Accept-Language": "bg"})) == \
        "Akkreditierte Zertifizierungsstellen"
    assert _h1(page(client, "/registry/?lang=xx", **{"Accept-Language": "fr"})) == \
        "Accredited certification bodies"


def test_searching_filters_the_bodies(client: FlaskClient):
    assert DEMO_BODY_EN in page(client, "/registry/?lang=en&q=navet")
    assert DEMO_BODY_EN in page(client, "/registry/?lang=en&q=SCPMC")
    html = page(client, "/registry/?lang=en&q=no+such+body")
    assert DEMO_BODY_EN not in html and "No accredited body matches your search." in html


def test_each_role_page_shows_its_recognition_in_five_countries(client: FlaskClient):
    html = page(client, "/registry/roles/SCPM?lang=en")
    assert _h1(html) == "Smart City Project Manager"
    assert re.findall(r'data-country="([A-Z]{2})"', html) == ["AT", "BG", "GR", "RO", "ES"]
    for level in ("НКР 6", "CNC nivel 6", "ΕΠΠ 6", "MECU 6", "NQR 6"):
        assert level in html
    html = page(client, "/registry/roles/SCPMC?lang=es")
    assert "Reconocimiento del perfil por país" in html and "MECU 7" in html
    assert "Corresponde al nivel 7 del Marco Español de Cualificaciones" in html
    assert client.get("/registry/roles/CEO").status_code == 404


# --- the seed and the CLI --------------------------------------------------------------

def _counts(settings: Settings) -> tuple[int, int]:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return (session.scalar(select(func.count()).select_from(CredentialRecord)),
                    session.scalar(select(func.count()).select_from(RegistryAuditEvent)))
    finally:
        engine.dispose()


def test_seeding_again_adds_nothing(seeded: Settings):
    before = _counts(seeded)
    assert before[0] == 5 + 2 + 15
    report = seed_demo_registry(seeded)
    assert report.added == 0
    assert _counts(seeded) == before
    result = CliRunner().invoke(main, ["--data-dir", str(seeded.data_dir),
                                       "registry", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "added 0 anchors, 0 accreditations, 0 recognitions" in result.output
    assert _counts(seeded) == before


def test_the_cli_manages_anchors_accreditations_and_recognitions(tmp_path: Path):
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "data"), "registry"]

    def run(*args: str) -> str:
        result = runner.invoke(main, [*base, *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    added = json.loads(run("anchor", "add", "at-oead", "--country", "AT",
                           "--name", "de=OeAD (DEMO)", "--name", "en=OeAD (DEMO)"))
    assert added["token"].startswith("at-oead.")
    body = "did:web:akademie.example.at"
    accreditation = json.loads(run("accredit", "--anchor", "at-oead", "--issuer", body,
                                   "--name", "de=Akademie", "--role", "SCPM", "--max-eqf", "6",
                                   "--valid-from", "2025-01-01"))
    assert accreditation["credentialSubject"]["achievement"] == [role_id("SCPM")]
    run("recognise", "--anchor", "at-oead", "--role", "SCPM", "--nqf", "NQR 6", "--eqf", "6",
        "--equivalence", "de=Entspricht NQR 6", "--legal-basis", "NQR-Gesetz (DEMO)")
    shown = json.loads(run("show", body))
    assert shown["issuer"]["accreditations"][0]["status"] == "active"
    assert json.loads(run("show", "at-oead"))["anchor"]["country"] == "AT"

    out = tmp_path / "trust-list.json"
    runner.invoke(main, [*base, "export-trust-list", str(out)])
    operator = json.loads(out.read_text())["issuer"]
    source = TrustListTrustSource.from_file(out, operator)
    assert source.issuer(body).accreditations[0].max_eqf_level == 6
    assert [r.nqf_level for r in source.recognitions(role_id("SCPM"), "AT")] == ["NQR 6"]

    run("revoke", "--anchor", "at-oead", accreditation["id"])
    assert json.loads(run("show", body))["issuer"]["accreditations"][0]["revoked"] is True
    refused = runner.invoke(main, [*base, "accredit", "--anchor", "operator", "--issuer", body,
                                   "--name", "en=X", "--max-eqf", "5"])
    assert refused.exit_code == 1 and "not a registered trust anchor" in refused.output
    run("anchor", "remove", "at-oead")
    assert runner.invoke(main, [*base, "show", "at-oead"]).exit_code == 1
    assert run("token", "operator").startswith("operator.")
