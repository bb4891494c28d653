"""One anchor cannot rename a body that another anchor accredited.

The attack: Austria's anchor accredits the demo body for unit U01 at EQF 1 under the name
"Impostor Certification Ltd". A genuine SCPMC credential of that body, accredited by
Bulgaria, must still show the body's real name in the report, the trust list and the
registry's pages; Austria's wording appears only beside Austria's accreditation, as
Austria's. The name comes from one accountable source: the operator's registration."""
import copy
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    resolver_for,
    role_credential,
    trusted,
)

from registry.authority import Authority
from registry.body_keys import did_document_keys
from registry.demo import BODY_NAMES, seed_demo
from registry.errors import NotAuthorised
from registry.service import Registry
from registry.trust_list import sign_trust_list, unsigned_trust_list
from registry.trust_source import DatabaseTrustSource, TrustListTrustSource
from registry.vocab import FRAMEWORK, role_id
from schemas.json_schemas import TRUST_LIST_SCHEMA_ID, load_schema
from vc.multikey import Ed25519Multikey
from verifier.service import Verifier
from verifier.verdict import Verdict
from web.app import create_app
from web.cli import main
from web.wiring.datadir import prepare_data_dir
from web.wiring.db import make_engine, upgrade
from web.wiring.models import SERVICE_METADATA
from web.wiring.registry_setup import seed_demo_registry
from web.wiring.services import registry_of, replace_services
from web.wiring.settings import DEFAULT_ISSUER_NAME, Settings

IMPOSTOR = "Impostor Certification Ltd"
U01 = f"{FRAMEWORK}/units/U01"
SCPMC = role_id("SCPMC")
REAL_EN = BODY_NAMES["en"]
SEEDED = {"en": DEFAULT_ISSUER_NAME}  # `s4c registry seed-demo`: the credentials' name
AUSTRIA = "OeAD, National Coordination Point for the Austrian NQF (DEMO)"
S4C_ENV = ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL")


class Attacked:
    """The demo registry (the body accredited by Bulgaria, its Romanian accreditation
    revoked so that Bulgaria's is the one that counts) after Austria's attack."""

    def __init__(self, tmp: Path) -> None:
        url = f"sqlite:///{tmp / 'registry.db'}"
        upgrade(url)
        self.engine = make_engine(url)
        self.issuer = DemoIssuer()
        self.world = issuer_world(self.issuer)
        self.registry = Registry(sessionmaker(self.engine), "https://registry.example.eu",
                                 body_keys=did_document_keys(resolver_for(self.world)))
        self.authorities: dict[str, Authority] = {}
        seed_demo(self.registry, self.authority, self.issuer.did)
        body = self.issuer.did
        romania = self.authority("ro-anc")
        (ro_accreditation,) = [a for a in self.registry.snapshot().issuer(body).accreditations
                               if a.anchor_did == romania.did]
        self.registry.revoke_accreditation(romania, ro_accreditation.id)
        self.austria = self.authority("at-oead")
        self.bulgaria = self.authority("bg-navet")
        self.attack = self.registry.accredit(self.austria, body, names={"en": IMPOSTOR},
                                             achievements=[U01], max_eqf_level=1)

    def authority(self, slug: str) -> Authority:
        return self.authorities.setdefault(slug, Authority.from_key(Ed25519Multikey.generate()))

    def trust_list(self, drop_format: bool = False) -> dict:
        document = unsigned_trust_list(self.registry.trust_data(), self.registry.snapshot(),
                                       list_url=self.registry.trust_list_url, sequence=1,
                                       issued=datetime.now(UTC))
        if drop_format:  # a list as a registry from before format 2 signed it
            del document["credentialSchema"]
        return sign_trust_list(document, self.authority("operator"))

    def verify(self, source, lang: str = "en") -> dict:
        verifier = Verifier(source, resolver_for(self.world), self.world, clock=lambda: NOW,
                            store=STORE)
        genuine = self.issuer.sign(role_credential(self.issuer, role=SCPMC, eqf=7))
        report = verifier.verify_credential(genuine, country="BG", lang=lang)
        assert report.verdict is Verdict.VALID, report.to_json()
        return report.to_json()


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Attacked:
    world = Attacked(tmp_path_factory.mktemp("attack"))
    yield world
    world.engine.dispose()


