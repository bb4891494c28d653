"""Aries wallets through real ACA-Py 1.7 agents: the s4c plugin serves our pinned contexts,
the issuer's agent signs as our did:web issuer, a wallet connects from an out-of-band
invitation and stores the role credential, our verifier accepts it until s4c revokes it, and
a presentation over DIDComm verifies only with the challenge we asked for."""
import http.server
import json
import threading
import uuid

import pytest
from check_results import failed_checks
from test_aries_support import AriesWorld, aries_world

from issuer.aries.agent import AgentError, wait_for
from issuer.credentials import CONTEXT
from verifier.presentation import verify_presentation
from verifier.verdict import Verdict

DOMAIN = "https://employer.example.org"
OB3, S4C = CONTEXT[1], CONTEXT[2]


@pytest.fixture(scope="module")
def world(request, tmp_path_factory) -> AriesWorld:
    return aries_world(request, tmp_path_factory)


@pytest.fixture(scope="module")
def connected(world: AriesWorld) -> AriesWorld:
    invitation = world.aries.invite("Ana Test")
    assert invitation.url.startswith("http://127.0.0.1:") and "oob=" in invitation.url
    world.holder.receive_invitation(invitation.message)
    connection = wait_for(lambda: world.aries.connection(invitation.invitation_msg_id),
                          "the wallet's connection")
    world.connection_id = connection["connection_id"]
    return world


def _not_passed(report) -> list[tuple[str, str]]:
    return [(c.check.id, c.check.technical) for c in report.checks
            if c.check.outcome.value != "passed"]


def _by_outcome(report) -> dict[str, str]:
    return {c.check.id: c.check.outcome.value for c in report.checks}


def test_the_plugin_serves_our_pinned_contexts_and_fetches_nothing_else(world):
    served = world.issuer.pinned_loader()
    assert served["bound"] is True
    assert {OB3, S4C, "https://www.w3.org/ns/credentials/status/v1"} <= set(served["contexts"])
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(b'{"@context": {"extra": "https://example.org/extra"}}')

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    unknown = f"http://127.0.0.1:{server.server_port}/context.jsonld"
    did = world.holder.create_did_key()
    credential = {"@context": ["https://www.w3.org/ns/credentials/v2", unknown],
                  "type": ["VerifiableCredential"], "issuer": did,
                  "credentialSubject": {"id": did, "extra": "x"}}
    try:
        with pytest.raises(AgentError):
            world.holder.issue_ldp(credential)
    finally:
        server.shutdown()
    assert requests == []  # refused from the pinned set, never fetched
    assert unknown in world.holder.pinned_loader()["refused"]


def test_the_agent_signs_as_our_did_web_issuer_with_our_key(world):
    docs = world.certify("Carla Test", "carla@example.org", None, role="SCPD")
    doc = next(d for d in docs if "S4CRoleCredential" in d["type"])
    signed = world.issuer.issue_ldp({k: v for k, v in doc.items() if k != "proof"},
                                    world.aries.verification_method)
    assert signed["proof"]["verificationMethod"] == f"{world.service.config.did}#key-1"
    report = world.verifier().verify_credential(signed)
    assert report.verdict is Verdict.VALID, _not_passed(report)
    assert _by_outcome(report)["key-binding"] == "passed"
    # importing the key again is a no-op, the same key
    assert world.aries.for_service(world.issuer, world.service).verification_method == \
        world.aries.verification_method


def test_the_wallet_stores_the_role_credential_which_we_verify_until_revoked(connected):
    world = connected
    docs = world.certify("Ana Test", "ana@example.org", world.holder_did)
    role = next(d for d in docs if "S4CRoleCredential" in d["type"])
    exchange = world.aries.offer(world.connection_id, role)
    issued = wait_for(lambda: world.aries.issued_credential(exchange), "the issued credential")
    assert issued["id"] == role["id"]
    stored = wait_for(lambda: [r for r in world.holder.stored_credentials()
                               if r["given_id"] == role["id"]], "the wallet's record")
    held = stored[0]["cred_value"]
    assert held["credentialStatus"] == role["credentialStatus"]
    assert held["credentialSchema"] == role["credentialSchema"]
    assert held["credentialSubject"] == role["credentialSubject"]
    assert held["proof"]["type"] == "Ed25519Signature2020"
    verifier = world.verifier()
    report = verifier.verify_credential(held)
    assert report.verdict is Verdict.VALID, _not_passed(report)
    checks = _by_outcome(report)
    assert checks["status.revocation"] == checks["status.suspension"] == "passed", checks
    assert checks["issuer-trust"] == "passed", checks
    world.service.revoke(role["id"], "test: certificate withdrawn", "test")
    revoked = verifier.verify_credential(held)
    assert revoked.verdict is Verdict.NOT_VALID_NOW
    assert _by_outcome(revoked)["status.revocation"] == "failed"
    assert "revoked" in json.dumps(revoked.to_json())


def _present(world: AriesWorld, challenge: str) -> dict:
    exchange = world.aries.request_presentation(world.connection_id, challenge=challenge,
                                                domain=DOMAIN)
    return wait_for(lambda: world.aries.presentation(exchange), "the wallet's presentation")


def test_a_presentation_over_didcomm_verifies_only_for_our_challenge(connected):
    world = connected
    docs = world.certify("Bea Test", "bea@example.org", world.holder_did, role="SCPMC")
    role = next(d for d in docs if "S4CRoleCredential" in d["type"])
    exchange = world.aries.offer(world.connection_id, role)
    wait_for(lambda: world.aries.issued_credential(exchange), "the issued credential")
    wait_for(lambda: [r for r in world.holder.stored_credentials()
                      if r["given_id"] == role["id"]], "the wallet's record")
    challenge = str(uuid.uuid4())
    presentation = _present(world, challenge)
    assert presentation["proof"]["challenge"] == challenge
    assert presentation["proof"]["domain"] == DOMAIN
    verifier = world.verifier()
    report = verify_presentation(verifier, presentation, challenge=challenge, domain=DOMAIN)
    presented = [r for r in report.credentials if r.summary]
    assert presented, report.to_json()
    valid = [r for r in report.credentials if r.verdict is Verdict.VALID]
    assert valid, report.to_json()
    own = {c.check.id: c.check.outcome.value for c in report.checks}
    assert own["challenge"] == "passed" and own["domain"] == "passed"
    assert own["holder"] == "passed", own
    wrong = verify_presentation(verifier, presentation, challenge=str(uuid.uuid4()),
                                domain=DOMAIN)
    assert wrong.verdict is Verdict.FORGED_OR_MALFORMED
    assert list(failed_checks(wrong.checks)) == ["challenge"], wrong.to_json()
    elsewhere = verify_presentation(verifier, presentation, challenge=challenge,
                                    domain="https://other.example.org")
    assert elsewhere.verdict is Verdict.FORGED_OR_MALFORMED
    assert list(failed_checks(elsewhere.checks)) == ["domain"], elsewhere.to_json()
