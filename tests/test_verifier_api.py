"""The VC-API: POST /credentials/verify, /presentations/challenges, /presentations/verify,
through the real app (Flask test client), with RFC 9457 problems on bad input; and real
HTTP fetching of DID documents and status lists from a loopback server."""
import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from flask import Flask
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    recognition,
    resolver_for,
    role_credential,
    status_list,
    trusted,
    unit_credential,
)

from vc._internal.dataintegrity import add_proof
from vc.did_key import did_key_from_public_key
from vc.did_resolver import DIDResolver
from vc.fetch import CachingFetcher
from vc.multikey import Ed25519Multikey
from verifier.service import Verifier
from verifier.verdict import Verdict
from web.app import create_app
from web.employer.verify_api import MAX_BODY_BYTES
from web.wiring.datadir import prepare_data_dir
from web.wiring.services import replace_services
from web.wiring.settings import Settings
from web.wiring.verifiers import OwnOriginFetcher

V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture
def issuer() -> DemoIssuer:
    return DemoIssuer()


@pytest.fixture
def app(tmp_path: Path, issuer: DemoIssuer, monkeypatch: pytest.MonkeyPatch) -> Flask:
    for name in ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "DATABASE_URL", "S4C_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(tmp_path / "data", environ={})
    prepare_data_dir(settings)
    app = create_app(settings)
    world = issuer_world(issuer, revoked=(7,))
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))], [recognition("BG")])
    replace_services(app, verifier=Verifier(trust, resolver_for(world), world,
                                            clock=lambda: NOW, store=STORE))
    return app


def post(client, path: str, body) -> tuple[int, dict, str]:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    response = client.post(path, data=data, content_type="application/json")
    return response.status_code, response.get_json(), response.mimetype


def test_verify_a_credential_over_the_api(app, issuer):
    status, body, _ = post(app.test_client(), "/credentials/verify", {
        "verifiableCredential": issuer.sign(role_credential(issuer)),
        "options": {"country": "BG"}})
    assert status == 200
    assert body["verified"] is True and body["verdict"] == "valid"
    assert {c["id"] for c in body["checks"]} >= {"proof", "key-binding", "status.revocation",
                                                  "issuer-trust", "recognition"}
    # Each check's code and params for machines, its English reason for people
    assert all({"id", "outcome", "code", "params", "reason", "category"} <= set(c) <= {
        "id", "outcome", "code", "params", "detail", "reason", "category"}
        for c in body["checks"])
    assert body["summary"]["recognition"]["country"] == "BG"


def test_a_revoked_credential_over_the_api_is_a_400_problem_carrying_the_report(app, issuer):
    status, body, mimetype = post(app.test_client(), "/credentials/verify", {
        "verifiableCredential": issuer.sign(role_credential(issuer, revocation_index=7))})
    # VC-API "Verify Credential": 200 when verified, 400 otherwise (RFC 9457 problem details)
    assert status == 400 and mimetype == "application/problem+json"
    assert body["status"] == 400 and body["type"].endswith("/problems/not-valid-now")
    assert body["detail"].startswith("status.revocation: ")
    assert body["verified"] is False and body["verdict"] == "not-valid-now"
    assert {c["id"]: c["outcome"] for c in body["checks"]}["status.revocation"] == "failed"