def _without_signed_copies(value: object) -> object:
    """The list as its readers see it, without the signed credentials it embeds (which
    hold each anchor's own wording, signed by that anchor)."""
    if isinstance(value, dict):
        return {k: _without_signed_copies(v) for k, v in value.items()
                if k not in ("credential", "statusList", "proof")}
    if isinstance(value, list):
        return [_without_signed_copies(v) for v in value]
    return value


# --- the report ----------------------------------------------------------------------

def test_a_genuine_credential_accredited_by_bulgaria_keeps_its_real_name(attacked: Attacked):
    report = attacked.verify(DatabaseTrustSource(attacked.registry))
    issuer = report["summary"]["issuer"]
    assert issuer["name"] == REAL_EN
    assert IMPOSTOR not in json.dumps(report, ensure_ascii=False)
    trust = next(c for c in report["checks"] if c["id"] == "issuer-trust")
    assert trust["code"] == "issuer-trust.accredited-at-level"
    assert trust["params"]["body"] == REAL_EN
    assert trust["params"]["anchor"] == \
        "National Agency for Vocational Education and Training, NAVET (DEMO)"
    assert trust["params"]["country"] == "BG"
    assert issuer["accreditation"]["anchor"] == attacked.bulgaria.did
    assert issuer["accreditation"]["nameByAnchor"] is None  # Bulgaria worded no name
    assert attacked.verify(DatabaseTrustSource(attacked.registry), "bg")["summary"][
        "issuer"]["name"] == BODY_NAMES["bg"]


def test_the_trust_list_shows_the_real_name_and_the_impostor_only_beside_austria(
        attacked: Attacked):
    document = attacked.trust_list()
    operator = attacked.authority("operator").did
    (body,) = document["credentialSubject"]["accreditedIssuer"]
    assert body["name"] == [{"@value": v, "@language": k} for k, v in sorted(BODY_NAMES.items())]
    (austrias,) = [e for e in body["accreditation"] if e["trustAnchor"] == attacked.austria.did]
    assert austrias["name"] == [{"@value": IMPOSTOR, "@language": "en"}]
    assert austrias["achievement"] == [U01] and austrias["maxEqfLevel"] == 1
    readable = json.dumps(_without_signed_copies(document), ensure_ascii=False)
    assert readable.count(IMPOSTOR) == 1  # in Austria's entry, attributed by trustAnchor
    offline = TrustListTrustSource(document, operator)
    assert offline.issuer(attacked.issuer.did) == \
        DatabaseTrustSource(attacked.registry).issuer(attacked.issuer.did)
    report = attacked.verify(offline)
    assert report["summary"]["issuer"]["name"] == REAL_EN
    assert IMPOSTOR not in json.dumps(report, ensure_ascii=False)
    (wording,) = [a.body_name for a in offline.issuer(attacked.issuer.did).accreditations
                  if a.anchor_did == attacked.austria.did]
    assert wording == {"en": IMPOSTOR}


def test_the_list_declares_format_2_and_follows_its_schema(attacked: Attacked):
    document = attacked.trust_list()
    assert document["credentialSchema"] == {"id": TRUST_LIST_SCHEMA_ID, "type": "JsonSchema"}
    jsonschema.Draft202012Validator(load_schema(TRUST_LIST_SCHEMA_ID)).validate(document)
    impostor_as_the_body = copy.deepcopy(document)
    impostor_as_the_body["credentialSubject"]["accreditedIssuer"][0]["name"] = [IMPOSTOR]
    assert not jsonschema.Draft202012Validator(load_schema(TRUST_LIST_SCHEMA_ID)).is_valid(
        impostor_as_the_body)


