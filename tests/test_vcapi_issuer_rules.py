"""The VC-API issuer (`POST /credentials/issue`) issues only what the recorded certification
allows, exactly as the console and `s4c issue` do (and "Also": an `id` that
differs from `options.credentialId`).

Each attack the outside review made with an officer's token is refused with a 422 problem
that names the field, and leaves nothing stored (no credential, no decision, no audit row);
a legitimate request gets the console's credential, and the SD-JWT copies name the
deployment as their issuing authority, whatever a stored credential says.
"""
import base64
import copy
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import vc_calls
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
from flask.testing import FlaskClient
from joserfc import jwk
from sqlalchemy import func, select, update

from issuer.audit import AuditEvent
from issuer.credentials import rfc3339, role_achievement, unit_achievement
from issuer.minting import add_years
from issuer.models import Assessment, Decision, IssuedCredential
from issuer.officers import add_officer
from issuer.wallet_issuing import HolderKey
from vc.did_resolver import DIDResolver
from vc.did_web import did_web_to_url
from vc.fetch import StaticFetcher
from web.app import create_app
from web.wallet.oid4vci.holder_jwt import did_jwk
from web.wiring.datadir import prepare_data_dir
from web.wiring.sd_jwt_keys import sd_jwt_issuer_key
from web.wiring.settings import Settings

DEPLOYMENT = "Sofia Smart City Certification Body"
FORGED_ISSUER = "Ministry of Education (Official)"
V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
PROBLEM = "application/problem+json"
PASSWORD = "a long officer password"
MARIA = "did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"
PETAR = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
IVAN = "did:key:z6MktgKTsu1QhX6QPbyqG6geXdw6FQCZBPq7uQpieWbiQiG7"
NOW = datetime.now(UTC).replace(microsecond=0)
DAY = (NOW - timedelta(days=1)).date()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL",
                 "S4C_ISSUER_NAME"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(tmp_path / "data",
                                         environ={"S4C_ISSUER_NAME": DEPLOYMENT})
    prepare_data_dir(settings)
    return settings


