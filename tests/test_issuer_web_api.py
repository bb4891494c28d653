"""The issuer's HTTP API: Bearer auth, assessments, the VC-API issuer, status, the public
status lists and share links, and no private key material in any response or log."""
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
import vc_calls
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from flask import Flask
from flask.testing import FlaskClient

from issuer.officers import add_officer
from issuer.shares import create_share, revoke_share, shares_of
from vc.did_resolver import DIDResolver
from vc.did_web import did_web_to_url
from vc.fetch import StaticFetcher
from vc.multikey import private_key_to_multibase
from vc.statuslist import Bitstring
from web.app import create_app
from web.wiring.datadir import open_issuer_keys, prepare_data_dir
from web.wiring.settings import Settings

S4C_ENV = ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL")
PROBLEM = "application/problem+json"


class RecordingClient(FlaskClient):
    """A test client that keeps every response body, to search them for secrets."""

    bodies: ClassVar[list[bytes]] = []

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        RecordingClient.bodies.append(response.get_data())
        return response


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in S4C_ENV:
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(tmp_path / "data", environ={})
    prepare_data_dir(settings)
    return settings


@pytest.fixture
def app(settings: Settings) -> Flask:
    app = create_app(settings)
    app.test_client_class = RecordingClient
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def service(app: Flask):
    return app.extensions["s4c"].issuer


@pytest.fixture
def token(service) -> str:
    return add_officer(service.sessions, "olga", "a long officer password", "test")


@pytest.fixture(autouse=True)
def no_key_material_leaks(settings: Settings, caplog: pytest.LogCaptureFixture):
    """After each test: no response body and no log record holds private key material."""
    RecordingClient.bodies = []
    caplog.set_level(logging.DEBUG)
    yield
    keys = open_issuer_keys(settings)
    private = keys.signing_key(keys.active().key_id).private_key
    secrets = [private_key_to_multibase(private),
               private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8,
                                     NoEncryption()).decode(),
               (settings.keys_dir / f"{keys.active().key_id}.pem").read_text(),
               (settings.data_dir / "flask-secret").read_text().strip()]
    records = [r for when in ("setup", "call") for r in caplog.get_records(when)]
    logs = "\n".join(logging.Formatter().format(r) for r in records)  # with tracebacks
    assert RecordingClient.bodies, "the test made no request"
    for secret in secrets:
        pem_body = secret.splitlines()[1] if secret.startswith("-----") else secret
        for body in RecordingClient.bodies:
            assert pem_body.encode() not in body
        assert pem_body not in logs


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _issue_body(service, role: str = "SCPM", email: str = "ana@example.org",
                score: float = 80) -> dict:
    day = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    return {"candidate": {"name": "Ana Test", "email": email},
            "assessments": [{"unit": unit, "score": score, "max_score": 100,
                             "assessed_on": day, "exam_body": "Exam Centre",
                             "assessor": "Assessor A"}
                            for unit in service.framework().role(role).units]}


