"""A country has one current recognition decision per role. A second one
must say which decision it `replaces` (the country's current one), or it is refused with a
clear 409 and nothing stored; the replaced one stays in the record as replaced, and the
trust list shows the current one. On PostgreSQL, two decisions posted at once cannot both
become current."""
import json
import re
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from registry.authority import Authority
from registry.errors import NotAuthorised, RecordConflict
from registry.models import CredentialRecord, RegistryAuditEvent
from registry.service import Registry
from registry.trust_list import sign_trust_list, unsigned_trust_list
from registry.trust_source import DatabaseTrustSource, TrustListTrustSource
from registry.vocab import role_id
from tools import throwaway
from vc.multikey import Ed25519Multikey
from web.app import create_app
from web.cli import main
from web.registry.words import registry_english
from web.wiring.datadir import prepare_data_dir
from web.wiring.db import make_engine, upgrade
from web.wiring.registry_setup import RegistryServices
from web.wiring.services import registry_of
from web.wiring.settings import Settings


@contextmanager
def refused(kind, pattern: str):
    """`pytest.raises(kind, match=pattern)` over the refusal's English, which comes from the
    catalogue by its code."""
    with pytest.raises(kind) as caught:
        yield caught
    said = registry_english(caught.value.finding)
    assert re.search(pattern, said), said

SCPM, SCPD = role_id("SCPM"), role_id("SCPD")
T0 = datetime(2026, 3, 1, tzinfo=UTC)
S4C_ENV = ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL")


class World:
    """A registry with an operator, two anchors of Bulgaria and one of Romania."""

    def __init__(self, url: str) -> None:
        upgrade(url)
        self.engine = make_engine(url)
        self.registry = Registry(sessionmaker(self.engine), "https://registry.example.eu",
                                 clock=lambda: T0)
        self.operator = Authority.from_key(Ed25519Multikey.generate())
        self.registry.ensure_operator(self.operator)
        self.bg = self.anchor("bg-navet", "BG")
        self.bg2 = self.anchor("bg-second", "BG")
        self.ro = self.anchor("ro-anc", "RO")

    def anchor(self, slug: str, country: str) -> Authority:
        anchor = Authority.from_key(Ed25519Multikey.generate())
        self.registry.add_anchor(self.operator, anchor.did, slug=slug, country=country,
                                 names={"en": slug}, valid_from=datetime(2025, 1, 1, tzinfo=UTC))
        return anchor

    def decide(self, anchor: Authority, level: int, role: str = SCPM,
               replaces: str | None = None) -> dict:
        return self.registry.recognise(anchor, role, nqf_level=f"NQF {level}",
                                       eqf_level=level, equivalence={"en": f"Level {level}"},
                                       legal_basis="Act 1/2020", replaces=replaces)

    def current(self, country: str = "BG", role: str = SCPM) -> list[str]:
        return [r.nqf_level for r in self.registry.snapshot().recognitions_for(role, country)]

    def stored(self) -> tuple[object, ...]:
        """Credentials with their state, and audit rows: what a refusal must not change."""
        with Session(self.engine) as session:
            rows = session.execute(select(CredentialRecord.id, CredentialRecord.revoked_at)
                                   .order_by(CredentialRecord.id)).all()
            audit = session.scalar(select(func.count()).select_from(RegistryAuditEvent))
            return (*map(tuple, rows), audit)


@pytest.fixture
def world(tmp_path: Path):
    w = World(f"sqlite:///{tmp_path / 'registry.db'}")
    yield w
    w.engine.dispose()


def test_a_second_decision_without_replaces_is_refused_and_stores_nothing(world: World):
    first = world.decide(world.bg, 6)
    before = world.stored()
    with refused(RecordConflict, rf"BG already has a decision .*{first['id']}.*"
                                             "name it in replaces"):
        world.decide(world.bg, 7)
    assert world.stored() == before
    assert world.current() == ["NQF 6"]


def test_a_decision_naming_the_current_one_replaces_it_and_keeps_it_as_history(world: World):
    first = world.decide(world.bg, 6)
    second = world.decide(world.bg, 7, replaces=first["id"])
    assert world.current() == ["NQF 7"]
    history = {r.id: r for r in world.registry.issued_records(world.bg.did, "recognition")}
    assert history[first["id"]].revoked and history[first["id"]].replaced_by == second["id"]
    assert not history[second["id"]].revoked and history[second["id"]].replaced_by is None
    event = world.registry.audit_events(limit=1)[0]
    assert (event["action"], event["detail"]["replaces"]) == (
        "registry.recognition.updated", first["id"])
    # the trust list carries the current decision only, and reads back the same
    document = sign_trust_list(unsigned_trust_list(
        world.registry.trust_data(), world.registry.snapshot(), list_url="urn:list",
        sequence=1, issued=T0), world.operator)
    listed = [(r["country"], r["id"]) for r in document["credentialSubject"]["recognition"]]
    assert listed == [("BG", second["id"])]
    source = TrustListTrustSource(document, world.operator.did, now=T0)
    assert source.recognitions(SCPM, "BG") == DatabaseTrustSource(
        world.registry).recognitions(SCPM, "BG")
    third = world.decide(world.bg, 5, replaces=second["id"])  # and again
    assert world.current() == ["NQF 5"] and third["id"] != second["id"]