def test_options_checks_decide_what_verified_means_but_authenticity_always_counts(app, issuer):
    client = app.test_client()
    revoked = issuer.sign(role_credential(issuer, revocation_index=7))
    status, body, _ = post(client, "/credentials/verify", {
        "verifiableCredential": revoked, "options": {"checks": ["proof"]}})
    assert status == 200 and body["verified"] is True, body
    assert body["checksApplied"] == ["proof"]
    assert body["verdict"] == "not-valid-now"  # s4c's whole verdict is still reported
    status, body, _ = post(client, "/credentials/verify", {
        "verifiableCredential": revoked, "options": {"checks": ["proof", "credentialStatus"]}})
    assert status == 400 and body["verified"] is False
    forged = copy.deepcopy(revoked)
    forged["validUntil"] = "2099-01-01T00:00:00Z"
    status, body, _ = post(client, "/credentials/verify", {
        "verifiableCredential": forged, "options": {"checks": ["credentialStatus"]}})
    assert status == 400 and body["verdict"] == "forged-or-malformed"
    assert body["type"] == "https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR"
    # VC DM 2.0 §7.1: the type's integer code; beside it, the finding that decided
    assert body["code"] == -65
    assert body["finding"]["check"] == "proof"
    assert body["finding"]["code"] == "proof.signature-mismatch"
    assert body["finding"]["params"]["suite"] == "eddsa-rdfc-2022"
    assert body["detail"].startswith("proof: The eddsa-rdfc-2022 signature by ")
    assert body["checksApplied"] == ["proof", "credentialStatus"]
    status, body, _ = post(client, "/credentials/verify", {
        "verifiableCredential": revoked, "options": {"checks": ["everything-is-fine"]}})
    assert status == 400 and "unknown check 'everything-is-fine'" in body["detail"]
    assert "verified" not in body  # unusable input: no verification was made


def test_unit_credentials_can_be_supplied_with_a_role_credential(app, issuer):
    units = [issuer.sign(unit_credential(issuer, i)) for i in range(1, 7)]
    _, body, _ = post(app.test_client(), "/credentials/verify", {
        "verifiableCredential": issuer.sign(role_credential(issuer, units=units)),
        "relatedCredentials": units})
    assert {c["id"]: c["outcome"] for c in body["checks"]}["role-stack"] == "passed"


@pytest.mark.parametrize(("body", "status", "detail"), [
    (b'{"verifiableCredential": ', 400, "not valid JSON"),
    (b'{"a": 1, "a": 2}', 400, "duplicate object key"),
    (b"[]", 400, "must be a JSON object"),
    (b'{"verifiableCredential": "text"}', 400, "'verifiableCredential', a JSON object"),
    (b'{"verifiableCredential": {}, "options": {"country": "Bulgaria"}}', 400, "alpha-2"),
    (b'{"verifiableCredential": {}, "options": []}', 400, "options must be"),
    (b'{"verifiableCredential": ' + b"[" * 100 + b"]" * 100 + b"}", 400, "nested deeper"),
    (b'{"verifiableCredential": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400, "nested"),
    (b'{"x": "' + b"a" * (MAX_BODY_BYTES + 10) + b'"}', 413, "larger than"),
    (b"\xff\xfe", 400, "UTF-8"),
])
def test_bad_input_is_a_problem_details_response_never_a_500(app, body, status, detail):
    code, problem, mimetype = post(app.test_client(), "/credentials/verify", body)
    assert code == status
    assert mimetype == "application/problem+json"
    assert problem["status"] == status and detail in problem["detail"]


@pytest.mark.parametrize(("body", "kind", "vcdm_code", "finding"), [
    (b'{"verifiableCredential": ', "PARSING_ERROR", -64, "input.malformed"),
    (b"\xff\xfe", "PARSING_ERROR", -64, "input.malformed"),
    (b'{"x": "' + b"a" * (MAX_BODY_BYTES + 10) + b'"}', "RANGE_ERROR", -67, "input.too-large"),
    (b'{"verifiableCredential": {}, "options": []}', "MALFORMED_VALUE_ERROR", -66, None),
])
def test_unusable_input_has_the_vc_data_model_problem_type_and_its_finding(
        app, body, kind, vcdm_code, finding):
    _, problem, _ = post(app.test_client(), "/credentials/verify", body)
    assert problem["type"] == "https://www.w3.org/TR/vc-data-model#" + kind
    assert problem["code"] == vcdm_code
    assert (problem.get("finding") or {}).get("code") == finding


def test_a_presentation_that_is_not_verified_names_its_finding(app):
    status, body, _ = post(app.test_client(), "/presentations/verify", {
        "verifiablePresentation": {"@context": ["https://www.w3.org/ns/credentials/v2"],
                                   "type": ["VerifiablePresentation"]}})
    assert status == 400 and body["type"].startswith("https://www.w3.org/TR/vc-data-model#")
    assert "finding" in body and isinstance(body["finding"]["code"], str)


def test_undefined_terms_and_unknown_contexts_are_reported_as_failed_checks(app, issuer):
    client = app.test_client()
    signed = issuer.sign(role_credential(issuer))
    bad_term = copy.deepcopy(signed)
    bad_term["credentialSubject"]["favouriteColour"] = "green"
    bad_context = copy.deepcopy(signed)
    bad_context["@context"] = [*bad_context["@context"], "https://evil.example/ctx"]
    for document, words in ((bad_term, "favouriteColour"), (bad_context, "unknown JSON-LD")):
        status, body, _ = post(client, "/credentials/verify", {"verifiableCredential": document})
        assert status == 400 and body["verdict"] == "forged-or-malformed"
        assert body["type"] == "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR"
        terms = next(c for c in body["checks"] if c["id"] == "terms")
        assert terms["outcome"] == "failed" and words in terms["reason"]


def test_wrong_method_is_a_problem(app):
    response = app.test_client().get("/credentials/verify")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"


# --- presentations -------------------------------------------------------------------

@pytest.fixture
def holder() -> tuple[Ed25519Multikey, str]:
    key = Ed25519Multikey.generate()
    did = did_key_from_public_key(key.public_key)
    return key, did


def presentation(holder, credentials: list[dict], challenge: str, domain: str) -> dict:
    key, did = holder
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "holder": did,
          "verifiableCredential": credentials}
    return add_proof(vp, key, verification_method=f"{did}#{key.public_key_multibase}",
                     proof_purpose="authentication", extra={"challenge": challenge,
                                                            "domain": domain},
                     cache=STORE.cache())