def test_a_list_without_the_accountable_names_gives_no_body_a_name(attacked: Attacked):
    """A format-1 list (signed before this change) named each body by whatever anchor
    accredited it last: a verifier reads no name from it, only the DID."""
    document = attacked.trust_list(drop_format=True)
    unsigned = copy.deepcopy(document)
    del unsigned["proof"]
    (body,) = unsigned["credentialSubject"]["accreditedIssuer"]
    body["name"] = [{"@value": IMPOSTOR, "@language": "en"}]  # what format 1 carried here
    old_format = sign_trust_list(unsigned, attacked.authority("operator"))
    source = TrustListTrustSource(old_format, attacked.authority("operator").did)
    issuer = source.issuer(attacked.issuer.did)
    assert issuer is not None and issuer.name == {} and issuer.country is None
    report = attacked.verify(source)
    assert report["summary"]["issuer"]["name"] is None
    assert report["summary"]["issuer"]["registered"] is True
    assert IMPOSTOR not in json.dumps(report, ensure_ascii=False)


def test_an_anchor_cannot_name_a_body_nor_change_its_name_by_changing_its_accreditation(
        attacked: Attacked, tmp_path: Path):
    body = attacked.issuer.did
    with pytest.raises(NotAuthorised, match="operator"):
        attacked.registry.register_body(attacked.austria, body, names={"en": IMPOSTOR})
    changed = attacked.registry.accredit(attacked.austria, body, names={"en": "Still Not"},
                                         achievements=[U01], max_eqf_level=1,
                                         replaces=attacked.attack["id"])
    issuer = DatabaseTrustSource(attacked.registry).issuer(body)
    assert issuer.name == BODY_NAMES
    assert {a.id: a.body_name for a in issuer.accreditations if not a.revoked}[
        changed["id"]] == {"en": "Still Not"}
    # the operator can correct the name; that is audited under the operator's DID
    operator = attacked.authority("operator")
    assert attacked.registry.register_body(operator, body, names=dict(BODY_NAMES)) is False
    event = attacked.registry.audit_events(limit=1)[0]
    assert event["action"] != "registry.body.registered"  # nothing changed, nothing logged


# --- the registry's pages, JSON API and admin API ---------------------------------------

@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    with pytest.MonkeyPatch.context() as env:
        for name in S4C_ENV:
            env.delenv(name, raising=False)
        settings = Settings.from_environment(tmp_path_factory.mktemp("pages") / "data",
                                             environ={})
        prepare_data_dir(settings)
        seed_demo_registry(settings)
        application = create_app(settings)
    services = registry_of(application)
    services.registry.accredit(services.keys.existing("at-oead"), settings.issuer_did,
                               names={"en": IMPOSTOR, "de": "<b>Hochstapler</b> GmbH"},
                               achievements=[U01], max_eqf_level=1)
    application.config["body"] = settings.issuer_did
    yield application
    services.close()


def _article(html: str, did: str) -> str:
    return re.search(rf'<article class="body" data-did="{re.escape(did)}">(.*?)</article>',
                     html, re.DOTALL).group(1)


def test_the_registry_pages_name_the_body_and_attribute_the_impostor_wording(app: Flask):
    client, did = app.test_client(), app.config["body"]
    article = _article(client.get("/registry/?lang=en").get_data(as_text=True), did)
    assert re.search(r"<h2>(.*?)(<span|</h2>)", article).group(1).strip() == SEEDED["en"]
    rows = re.findall(r"<tr>(.*?)</tr>", article, re.DOTALL)
    austria = [r for r in rows if AUSTRIA in r]
    assert len(austria) == 1 and article.count(IMPOSTOR) == 1
    assert f"as named by {AUSTRIA}: “{IMPOSTOR}”" in austria[0]
    # the anchor's wording is text, never markup
    german = _article(client.get("/registry/?lang=de").get_data(as_text=True), did)
    assert "&lt;b&gt;Hochstapler&lt;/b&gt; GmbH" in german and "<b>Hochstapler" not in german
    unit = client.get("/registry/units/U01?lang=en").get_data(as_text=True)
    assert f"as named by {AUSTRIA}: “{IMPOSTOR}”" in unit and unit.count(IMPOSTOR) == 1
    # searching the impostor's name does not find the body under it
    assert did not in client.get(f"/registry/?lang=en&q={IMPOSTOR}").get_data(as_text=True)