def test_a_wrong_replaces_is_refused(world: World):
    scpm = world.decide(world.bg, 6)
    scpd = world.decide(world.bg, 5, role=SCPD)
    romanian = world.decide(world.ro, 6)
    newer = world.decide(world.bg, 7, replaces=scpm["id"])
    before = world.stored()
    for wrong in (scpd["id"], romanian["id"], scpm["id"], "urn:uuid:no-such-decision"):
        with refused(RecordConflict, rf"is not the current decision of BG .*"
                                                 rf"{newer['id']}"):
            world.decide(world.bg, 8, replaces=wrong)
    assert world.stored() == before
    with refused(RecordConflict, "no current decision .* without replaces"):
        world.decide(world.bg, 4, role=role_id("SCPMC"), replaces=scpd["id"])
    assert world.current() == ["NQF 7"] and world.current(role=SCPD) == ["NQF 5"]


def test_after_a_withdrawal_the_next_decision_is_a_first_one(world: World):
    first = world.decide(world.bg, 6)
    world.registry.withdraw_recognition(world.bg, first["id"])
    assert world.current() == []
    with refused(RecordConflict, "BG has no current decision on .*SCPM"):
        world.decide(world.bg, 7, replaces=first["id"])
    world.decide(world.bg, 7)
    assert world.current() == ["NQF 7"]


def test_another_anchor_of_the_same_country_cannot_take_over_the_decision(world: World):
    first = world.decide(world.bg, 6)
    with pytest.raises(RecordConflict):
        world.decide(world.bg2, 7)
    with refused(NotAuthorised, "only its issuer"):
        world.decide(world.bg2, 7, replaces=first["id"])
    assert world.current() == ["NQF 6"]
    # once the first anchor is removed its decisions stop counting: the country has none
    world.registry.remove_anchor(world.operator, "bg-navet")
    world.decide(world.bg2, 7)
    assert world.current() == ["NQF 7"]


# --- over HTTP and the command line -----------------------------------------------------

@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    for name in S4C_ENV:
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(tmp_path / "data", environ={})
    prepare_data_dir(settings)
    application = create_app(settings)
    services: RegistryServices = registry_of(application)
    operator = services.operator()
    services.registry.add_anchor(operator, services.keys.authority("bg-navet").did,
                                 slug="bg-navet", country="BG", names={"en": "NAVET"})
    services.access.set_password("bg-navet", "navet-password-12")
    yield application
    services.close()


def _post(client, token: str, **extra) -> object:
    return client.post("/registry/admin/recognitions", headers={
        "Authorization": f"Bearer {token}"}, json={
        "role": "SCPM", "nqfLevel": "НКР 6", "eqfLevel": 6, "legalBasis": "Закон",
        "equivalence": {"bg": "Ниво 6"}} | extra)


def test_the_admin_api_answers_409_without_or_with_a_wrong_replaces(app: Flask):
    client = app.test_client()
    token = registry_of(app).registry.rotate_token("bg-navet")
    first = _post(client, token)
    assert first.status_code == 201
    first_id = first.get_json()["id"]
    for extra in ({}, {"replaces": "urn:uuid:not-current"}):
        refused = _post(client, token, **extra)
        assert refused.status_code == 409, refused.get_json()
        assert refused.mimetype == "application/problem+json"
        assert first_id in refused.get_json()["detail"]
    assert _post(client, token, replaces=42).status_code == 422
    replaced = _post(client, token, replaces=first_id, nqfLevel="НКР 7", eqfLevel=7)
    assert replaced.status_code == 201
    listed = client.get("/registry/recognitions?country=BG&role=SCPM").get_json()
    assert [r["nqfLevel"] for r in listed["recognitions"]] == ["НКР 7"]