def new_challenge(client) -> tuple[str, str]:
    response = client.post("/presentations/challenges")
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["challenge"]) >= 22
    return body["challenge"], body["domain"]


def test_a_presentation_with_a_fresh_challenge_verifies_once(app, issuer, holder):
    client = app.test_client()
    challenge, domain = new_challenge(client)
    credential = issuer.sign(role_credential(issuer, holder_did=holder[1]))
    vp = presentation(holder, [credential], challenge, domain)
    request = {"verifiablePresentation": vp,
               "options": {"challenge": challenge, "domain": domain}}
    status, body, _ = post(client, "/presentations/verify", request)
    assert status == 200
    assert body["verified"] is True, body
    assert body["credentials"][0]["verdict"] == "valid"
    assert {c["id"]: c["outcome"] for c in body["checks"]} == {
        "structure": "passed", "terms": "passed", "proof": "passed", "challenge": "passed",
        "domain": "passed", "holder": "passed", "holder-binding": "passed"}

    status, replay, mimetype = post(client, "/presentations/verify", request)
    assert status == 400 and mimetype == "application/problem+json"
    assert replay["verified"] is False and replay["verdict"] == "forged-or-malformed"
    assert replay["detail"].startswith("challenge: ")
    reason = next(c["reason"] for c in replay["checks"] if c["id"] == "challenge")
    assert "already used" in reason


def test_a_presentation_for_another_challenge_or_domain_is_rejected(app, issuer, holder):
    client = app.test_client()
    credential = issuer.sign(role_credential(issuer, holder_did=holder[1]))
    challenge, domain = new_challenge(client)
    other, _ = new_challenge(client)
    cases = [
        (presentation(holder, [credential], other, domain), challenge, domain, "challenge"),
        (presentation(holder, [credential], challenge, "evil.example"), challenge, domain,
         "domain"),
        (presentation(holder, [credential], "made-up-challenge-000000", domain),
         "made-up-challenge-000000", domain, "challenge"),
    ]
    for vp, expected_challenge, expected_domain, failing in cases:
        _, body, _ = post(client, "/presentations/verify", {
            "verifiablePresentation": vp,
            "options": {"challenge": expected_challenge, "domain": expected_domain}})
        outcomes = {c["id"]: c["outcome"] for c in body["checks"]}
        assert outcomes[failing] == "failed", body
        assert body["verified"] is False