@pytest.fixture
def app(settings: Settings) -> Flask:
    return create_app(settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def service(app: Flask):
    service = app.extensions["s4c"].issuer
    service.clock = lambda: NOW  # the console's and the VC-API's "now" alike
    return service


@pytest.fixture
def token(service) -> str:
    return add_officer(service.sessions, "olga", PASSWORD, "test")


def _record(service, ref: str, unit: str, score: float = 80):
    return service.record_attempt(ref, unit, score, 100, DAY, "Exam Centre", "Assessor A",
                                  "test")


@pytest.fixture
def people(service) -> dict[str, str]:
    """Maria passed every unit of SCPM (not certified yet: the rules decide when asked);
    Petar passed its first unit only and failed its second; Ivan's one pass was voided."""
    units = service.framework().role("SCPM").units
    maria = service.add_candidate("Maria Ivanova", "maria@example.org", MARIA, "test")
    for unit in units:
        _record(service, maria, unit)
    petar = service.add_candidate("Petar Petrov", "petar@example.org", PETAR, "test")
    _record(service, petar, units[0])
    _record(service, petar, units[1], score=20)
    ivan = service.add_candidate("Ivan Georgiev", "ivan@example.org", IVAN, "test")
    service.void_assessment(_record(service, ivan, units[0]).ref, "recorded in error", "test")
    return {"maria": maria, "petar": petar, "ivan": ivan}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _request(settings: Settings, achievement_id: str, did: str = MARIA, **extra) -> dict:
    """The least a client sends: whose, and which achievement."""
    return {"@context": [V2, OB3], "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": settings.issuer_did,
            "credentialSubject": {"id": did, "type": ["AchievementSubject"],
                                  "achievement": {"id": achievement_id}}, **extra}


def _issue(client, token, credential, **options):
    body = {"credential": credential, **({"options": options} if options else {})}
    return client.post("/credentials/issue", json=body, headers=_auth(token))


def _stored(service) -> dict[str, int]:
    with service.sessions() as s:
        return {table.__name__: s.scalar(select(func.count()).select_from(table))
                for table in (IssuedCredential, Decision, AuditEvent, Assessment)}


def _role(service):
    return service.framework().role("SCPM")


def _unit(service, i: int = 0):
    return service.framework().unit(_role(service).units[i])


def _expected_until() -> str:
    return rfc3339(add_years(NOW, 3))


# -- the attacks: each a 422 naming the field, nothing stored -------------------------------
def _role_request(settings, service, **extra) -> dict:
    return _request(settings, _role(service).id, **extra)


def _with_subject(credential: dict, **fields) -> dict:
    credential["credentialSubject"].update(fields)
    return credential


ATTACKS = {
    "a role for a candidate who passed one unit": lambda st, sv: (
        _request(st, _role(sv).id, PETAR), "/credentialSubject/achievement/id",
        "is not certified"),
    "a unit the candidate failed": lambda st, sv: (
        _request(st, _unit(sv, 1).id, PETAR), "/credentialSubject/achievement/id",
        "20/100"),
    "a unit whose only pass was voided": lambda st, sv: (
        _request(st, _unit(sv, 0).id, IVAN), "/credentialSubject/achievement/id",
        "not passed"),
    "a role valid until 9999-12-31": lambda st, sv: (
        _role_request(st, sv, validUntil="9999-12-31T23:59:59Z"), "/validUntil",
        f"allows validUntil {_expected_until()}"),
    "a role valid a year longer": lambda st, sv: (
        _role_request(st, sv, validUntil=rfc3339(add_years(NOW, 4))), "/validUntil",
        f"allows validUntil {_expected_until()}"),
    "an expiry on a unit credential": lambda st, sv: (
        _request(st, _unit(sv).id, validUntil=rfc3339(add_years(NOW, 1))), "/validUntil",
        "does not expire"),
    "validFrom a month from now": lambda st, sv: (
        _role_request(st, sv, validFrom=rfc3339(NOW + timedelta(days=30))), "/validFrom",
        f"signed at {rfc3339(NOW)}"),
    "validFrom backdated": lambda st, sv: (
        _role_request(st, sv, validFrom="2020-01-01T00:00:00Z"), "/validFrom",
        "leave validFrom out"),
    "a holder name the client chooses": lambda st, sv: (
        _with_subject(_role_request(st, sv), name="Someone Else"), "/credentialSubject/name",
        "name comes from the candidate record (\"Maria Ivanova\")"),
    "a holder identity the client chooses": lambda st, sv: (
        _with_subject(_role_request(st, sv), identifier=[
            {"type": ["IdentityObject"], "identityHash": "Someone Else",
             "identityType": "name", "hashed": False}]),
        "/credentialSubject/identifier", "candidate record (\"Maria Ivanova\")"),
    "a grade the client chooses": lambda st, sv: (
        _with_subject(_request(st, _unit(sv).id), result=[
            {"type": ["Result"], "status": "Completed", "value": "100/100"}]),
        "/credentialSubject/result/0/value", "80/100"),
    "an issuer name the client chooses": lambda st, sv: (
        _role_request(st, sv, issuer={"id": st.issuer_did, "name": FORGED_ISSUER}),
        "/issuer/name", DEPLOYMENT),
    "an issuer url the client chooses": lambda st, sv: (
        _role_request(st, sv, issuer={"id": st.issuer_did, "url": "https://gov.example"}),
        "/issuer/url", "this issuer's url"),
    "a type the client adds": lambda st, sv: (
        _role_request(st, sv, type=["VerifiableCredential", "OpenBadgeCredential",
                                    "UniversityDegreeCredential"]),
        "/type/2", "gives a credential of the types"),
    "a unit's type on a role": lambda st, sv: (
        _role_request(st, sv, type=["VerifiableCredential", "OpenBadgeCredential",
                                    "S4CCompetencyCredential"]), "/type/2", "S4CRoleCredential"),
    "an unknown candidate": lambda st, sv: (
        _request(st, _role(sv).id, "did:example:stranger"), "/credentialSubject/id",
        "no registered candidate"),
    "a subject field not allowed": lambda st, sv: (
        _with_subject(_role_request(st, sv), alumniOf="The School of Examples"),
        "/credentialSubject/alumniOf", "is not allowed"),
    "a credential field the record does not give": lambda st, sv: (
        _role_request(st, sv, description="Chief Minister of Smart Cities"), "/description",
        "leave it out"),
    "a credential name the client chooses": lambda st, sv: (
        _role_request(st, sv, name="Doctor of Medicine"), "/name", "differs from what"),
    "evidence the client chooses": lambda st, sv: (
        _role_request(st, sv, evidence=[{"id": "urn:uuid:0d8e4c6a-8b1e-4d53-9d6b-"
                                         "3f1f4c7a9e21", "type": ["Evidence"],
                                         "narrative": "Passed with honours"}]),
        "/evidence/0/id", "differs from what"),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_each_attack_is_a_422_naming_the_field_and_stores_nothing(
        client, service, token, settings, people, attack):
    credential, pointer, words = ATTACKS[attack](settings, service)
    before = _stored(service)
    response = _issue(client, token, credential)
    body = response.get_json()
    assert response.status_code == 422 and response.mimetype == PROBLEM, body
    assert body["errors"][0]["pointer"] == f"#/credential{pointer}", body
    assert words in body["detail"], body
    assert _stored(service) == before  # no credential, no decision, no audit row


def test_a_refused_role_says_what_the_recorded_certification_allows(
        client, service, token, settings, people):
    units = _role(service).units
    body = _issue(client, token, _request(settings, _role(service).id, PETAR)).get_json()
    assert f"{units[1]} (20/100 on {DAY}: not passed)" in body["detail"], body
    assert f"{units[2]} (no result)" in body["detail"], body
    assert f"the recorded certification allows units: {units[0]}; roles: none" \
        in body["detail"], body


def test_an_id_that_differs_from_options_credential_id_is_a_422_naming_both(
        client, service, token, settings, people):
    before = _stored(service)
    credential = _role_request(settings, service,
                               id="urn:uuid:3a5e0b52-3f0c-4c1b-9a55-2d8f6b3c1e01")
    response = _issue(client, token, credential,
                      credentialId="urn:uuid:7c0f9a1e-5b7d-4e2a-8f3c-9d1e2b4a6c02")
    body = response.get_json()
    assert response.status_code == 422 and response.mimetype == PROBLEM, body
    assert [e["pointer"] for e in body["errors"]] == ["#/credential/id",
                                                      "#/options/credentialId"]
    assert "3a5e0b52" in body["detail"] and "7c0f9a1e" in body["detail"]
    assert _stored(service) == before
    same = "urn:uuid:3a5e0b52-3f0c-4c1b-9a55-2d8f6b3c1e01"
    response = _issue(client, token, credential, credentialId=same)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["verifiableCredential"]["id"] == same


# -- a legitimate request: the console's credential -----------------------------------------
@pytest.fixture
def resolver(client, settings: Settings) -> DIDResolver:
    body = client.get("/.well-known/did.json").get_data()
    return DIDResolver(fetcher=StaticFetcher({did_web_to_url(settings.issuer_did): body}))


def _name(credential: dict) -> str:
    return next(i["identityHash"] for i in credential["credentialSubject"]["identifier"]
                if i["identityType"] == "name")


def _comparable(credential: dict) -> dict:
    """What two holders' credentials of the same certification share: all but the ids,
    status slots, proof, the holder's identity and the decision's reference."""
    doc = copy.deepcopy(credential)
    for key in ("id", "proof", "credentialStatus", "relatedResource"):
        doc.pop(key, None)
    doc["credentialSubject"].pop("id", None)
    doc["credentialSubject"]["identifier"] = [
        i for i in doc["credentialSubject"]["identifier"] if i["identityType"] == "name"]
    for evidence in doc["evidence"]:
        evidence.pop("id")
    return doc


def _console_role_credential(client, service, did: str) -> dict:
    """The role credential the console issues to another Maria Ivanova, certified alike."""
    import test_issuer_web_console as console
    assert console._login(client).status_code == 302
    added = console._post(client, "/issuer/candidates", "/issuer/candidates", {
        "name": "Maria Ivanova", "email": "maria.console@example.org", "did": did})
    page = added.headers["Location"]
    for unit in _role(service).units:
        assert console._post(client, page, f"{page}/assessments", {
            "unit": unit, "score": "80", "max_score": "100", "assessed_on": DAY.isoformat(),
            "exam_body": "Exam Centre", "assessor": "Assessor A"}).status_code == 302
    assert console._post(client, page, f"{page}/certify", {}).status_code == 302
    ref = page.rsplit("/", 1)[1]
    return next(c.document for c in service.credentials(candidate_ref=ref) if c.kind == "role")


def test_a_certified_candidate_gets_exactly_what_the_console_issues(
        client, service, token, settings, people, resolver):
    response = _issue(client, token, _role_request(settings, service))
    assert response.status_code == 201, response.get_json()
    signed = response.get_json()["verifiableCredential"]
    assert signed["validFrom"] == rfc3339(NOW)
    assert signed["validUntil"] == _expected_until()  # the framework's, from issuing
    assert _name(signed) == "Maria Ivanova"  # the candidate record's
    assert signed["issuer"]["name"] == DEPLOYMENT and signed["issuer"]["id"] == \
        settings.issuer_did
    assert signed["type"][-1] == "S4CRoleCredential"
    assert signed["credentialSubject"]["achievement"] == role_achievement(
        _role(service), service.framework())
    assert vc_calls.verify(signed, resolver=resolver).verified
    # the role names the unit credentials it was earned from: issued with it, as the
    # console issues them
    held = service.credentials(candidate_ref=people["maria"])
    units = {c.id for c in held if c.kind == "unit"}
    assert len(units) == len(_role(service).units)
    assert {r["id"] for r in signed["relatedResource"]} == units
    assert service.credential(signed["id"]).valid_until is not None
    console = _console_role_credential(client, service, "did:example:maria-console")
    assert _comparable(signed) == _comparable(console)


def test_a_request_that_repeats_what_the_record_gives_is_issued(
        client, service, token, settings, people):
    unit = _unit(service)
    wanted = "urn:uuid:5e1d2c3b-4a59-4867-9f0e-1d2c3b4a5968"
    credential = {
        "@context": [V2, OB3],
        "type": ["VerifiableCredential", "AchievementCredential", "S4CCompetencyCredential"],
        "id": wanted,
        "issuer": {"id": settings.issuer_did, "type": ["Profile"], "name": DEPLOYMENT},
        "validFrom": rfc3339(NOW + timedelta(minutes=1)),
        "credentialSubject": {
            "id": MARIA, "type": ["AchievementSubject"],
            "achievement": unit_achievement(unit, service.framework()),
            "result": [{"type": ["Result"], "status": "Completed", "value": "80/100"}]}}
    response = _issue(client, token, credential, credentialId=wanted)
    assert response.status_code == 201, response.get_json()
    signed = response.get_json()["verifiableCredential"]
    assert signed["id"] == wanted and signed["validFrom"] == rfc3339(NOW)
    assert "validUntil" not in signed and _name(signed) == "Maria Ivanova"
    role = _role_request(settings, service, validUntil=rfc3339(
        add_years(NOW, 3) - timedelta(minutes=2)))
    response = _issue(client, token, role)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["verifiableCredential"]["validUntil"] == _expected_until()
    again = _issue(client, token, _role_request(settings, service))
    assert again.status_code == 409 and again.mimetype == PROBLEM


# -- SD-JWT copies: the deployment's name --------------------------------------------------
def _sd_jwt_payload(service, settings: Settings, credential_id: str) -> dict[str, Any]:
    offer = service.wallets.offer(credential_id, ["dc+sd-jwt"], "test")
    grant = service.wallets.redeem(offer.pre_authorized_code, offer.tx_code, NOW)
    key = jwk.ECKey.import_key(ec.generate_private_key(ec.SECP256R1()))
    public = key.as_dict(private=False)
    holder = HolderKey(public, key.thumbprint(), did_jwk(public))
    [copy_] = service.wallets.issue_sd_jwt(
        grant, offer.configuration_ids[0], [holder], NOW,
        sd_jwt_issuer_key(settings).signer, settings.public_url)
    body = copy_.split("~")[0].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_sd_jwt_copies_name_the_deployment_as_their_issuing_authority(
        client, service, token, settings, people):
    response = _issue(client, token, _role_request(settings, service))
    assert response.status_code == 201, response.get_json()
    credential_id = response.get_json()["verifiableCredential"]["id"]
    assert _sd_jwt_payload(service, settings, credential_id)["issuing_authority"] == \
        DEPLOYMENT
    # a credential the VC-API stored before the console's rules applied, with the client's issuer name: its
    # copies still name the deployment
    record = service.credential(credential_id)
    forged = {**record.document, "issuer": {**record.document["issuer"],
                                            "name": FORGED_ISSUER}}
    with service.sessions.begin() as s:
        s.execute(update(IssuedCredential).where(IssuedCredential.id == credential_id)
                  .values(document=forged))
    assert _sd_jwt_payload(service, settings, credential_id)["issuing_authority"] == \
        DEPLOYMENT


# -- PostgreSQL: two requests at once, and a refusal, on the production database ------------
@pytest.fixture(scope="module")
def postgres_url():
    from tools import throwaway
    if not throwaway.postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (make test installs it)")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    with throwaway.postgres() as url:
        yield url


def test_on_postgresql_two_requests_at_once_issue_one_role_and_a_refusal_stores_nothing(
        postgres_url, tmp_path, monkeypatch):
    for name in ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(tmp_path / "data", environ={
        "DATABASE_URL": postgres_url, "S4C_ISSUER_NAME": DEPLOYMENT,
        "S4C_KEY_PASSPHRASE": "postgres test passphrase"})
    prepare_data_dir(settings)
    app = create_app(settings)
    service = app.extensions["s4c"].issuer
    token = add_officer(service.sessions, "olga", PASSWORD, "test")
    maria = service.add_candidate("Maria Ivanova", "maria@example.org", MARIA, "test")
    for unit in _role(service).units:
        _record(service, maria, unit)
    before = _stored(service)
    forged = _role_request(settings, service, issuer={"id": settings.issuer_did,
                                                      "name": FORGED_ISSUER})
    refused = _issue(app.test_client(), token, forged)
    assert refused.status_code == 422, refused.get_json()
    assert _stored(service) == before
    start = threading.Barrier(2)

    def ask() -> int:
        client = app.test_client()
        start.wait()
        return _issue(client, token, _role_request(settings, service)).status_code

    with ThreadPoolExecutor(2) as pool:
        answers = sorted(pool.map(lambda _: ask(), range(2)))
    assert answers == [201, 409]
    held = service.credentials(candidate_ref=maria)
    assert sorted(c.kind for c in held) == ["role"] + ["unit"] * len(_role(service).units)
    role = next(c.document for c in held if c.kind == "role")
    assert role["issuer"]["name"] == DEPLOYMENT and _name(role) == "Maria Ivanova"


def test_a_refusal_gives_its_code_and_params_and_the_catalogues_english(
        client, service, token, settings, people):
    """Machines read the code beside the VC DM problem type; the English detail
    is the catalogue's sentence for that code, then the record's facts."""
    from vc.findings import finding
    from web.plumbing.finding_words import say_english

    stranger = "did:example:stranger"
    body = _issue(client, token, _request(settings, _role(service).id, stranger)).get_json()
    assert body["type"] == "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR"
    assert body["code"] == "issuer.request-no-candidate-with-did"
    assert body["params"] == {"pointer": "/credentialSubject/id", "did": stranger}
    sentence = say_english(finding(body["code"], **body["params"]))
    assert body["detail"] == f"credential/credentialSubject/id: {sentence}"
    assert sentence.startswith(f"no registered candidate has the DID {stranger}")