def test_the_registry_json_keeps_the_wording_beside_austrias_accreditation(app: Flask):
    client, did = app.test_client(), app.config["body"]
    issuer = client.get(f"/registry/issuers/{quote(did)}").get_json()
    assert issuer["name"] == SEEDED
    wordings = {a["country"]: a["nameByAnchor"] for a in issuer["accreditations"]}
    assert wordings == {"BG": {}, "RO": {}, "AT": {"en": IMPOSTOR,
                                                   "de": "<b>Hochstapler</b> GmbH"}}
    listed = client.get("/registry/trust-list").get_json()
    readable = json.dumps(_without_signed_copies(listed), ensure_ascii=False)
    assert readable.count(IMPOSTOR) == 1


def test_only_the_operator_names_a_body_over_the_admin_api(app: Flask):
    client, did = app.test_client(), app.config["body"]
    services = registry_of(app)
    austria = services.registry.rotate_token("at-oead")
    operator = services.registry.rotate_token("operator")
    url = f"/registry/admin/issuers/{quote(did)}/name"
    refused = client.put(url, json={"name": {"en": IMPOSTOR}},
                         headers={"Authorization": f"Bearer {austria}"})
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    bad = client.put(url, json={"name": "x", "country": "Austria"},
                     headers={"Authorization": f"Bearer {operator}"})
    assert bad.status_code == 422
    assert {e["pointer"] for e in bad.get_json()["errors"]} == {"/name", "/country"}
    assert client.get(f"/registry/issuers/{quote(did)}").get_json()["name"] == SEEDED
    renamed = client.put(url, json={"name": {"en": "Renamed Academy"}, "country": "BG"},
                         headers={"Authorization": f"Bearer {operator}"})
    assert renamed.status_code == 200 and renamed.get_json()["changed"] is True
    assert client.get(f"/registry/issuers/{quote(did)}").get_json()["name"] == \
        {"en": "Renamed Academy"}
    event = services.registry.audit_events(limit=1)[0]
    assert (event["action"], event["actor"], event["subject"]) == (
        "registry.body.registered", services.registry.operator_did(), did)
    assert event["detail"]["before"]["name"] == SEEDED


def test_the_cli_names_a_body(tmp_path: Path):
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "data"), "registry"]
    body = "did:web:academy.example.at"
    result = runner.invoke(main, [*base, "name-body", body, "--name", "en=Academy",
                                  "--name", "de=Akademie", "--country", "at"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"issuer": body, "changed": True,
                                         "name": {"en": "Academy", "de": "Akademie"},
                                         "country": "AT"}
    refused = runner.invoke(main, [*base, "name-body", "not-a-did", "--name", "en=X"])
    assert refused.exit_code == 1 and "not a DID" in refused.output


# --- the employer's page ------------------------------------------------------------------

def _verify_page(tmp_path: Path, issuer_name: dict[str, str]) -> str:
    """The /verify page for a genuine credential whose one covering accreditation (by an
    anchor named "OeAD (test)") words the body's name as the impostor."""
    with pytest.MonkeyPatch.context() as env:
        for name in S4C_ENV:
            env.delenv(name, raising=False)
        settings = Settings.from_environment(tmp_path / "data", environ={})
        prepare_data_dir(settings)
        app = create_app(settings)
    issuer = DemoIssuer()
    world = issuer_world(issuer)
    covering = replace(accreditation(issuer.did), anchor_name="OeAD (test)", country="AT",
                       body_name={"en": IMPOSTOR})
    body = replace(trusted(issuer, covering), name=issuer_name)
    replace_services(app, verifier=Verifier(FakeTrustSource([body]), resolver_for(world),
                                            world, clock=lambda: NOW, store=STORE))
    try:
        response = app.test_client().post("/verify", data={
            "text": json.dumps(issuer.sign(role_credential(issuer))), "lang": "en"},
            follow_redirects=True)
        assert response.status_code == 200 and 'data-verdict="valid"' in response.text
        return re.search(r'<dd id="issuer">(.*?)</dd>', response.text, re.DOTALL).group(1)
    finally:
        registry_of(app).close()


def test_the_employers_page_names_the_body_and_attributes_the_anchors_wording(
        tmp_path: Path):
    shown = _verify_page(tmp_path / "named", {"en": REAL_EN})
    assert shown.strip().startswith(REAL_EN)
    assert f"as named by OeAD (test): “{IMPOSTOR}”" in shown
    unnamed = _verify_page(tmp_path / "unnamed", {})
    assert "no name registered in the registry" in unnamed
    assert f"as named by OeAD (test): “{IMPOSTOR}”" in unnamed
    assert not unnamed.strip().startswith(IMPOSTOR)


# --- existing data: migration r0003 ------------------------------------------------------

BODY = "did:web:academy.example.eu"
T1, T2 = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)