def test_a_presentation_signed_for_assertion_is_not_authentication(app, issuer, holder):
    client = app.test_client()
    challenge, domain = new_challenge(client)
    key, did = holder
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "holder": did}
    vp = add_proof(vp, key, verification_method=f"{did}#{key.public_key_multibase}",
                   proof_purpose="assertionMethod",
                   extra={"challenge": challenge, "domain": domain}, cache=STORE.cache())
    _, body, _ = post(client, "/presentations/verify", {
        "verifiablePresentation": vp, "options": {"challenge": challenge, "domain": domain}})
    assert {c["id"]: c["outcome"] for c in body["checks"]}["proof"] == "failed"


def test_someone_else_cannot_present_a_holder_s_credential(app, issuer, holder):
    client = app.test_client()
    challenge, domain = new_challenge(client)
    victim = did_key_from_public_key(Ed25519Multikey.generate().public_key)
    credential = issuer.sign(role_credential(issuer, holder_did=victim))
    _, body, _ = post(client, "/presentations/verify", {
        "verifiablePresentation": presentation(holder, [credential], challenge, domain),
        "options": {"challenge": challenge, "domain": domain}})
    assert {c["id"]: c["outcome"] for c in body["checks"]}["holder-binding"] == "failed"
    assert body["verdict"] == "forged-or-malformed"


# --- real HTTP on loopback -----------------------------------------------------------

class _Documents(BaseHTTPRequestHandler):
    documents: ClassVar[dict[str, bytes]] = {}
    hits: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        body = self.documents.get(self.path)
        etag = f'"{abs(hash(body))}"'
        self.hits.append((self.path, self.headers.get("If-None-Match")))
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def loopback_issuer():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Documents)
    port = server.server_address[1]
    issuer = DemoIssuer(host=f"127.0.0.1:{port}", scheme="http")
    _Documents.documents = {
        "/.well-known/did.json": json.dumps(issuer.did_document()).encode(),
        "/status/revocation/1": json.dumps(status_list(issuer, "revocation", (7,))).encode(),
        "/status/suspension/1": json.dumps(status_list(issuer, "suspension")).encode(),
    }
    _Documents.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield issuer, f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def test_did_documents_and_status_lists_over_real_http_with_etag(loopback_issuer):
    issuer, origin = loopback_issuer
    fetcher = OwnOriginFetcher(origin)
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))])
    clock = [0.0]
    status = CachingFetcher(fetcher, ttl_seconds=30, clock=lambda: clock[0])
    verifier = Verifier(trust, DIDResolver(fetcher=fetcher), status, clock=lambda: NOW,
                        store=STORE)
    assert verifier.verify_credential(issuer.sign(role_credential(issuer))).verdict \
        is Verdict.VALID
    revoked = verifier.verify_credential(issuer.sign(role_credential(issuer,
                                                                      revocation_index=7)))
    assert revoked.verdict is Verdict.NOT_VALID_NOW
    clock[0] = 31
    verifier.verify_credential(issuer.sign(role_credential(issuer)))
    revalidations = [h for h in _Documents.hits if h[0] == "/status/revocation/1"]
    assert len(revalidations) == 2 and revalidations[1][1] is not None  # If-None-Match sent


def test_loopback_http_is_refused_without_the_explicit_setting(loopback_issuer):
    issuer, _origin = loopback_issuer
    strict = OwnOriginFetcher(None)  # S4C_ALLOW_LOOPBACK_FETCH unset
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))])
    verifier = Verifier(trust, DIDResolver(fetcher=strict), strict, clock=lambda: NOW,
                        store=STORE)
    report = verifier.verify_credential(issuer.sign(role_credential(issuer)))
    assert report.verdict is Verdict.COULD_NOT_CHECK
    assert "loopback" in json.dumps(report.to_json())
    assert _Documents.hits == []
    other_origin = OwnOriginFetcher("http://127.0.0.1:1")  # only the app's own origin
    verifier = Verifier(trust, DIDResolver(fetcher=other_origin), other_origin,
                        clock=lambda: NOW, store=STORE)
    assert verifier.verify_credential(issuer.sign(role_credential(issuer))).verdict \
        is Verdict.COULD_NOT_CHECK
    assert _Documents.hits == []