def test_the_console_form_refuses_a_decision_published_meanwhile(app: Flask):
    client = app.test_client()
    login = client.get("/registry/admin/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    assert client.post("/registry/admin/login", data={
        "csrf_token": csrf, "username": "bg-navet",
        "password": "navet-password-12"}).status_code == 302
    csrf = re.search(r'name="csrf_token" value="([^"]+)"',
                     client.get("/registry/admin/recognition/SCPM").text).group(1)
    fields = {"csrf_token": csrf, "nqfLevel": "НКР 6", "eqfLevel": "6", "legalBasis": "Закон",
              "equivalence-bg": "Ниво 6"}
    assert client.post("/registry/admin/recognition/SCPM", data=fields).status_code == 302
    seen = re.search(r'name="replaces" value="([^"]+)"',
                     client.get("/registry/admin/recognition/SCPM").text).group(1)
    # another officer publishes first; this form still names the decision it saw
    token = registry_of(app).registry.rotate_token("bg-navet")
    assert _post(app.test_client(), token, replaces=seen, nqfLevel="НКР 8",
                 eqfLevel=8).status_code == 201
    stale = client.post("/registry/admin/recognition/SCPM",
                        data=fields | {"nqfLevel": "НКР 7", "replaces": seen})
    assert stale.status_code == 409 and "is not the current decision" in stale.text
    assert [r.nqf_level for r in registry_of(app).registry.snapshot()
            .recognitions_for(SCPM, "BG")] == ["НКР 8"]


def test_the_cli_needs_replaces_for_a_second_decision(tmp_path: Path):
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "data"), "registry"]
    added = runner.invoke(main, [*base, "anchor", "add", "at-oead", "--country", "AT",
                                 "--name", "en=OeAD"])
    assert added.exit_code == 0, added.output
    decide = [*base, "recognise", "--anchor", "at-oead", "--role", "SCPM", "--nqf", "NQR 6",
              "--eqf", "6", "--equivalence", "de=NQR 6", "--legal-basis", "NQR-Gesetz"]
    first = runner.invoke(main, decide)
    assert first.exit_code == 0, first.output
    first_id = json.loads(first.stdout)["id"]
    refused = runner.invoke(main, decide)
    assert refused.exit_code == 1
    assert "AT already has a decision" in refused.output and first_id in refused.output
    replaced = runner.invoke(main, [*decide, "--replaces", first_id])
    assert replaced.exit_code == 0, replaced.output


# --- PostgreSQL: decisions posted at once -------------------------------------------------

@pytest.fixture(scope="module")
def postgres_url():
    if not throwaway.postgres_available():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    with throwaway.postgres() as url:
        yield url


def _at_once(calls: list) -> list[object]:
    """Runs the calls in threads released together; each gives its result or its error."""
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = calls[i]()
        except Exception as e:  # noqa: BLE001 - the outcome is what the test checks
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_on_postgresql_two_decisions_posted_at_once_cannot_both_become_current(postgres_url):
    world = World(postgres_url)
    try:
        roles = [role_id(code) for code in ("SCPM", "SCPD", "SCPMC")]
        for role in roles:  # first decisions by two anchors of Bulgaria at once
            results = _at_once([lambda a=a, r=role: world.decide(a, 6, role=r)
                                for a in (world.bg, world.bg2, world.bg, world.bg2)])
            accepted = [r for r in results if isinstance(r, dict)]
            assert len(accepted) == 1, results
            assert all(isinstance(r, RecordConflict) for r in results if r not in accepted)
            assert len(world.current(role=role)) == 1
        for role in roles:  # then four replacements of that one decision at once
            (decision,) = world.registry.snapshot().recognitions_for(role, "BG")
            owner = world.bg if decision.anchor_did == world.bg.did else world.bg2
            results = _at_once([lambda level=level, r=role, a=owner, old=decision.id:
                                world.decide(a, level, role=r, replaces=old)
                                for level in (4, 5, 7, 8)])
            accepted = [r for r in results if isinstance(r, dict)]
            assert len(accepted) == 1, results
            assert all(isinstance(r, RecordConflict) for r in results if r not in accepted)
            (current,) = world.registry.snapshot().recognitions_for(role, "BG")
            assert current.id == accepted[0]["id"]
        with Session(world.engine) as session:  # one not withdrawn decision per role
            live = session.scalars(select(CredentialRecord.achievement).where(
                CredentialRecord.kind == "recognition",
                CredentialRecord.revoked_at.is_(None))).all()
            assert sorted(live) == sorted(roles)
    finally:
        world.engine.dispose()


def test_on_postgresql_the_migration_keeps_existing_names_and_decisions(postgres_url):
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from test_body_names import check_r0003_keeps_names

    server = make_engine(postgres_url)
    try:  # a database of its own in this cluster, to start below revision r0003
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("CREATE DATABASE s4c_r0003"))
    finally:
        server.dispose()
    url = make_url(postgres_url).set(database="s4c_r0003")
    check_r0003_keeps_names(url.render_as_string(hide_password=False))