def _issue(client, service, token, **kwargs) -> list[dict]:
    response = client.post("/assessments", json=_issue_body(service, **kwargs),
                           headers=_auth(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["issued"]


def _role_credential(docs: list[dict]) -> dict:
    return next(d for d in docs if "S4CRoleCredential" in d["type"])


def _bit(client, document: dict, purpose: str) -> bool:
    entry = next(e for e in document["credentialStatus"] if e["statusPurpose"] == purpose)
    path = entry["statusListCredential"].removeprefix("http://127.0.0.1:8000")
    listing = client.get(path).get_json()
    return Bitstring.decode(listing["credentialSubject"]["encodedList"]).get(
        int(entry["statusListIndex"]))


def _set_status(client, token, credential_id: str, status: str):
    return client.post("/credentials/status", headers=_auth(token), json={
        "credentialId": credential_id, "reason": "test",
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": status}]})


@pytest.fixture
def resolver(client, settings: Settings) -> DIDResolver:
    body = client.get("/.well-known/did.json").get_data()
    return DIDResolver(fetcher=StaticFetcher({did_web_to_url(settings.issuer_did): body}))


# -- authentication ----------------------------------------------------------------------
@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic b2xnYTpwdw==",
                                    "Bearer "])
def test_issue_without_a_valid_token_is_refused(client, service, token, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.post("/assessments", json=_issue_body(service), headers=headers)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert service.candidates() == [] and service.credentials() == []


def test_status_change_without_a_valid_token_is_refused(client, service, token):
    credential = _role_credential(_issue(client, service, token))
    for headers in ({}, _auth("wrong")):
        response = client.post("/credentials/status", headers=headers, json={
            "credentialId": credential["id"], "reason": "x",
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}]})
        assert response.status_code == 401 and response.mimetype == PROBLEM
    assert not service.credential(credential["id"]).revoked
    assert not _bit(client, credential, "revocation")


# -- issuing -----------------------------------------------------------------------------
def test_issued_credentials_verify_with_the_apps_own_did_document(client, service, token,
                                                                   resolver):
    issued = _issue(client, service, token)
    units = service.framework().role("SCPM").units
    assert {d["credentialSubject"]["achievement"]["humanCode"] for d in issued} >= \
        {*units, "SCPM"}
    for document in issued:
        result = vc_calls.verify(document, resolver=resolver)
        assert result.verified, result.to_json()
        assert document["issuer"]["id"] == service.config.did


def test_issuing_twice_returns_the_same_credentials_and_no_second_one(client, service, token):
    first = _issue(client, service, token)
    again = client.post("/assessments", json=_issue_body(service), headers=_auth(token))
    assert again.status_code == 200
    body = again.get_json()
    assert body["issued"] == []
    assert body["existing"] == first
    assert len(service.credentials()) == len(first)


def test_a_failed_unit_is_recorded_and_issues_nothing(client, service, token):
    response = client.post("/assessments", headers=_auth(token),
                           json=_issue_body(service, score=10))
    assert response.status_code == 200
    body = response.get_json()
    assert body["issued"] == [] and body["existing"] == []
    assert body["assessments"] and not any(a["passed"] for a in body["assessments"])


@pytest.mark.parametrize(("change", "pointer"), [
    (lambda b: b["candidate"].pop("email"), "#/candidate/email"),
    (lambda b: b["candidate"].update(email="not-an-email"), "#/candidate"),
    (lambda b: b["candidate"].update(did="web:example"), "#/candidate"),
    (lambda b: b["assessments"][1].update(score="eighty"), "#/assessments/1/score"),
    (lambda b: b["assessments"][0].update(max_score=True), "#/assessments/0/max_score"),
    (lambda b: b["assessments"][1].update(assessed_on="30/05/2026"),
     "#/assessments/1/assessed_on"),
    (lambda b: b["assessments"][1].update(unit="NOPE"), "#/assessments/1"),
    (lambda b: b["assessments"][1].update(score=120), "#/assessments/1"),
    (lambda b: b.update(assessments={"unit": "U01"}), "#/assessments"),
    (lambda b: b.update(candidate="Ana"), "#/candidate"),
])
def test_a_bad_issue_request_names_the_field_and_changes_nothing(client, service, token,
                                                                 change, pointer):
    body = _issue_body(service)
    change(body)
    response = client.post("/assessments", json=body, headers=_auth(token))
    assert response.status_code == 400, response.get_json()
    problem = response.get_json()
    assert response.mimetype == PROBLEM and problem["status"] == 400
    assert problem["errors"][0]["pointer"] == pointer
    assert service.candidates() == [] and service.credentials() == []


@pytest.mark.parametrize(("body", "content_type"), [
    ("name=Ana", "application/x-www-form-urlencoded"),
    ("{", "application/json"),
    ("[" * 100_000, "application/json"),
    ('{"candidate": {}, "candidate": {}}', "application/json"),
    ("[]", "application/json"),
])
def test_a_body_that_is_not_a_json_object_is_a_problem(client, token, body, content_type):
    response = client.post("/assessments", data=body, headers=_auth(token),
                           content_type=content_type)
    assert response.status_code == 400 and response.mimetype == PROBLEM
    assert response.get_json()["errors"][0]["pointer"] == "#"


# -- status ------------------------------------------------------------------------------
def test_revoking_through_the_api_sets_the_bit_in_a_list_that_verifies(client, service, token,
                                                                       resolver):
    credential = _role_credential(_issue(client, service, token))
    assert not _bit(client, credential, "revocation")
    response = _set_status(client, token, credential["id"], "revoked")
    assert response.status_code == 200
    assert response.get_json() == {"credentialId": credential["id"], "revoked": True,
                                   "suspended": False}
    assert _bit(client, credential, "revocation")
    listing = client.get("/status/revocation/1")
    assert listing.mimetype == "application/vc+ld+json"
    result = vc_calls.verify(listing.get_json(), resolver=resolver)
    assert result.verified, result.to_json()


def test_suspend_then_reinstate_flips_the_suspension_bit_back(client, service, token):
    credential = _role_credential(_issue(client, service, token))
    assert _set_status(client, token, credential["id"], "suspended").status_code == 200
    assert _bit(client, credential, "suspension")
    assert not _bit(client, credential, "revocation")
    response = _set_status(client, token, credential["id"], "reinstated")
    assert response.status_code == 200 and not response.get_json()["suspended"]
    assert not _bit(client, credential, "suspension")


def test_a_revoked_credential_cannot_be_reinstated_or_suspended(client, service, token):
    credential = _role_credential(_issue(client, service, token))
    assert _set_status(client, token, credential["id"], "revoked").status_code == 200
    for status in ("reinstated", "suspended", "revoked"):
        response = _set_status(client, token, credential["id"], status)
        assert response.status_code == 409 and response.mimetype == PROBLEM
    assert "never" in _set_status(client, token, credential["id"],
                                  "reinstated").get_json()["detail"]
    assert service.credential(credential["id"]).revoked
    assert _bit(client, credential, "revocation")


@pytest.mark.parametrize(("body", "status", "pointer"), [
    ({"credentialId": "urn:uuid:nope", "reason": "x",
      "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}]},
     404, None),
    ({"credentialId": "urn:uuid:nope", "reason": "x",
      "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "deleted"}]},
     400, "#/credentialStatus/0/status"),
    ({"credentialId": "urn:uuid:nope", "reason": "x",
      "credentialStatus": [{"type": "StatusList2021Entry", "status": "revoked"}]},
     400, "#/credentialStatus/0/type"),
    ({"credentialId": "urn:uuid:nope",
      "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}]},
     400, "#/reason"),
    ({"reason": "x", "credentialStatus": []}, 400, "#/credentialId"),
])
def test_a_bad_status_request_is_a_problem(client, token, body, status, pointer):
    response = client.post("/credentials/status", json=body, headers=_auth(token))
    assert response.status_code == status and response.mimetype == PROBLEM
    if pointer:
        assert response.get_json()["errors"][0]["pointer"] == pointer


# -- status lists ------------------------------------------------------------------------
def test_status_lists_are_cacheable_and_revalidate_with_etags(client, service, token):
    credential = _role_credential(_issue(client, service, token))
    first = client.get("/status/revocation/1")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag = first.headers["ETag"]
    unchanged = client.get("/status/revocation/1", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    _set_status(client, token, credential["id"], "revoked")
    changed = client.get("/status/revocation/1", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.parametrize("path", ["/status/revocation/2", "/status/refresh/1",
                                  "/status/revocation/x"])
def test_an_unknown_status_list_is_a_404_problem(client, service, token, path):
    _issue(client, service, token)
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == PROBLEM


# -- share links -------------------------------------------------------------------------
def test_a_share_link_serves_the_credential_until_it_is_revoked(client, service, token):
    credential = _role_credential(_issue(client, service, token))
    share = create_share(service.sessions, credential["id"], "test", key=b"k" * 32)
    response = client.get(f"/shares/{share}/credential")
    assert response.status_code == 200 and response.get_json() == credential
    assert response.headers["Cache-Control"] == "no-store"
    revoke_share(service.sessions, shares_of(service.sessions, credential["id"])[0].id, "test")
    for path in (f"/shares/{share}/credential", "/shares/unknown-token/credential"):
        gone = client.get(path)
        assert gone.status_code == 404 and gone.mimetype == PROBLEM


def test_a_did_that_is_not_an_iri_is_a_400_naming_the_field(client, service, token):
    """It raised UndefinedTermError at signing, a 500."""
    body = _issue_body(service)
    body["candidate"]["did"] = "did:x:a b"
    response = client.post("/assessments", json=body, headers=_auth(token))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "not a DID" in response.get_json()["detail"]


def test_a_status_list_number_beyond_any_list_is_a_404(client):
    response = client.get("/status/revocation/" + "9" * 30)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


# -- the VC-API issuer: POST /credentials/issue with {credential, options} ------------------
HOLDER_DID = "did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@pytest.fixture
def candidate(service) -> str:
    """A candidate with a DID who passed every unit of the first role (the VC-API
    issues only what the recorded certification allows)."""
    ref = service.add_candidate("Ana Test", "ana@example.org", HOLDER_DID, "test")
    day = (datetime.now(UTC) - timedelta(days=1)).date()
    for unit in service.framework().roles[0].units:
        service.record_assessment(ref, unit, 80, 100, day, "Exam Centre", "Assessor A", "test")
    return ref


def _unsigned(settings: Settings, achievement: dict, **extra) -> dict:
    return {"@context": ["https://www.w3.org/ns/credentials/v2", OB3],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": settings.issuer_did,
            "credentialSubject": {"id": HOLDER_DID, "type": ["AchievementSubject"],
                                  "achievement": achievement}, **extra}


def _vcapi_issue(client, token, credential, **options):
    body = {"credential": credential, **({"options": options} if options else {})}
    return client.post("/credentials/issue", json=body, headers=_auth(token))


def _audit(service, action: str) -> list:
    from sqlalchemy import select

    from issuer.audit import AuditEvent
    with service.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_vcapi_issues_a_framework_achievement_that_verifies_and_can_be_revoked(
        client, service, token, settings, candidate, resolver):
    unit = service.framework().unit(service.framework().roles[0].units[0])
    response = _vcapi_issue(client, token, _unsigned(settings, {"id": unit.id}))
    assert response.status_code == 201, response.get_json()
    signed = response.get_json()["verifiableCredential"]
    # the framework's achievement, filled in from its id: name and EQF level as s4c gives them
    from issuer.credentials import unit_achievement
    assert signed["credentialSubject"]["achievement"] == unit_achievement(
        unit, service.framework())
    assert {e["statusPurpose"] for e in signed["credentialStatus"]} == {"revocation",
                                                                        "suspension"}
    assert vc_calls.verify(signed, resolver=resolver).verified
    record = service.credential(signed["id"])
    assert (record.kind, record.code, record.candidate_id is not None) == ("unit", unit.code,
                                                                           True)
    audit = [a for a in _audit(service, "credential.issued") if a.subject == signed["id"]]
    assert len(audit) == 1 and audit[0].actor == "olga" and audit[0].detail["via"] == "vc-api"
    assert not _bit(client, signed, "revocation")
    assert _set_status(client, token, signed["id"], "revoked").status_code == 200
    assert _bit(client, signed, "revocation")


def test_vcapi_accepts_the_achievement_exactly_as_the_framework_has_it_once(
        client, service, token, settings, candidate):
    from issuer.credentials import role_achievement
    role = service.framework().roles[0]
    credential = _unsigned(settings, role_achievement(role, service.framework()))
    first = _vcapi_issue(client, token, credential)
    assert first.status_code == 201, first.get_json()
    again = _vcapi_issue(client, token, credential)
    assert again.status_code == 409 and again.mimetype == PROBLEM
    assert first.get_json()["verifiableCredential"]["id"] in again.get_json()["detail"]


def _refused(response, status: int, pointer: str, words: str) -> None:
    body = response.get_json()
    assert response.status_code == status and response.mimetype == PROBLEM, body
    assert body["errors"][0]["pointer"] == f"#{pointer}", body
    assert words in body["detail"], body


def test_vcapi_refuses_an_achievement_outside_the_framework_or_altered(
        client, service, token, settings, candidate):
    unit = service.framework().unit(service.framework().roles[0].units[0])
    from issuer.credentials import unit_achievement
    altered = unit_achievement(unit, service.framework())
    altered["alignment"][-1]["targetCode"] = "8"  # a higher EQF level than the framework's
    eqf = f"/credential/credentialSubject/achievement/alignment/{len(altered['alignment']) - 1}"
    cases = [
        (_unsigned(settings, {"id": "https://example.org/not-ours"}),
         "/credential/credentialSubject/achievement/id", "not a unit or role"),
        (_unsigned(settings, altered), f"{eqf}/targetCode", "differs from the framework"),
        (dict(_unsigned(settings, {"id": unit.id}), type=["VerifiableCredential"]),
         "/credential/type", "Open Badges"),
        (_unsigned(settings, {"id": unit.id}, credentialStatus=[]),
         "/credential/credentialStatus", "assigned by the issuer"),
        (dict(_unsigned(settings, {"id": unit.id}),
              credentialSubject={"id": "did:example:stranger",
                                 "achievement": {"id": unit.id}}),
         "/credential/credentialSubject/id", "no registered candidate"),
        (_unsigned(settings, {"id": unit.id}, favouriteColour="green"),
         "/credential/favouriteColour", "is not part of the credential"),
        (_unsigned(settings, {"id": unit.id}, validFrom="2020-01-01T00:00:00Z"),
         "/credential/validFrom", "valid from when it is signed"),
        (_unsigned(settings, {"id": unit.id}, validFrom="yesterday"),
         "/credential/validFrom", "dateTimeStamp"),
        (_unsigned(settings, {"id": unit.id}, validUntil="2020-01-01T00:00:00Z"),
         "/credential/validUntil", "does not expire"),
        (dict(_unsigned(settings, {"id": unit.id}),
              type=["VerifiableCredential", "OpenBadgeCredential", "S4CRoleCredential"]),
         "/credential/type/2", "S4CCompetencyCredential"),
    ]
    for credential, pointer, words in cases:
        _refused(_vcapi_issue(client, token, credential), 422, pointer, words)
    assert service.credentials() == []
    assert _audit(service, "credential.issued") == []


@pytest.mark.parametrize(("change", "pointer", "words"), [
    (lambda c: c.pop("@context"), "/credential/@context", "is required"),
    (lambda c: c.update({"@context": 4}), "/credential/@context", "must be an array"),
    (lambda c: c.update({"@context": [{"@vocab": "https://e.example/"}]}),
     "/credential/@context", "must be a string"),
    (lambda c: c.update({"@context": ["https://www.w3.org/2018/credentials/v1"]}),
     "/credential/@context/0", "1.1 credentials are not issued"),
    (lambda c: c.pop("type"), "/credential/type", "is required"),
    (lambda c: c.update({"type": [4]}), "/credential/type", "must be an array of type"),
    (lambda c: c.update({"type": ["OpenBadgeCredential"]}), "/credential/type",
     "must include VerifiableCredential"),
    (lambda c: c.pop("issuer"), "/credential/issuer", "is required"),
    (lambda c: c.update({"issuer": []}), "/credential/issuer", "must be a URL"),
    (lambda c: c.update({"issuer": "did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"}),
     "/credential/issuer", "must be this issuer"),
    (lambda c: c.pop("credentialSubject"), "/credential/credentialSubject", "is required"),
    (lambda c: c.update({"credentialSubject": [{}]}), "/credential/credentialSubject",
     "must be one object"),
    (lambda c: c.update({"issuanceDate": "2026-01-01T00:00:00Z"}),
     "/credential/issuanceDate", "use validFrom"),
])
def test_vcapi_a_malformed_credential_is_a_400_naming_the_field(
        client, service, token, settings, candidate, change, pointer, words):
    credential = _unsigned(settings, {"id": service.framework().units[0].id})
    change(credential)
    _refused(_vcapi_issue(client, token, credential), 400, pointer, words)
    assert service.credentials() == []


def test_vcapi_request_shape_and_unknown_options_are_400(client, token, settings, service,
                                                         candidate):
    credential = _unsigned(settings, {"id": service.framework().units[0].id})
    response = client.post("/credentials/issue", headers=_auth(token),
                           json={"verifiableCredential": credential})
    _refused(response, 400, "/credential", "is required")
    response = _vcapi_issue(client, token, credential, mandatoryPointers=["/issuer"])
    _refused(response, 400, "/options/mandatoryPointers", "not an option")
    assert response.get_json()["type"].endswith("#UNKNOWN_OPTION_PROVIDED")
    response = _vcapi_issue(client, token, credential, credentialId="urn:uuid:not-a-uuid")
    _refused(response, 422, "/credential/id", "urn:uuid")


def test_vcapi_issue_needs_an_officer_token(client, settings, service, candidate, token):
    credential = _unsigned(settings, {"id": service.framework().units[0].id})
    response = client.post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert service.credentials() == []


def test_the_old_assessments_body_on_credentials_issue_still_works_deprecated(
        client, service, token):
    response = client.post("/credentials/issue", json=_issue_body(service),
                           headers=_auth(token))
    assert response.status_code == 201, response.get_json()
    assert response.headers["Deprecation"] == "true"
    assert response.headers["Link"] == '</assessments>; rel="successor-version"'
    assert len(response.get_json()["issued"]) == len(
        service.framework().role("SCPM").units) + 1