def _insert(connection, table: str, row: dict) -> None:
    names = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({values})"), row)


def _credential(kind: str, cid: str, subject: dict, **columns) -> dict:
    return {"id": cid, "kind": kind, "issuer_did": f"did:key:z{cid[-1]}", "valid_from": T1,
            "status_index": int(cid[-1]), "created_at": T1, **columns,
            "credential": json.dumps({"id": cid, "credentialSubject": subject})}


def check_r0003_keeps_names(url: str) -> None:
    """Before r0003, Bulgaria accredited the body as "Academy" and Austria later as the
    impostor (the name the old registry showed); a recognition of SCPM by BG twice."""
    upgrade(url, "r0002")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _insert(connection, "registry_authorities", {
                "id": 1, "slug": "operator", "kind": "operator", "did": "did:key:zOperator",
                "created_at": T1})
            _insert(connection, "registry_credentials", _credential(
                "accreditation", "urn:uuid:acc-1", {"id": BODY, "name": [
                    {"@value": "Academy", "@language": "en"},
                    {"@value": "Академия", "@language": "bg"}], "country": "BG"},
                subject_did=BODY, valid_from=T1))
            _insert(connection, "registry_credentials", _credential(
                "accreditation", "urn:uuid:acc-2", {"id": BODY, "name": [
                    {"@value": IMPOSTOR, "@language": "en"}], "country": "AT"},
                subject_did=BODY, valid_from=T2, created_at=T2))
            for cid, start in (("urn:uuid:rec-3", T1), ("urn:uuid:rec-4", T2)):
                _insert(connection, "registry_credentials", _credential(
                    "recognition", cid, {}, country="BG", framework=FRAMEWORK,
                    achievement=role_id("SCPM"), valid_from=start))
        upgrade(url)
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection),
                                    SERVICE_METADATA) == []
            (body,) = connection.execute(text(
                "SELECT did, name, country, registered_by FROM registry_bodies")).all()
            name = json.loads(body.name) if isinstance(body.name, str) else body.name
            assert (body.did, name, body.country, body.registered_by) == (
                BODY, {"en": "Academy", "bg": "Академия"}, "BG", "did:key:zOperator")
            (event,) = connection.execute(text(
                "SELECT actor, action, subject FROM registry_audit")).all()
            assert tuple(event) == ("did:key:zOperator", "registry.body.registered", BODY)
            assert connection.execute(text(
                "SELECT credential_id FROM registry_current_recognitions")).scalars().all() \
                == ["urn:uuid:rec-4"]
            assert connection.execute(text(
                "SELECT count(*) FROM registry_credentials WHERE replaced_by IS NULL"
            )).scalar_one() == 4
    finally:
        engine.dispose()


def test_the_migration_keeps_existing_names_as_the_operators_registration(tmp_path: Path):
    check_r0003_keeps_names(f"sqlite:///{tmp_path / 'old.db'}")
