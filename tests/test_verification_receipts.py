"""Verification receipts (`verifier.receipts`): a receipt is genuine only when
this deployment's verifier (or the one named with --verifier) signed it; whoever else signed
one is named, never called genuine; `s4c verify` shows which credential a receipt is about
and, with --credential, whether a file is that credential; and the server checks a receipt of
its own verifier against its own DID document in process, never by an HTTP call to itself.

The deployment is a real `s4c` app on a free loopback port whose public URL is its own
address; the page checks credentials against the test world (`employer_world`)."""
import copy
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from employer_world import credentials_by_state, install_verifier
from test_verifier_support import STORE, DemoIssuer
from werkzeug.serving import make_server

from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey
from verifier.receipts import credential_digest, receipt_document, sign_receipt
from web.app import create_app
from web.cli import main
from web.cli.receipt_check import (
    EXIT_FORGED,
    EXIT_GENUINE,
    EXIT_NOT_CHECKED,
    EXIT_OTHER_CREDENTIAL,
    EXIT_OTHER_VERIFIER,
)
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

VCDM_PROBLEMS = "https://www.w3.org/TR/vc-data-model#"


@pytest.fixture(scope="module")
def issuer() -> DemoIssuer:
    return DemoIssuer()


@pytest.fixture(scope="module")
def credentials(issuer):
    return credentials_by_state(issuer)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, issuer):
    """(base URL, settings, env for the command line): a real app serving on loopback."""
    holder: dict = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                         threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    env = {"S4C_PUBLIC_URL": base, "S4C_ALLOW_LOOPBACK_FETCH": "1"}
    settings = Settings.from_environment(tmp_path_factory.mktemp("receipts") / "data",
                                         environ=env)
    prepare_data_dir(settings)
    app = create_app(settings)
    install_verifier(app, issuer)
    holder["app"] = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, settings, env, app
    server.shutdown()


@pytest.fixture(scope="module")
def receipt(deployment, credentials) -> dict:
    """The receipt an employer downloads after checking the valid credential on the page."""
    _base, _settings, _env, app = deployment
    client = app.test_client()
    response = client.post("/verify", data={"text": json.dumps(credentials["valid"])})
    assert response.status_code == 303, response.get_data(as_text=True)
    result = response.headers["Location"].split("?")[0]
    document = client.get(result + "/receipt.json")
    assert document.status_code == 200
    return document.get_json()


def verifier_did(settings: Settings) -> str:
    return f"{settings.issuer_did}:verifier"


def attacker_receipt(credential: dict, *, claims: str | None = None) -> tuple[dict, str]:
    """A receipt-shaped document saying `credential` was found valid, signed with a key of
    the attacker's own (a did:key costs nothing); `claims`: the verifier it names instead."""
    key = Ed25519Multikey.generate()
    did = did_key_from_public_key(key.public_key)
    document = receipt_document(
        verifier_did=claims or did, report={"verdict": "valid", "headline": {"state": "valid"}},
        checked_at="2027-03-01T12:00:00Z", checked_by="https://verify.example.org/verify",
        credential_id=credential["id"], credential_digest=credential_digest(credential))
    return sign_receipt(document, key, f"{did}#{key.public_key_multibase}", STORE), did


def altered(receipt: dict) -> dict:
    changed = copy.deepcopy(receipt)
    changed["credentialSubject"]["verdict"] = "revoked"
    return changed


def write(tmp_path: Path, name: str, document: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def run(settings: Settings, env: dict, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "verify", *args],
                              env=env)


# --- the VC-API -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(deployment):
    """Another worker of the same deployment (same data directory, keys and public URL) that
    may not fetch over plain http from loopback: what it checks, it checks in process."""
    base, settings, _env, _app = deployment
    same = Settings.from_environment(settings.data_dir, environ={"S4C_PUBLIC_URL": base})
    assert not same.allow_loopback_fetch
    return create_app(same).test_client()


def test_the_api_checks_a_genuine_receipt_against_its_own_verifier_in_process(
        api, receipt, deployment, credentials):
    _base, settings, _env, _app = deployment
    response = api.post("/credentials/verify", json={"verifiableCredential": receipt})
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["verified"] is True and body["verdict"] == "valid"
    outcomes = {c["id"]: c["outcome"] for c in body["checks"]}
    assert outcomes["proof"] == "passed" and outcomes["receipt-verifier"] == "passed"
    assert body["receipt"]["verifier"] == verifier_did(settings)
    says = body["receipt"]["says"]
    assert says["credentialId"] == credentials["valid"]["id"]
    assert says["credentialDigest"] == credential_digest(credentials["valid"])
    assert says["verdict"] == "valid"


def test_the_api_names_whoever_else_signed_a_receipt_and_never_verifies_it(
        api, credentials, deployment):
    _base, settings, _env, _app = deployment
    foreign, attacker = attacker_receipt(credentials["valid"])
    response = api.post("/credentials/verify", json={"verifiableCredential": foreign})
    body = response.get_json()
    assert response.status_code == 400 and body["verified"] is False
    check = next(c for c in body["checks"] if c["id"] == "receipt-verifier")
    assert check["outcome"] == "failed"
    assert attacker in check["reason"] and verifier_did(settings) in check["reason"]
    assert body["receipt"]["says"] is None  # what it says is not shown as if we said it
    # asking about the proof alone does not make anyone's receipt this verifier's
    body = api.post("/credentials/verify", json={"verifiableCredential": foreign,
                                                 "options": {"checks": ["proof"]}}).get_json()
    assert body["verified"] is False

    # naming this verifier while signing with another key is a forgery
    claiming, _ = attacker_receipt(credentials["valid"], claims=verifier_did(settings))
    body = api.post("/credentials/verify", json={"verifiableCredential": claiming}).get_json()
    assert body["verified"] is False and body["verdict"] == "forged-or-malformed"


def test_the_api_calls_an_altered_receipt_forged(api, receipt):
    response = api.post("/credentials/verify", json={"verifiableCredential": altered(receipt)})
    body = response.get_json()
    assert response.status_code == 400 and body["verdict"] == "forged-or-malformed"
    assert body["type"] == VCDM_PROBLEMS + "CRYPTOGRAPHIC_SECURITY_ERROR"


# --- s4c verify ---------------------------------------------------------------------------


def test_a_genuine_receipt_shows_the_credential_it_is_about_and_matches_its_file(
        deployment, receipt, credentials, tmp_path):
    _base, settings, env, _app = deployment
    path = write(tmp_path, "receipt.json", receipt)
    shown = run(settings, env, path)
    assert shown.exit_code == EXIT_GENUINE, shown.output
    assert "GENUINE RECEIPT" in shown.output
    assert credentials["valid"]["id"] in shown.output
    assert credential_digest(credentials["valid"]) in shown.output

    matched = run(settings, env, path, "--credential",
                  write(tmp_path, "credential.json", credentials["valid"]))
    assert matched.exit_code == EXIT_GENUINE, matched.output
    assert "is the one this receipt is about" in matched.output


def test_a_receipt_about_another_credential_fails_clearly(deployment, receipt, credentials,
                                                          tmp_path):
    _base, settings, env, _app = deployment
    path = write(tmp_path, "receipt.json", receipt)
    other = run(settings, env, path, "--credential",
                write(tmp_path, "other.json", credentials["revoked"]))
    assert other.exit_code == EXIT_OTHER_CREDENTIAL, other.output
    assert "CREDENTIAL DOES NOT MATCH" in other.output
    assert credentials["revoked"]["id"] in other.output

    # the same id, other content: only the digest can tell
    changed = copy.deepcopy(credentials["valid"])
    changed["name"] = "Smart City Programme Manager (renamed)"
    same_id = run(settings, env, path, "--credential", write(tmp_path, "changed.json", changed))
    assert same_id.exit_code == EXIT_OTHER_CREDENTIAL, same_id.output
    assert credential_digest(changed) in same_id.output


def test_a_receipt_signed_by_another_key_is_never_genuine_and_names_its_signer(
        deployment, credentials, tmp_path):
    _base, settings, env, _app = deployment
    foreign, attacker = attacker_receipt(credentials["valid"])
    path = write(tmp_path, "foreign.json", foreign)
    refused = run(settings, env, path)
    assert refused.exit_code == EXIT_OTHER_VERIFIER, refused.output
    assert "genuine" not in refused.output.lower()
    assert attacker in refused.output and verifier_did(settings) in refused.output
    assert f"its signature is valid: it is {attacker}'s receipt" in refused.output

    # checked as the receipt of the verifier named with --verifier, it is that one's
    named = run(settings, env, path, "--verifier", attacker)
    assert named.exit_code == EXIT_GENUINE, named.output
    assert attacker in named.output


def test_a_genuine_receipt_of_this_verifier_is_not_another_verifiers(deployment, receipt,
                                                                     tmp_path):
    _base, settings, env, _app = deployment
    someone = did_key_from_public_key(Ed25519Multikey.generate().public_key)
    refused = run(settings, env, write(tmp_path, "receipt.json", receipt), "--verifier",
                  someone)
    assert refused.exit_code == EXIT_OTHER_VERIFIER, refused.output
    assert "genuine" not in refused.output.lower()


def test_an_altered_or_falsely_attributed_receipt_is_forged(deployment, receipt, credentials,
                                                           tmp_path):
    _base, settings, env, _app = deployment
    forged = run(settings, env, write(tmp_path, "altered.json", altered(receipt)))
    assert forged.exit_code == EXIT_FORGED, forged.output
    assert "NOT A GENUINE RECEIPT" in forged.output
    claiming, _ = attacker_receipt(credentials["valid"], claims=verifier_did(settings))
    forged = run(settings, env, write(tmp_path, "claiming.json", claiming))
    assert forged.exit_code == EXIT_FORGED, forged.output


def test_a_receipt_whose_verifier_cannot_be_reached_is_not_checked(deployment, receipt,
                                                                   tmp_path):
    base, settings, _env, _app = deployment
    # without the loopback exception, did:web's https:// address of this test server fails
    unchecked = run(settings, {"S4C_PUBLIC_URL": base, "S4C_ALLOW_LOOPBACK_FETCH": None},
                    write(tmp_path, "receipt.json", receipt))
    assert unchecked.exit_code == EXIT_NOT_CHECKED, unchecked.output
    assert "genuine" not in unchecked.output.lower()


def test_the_exit_codes_are_in_the_help():
    text = CliRunner().invoke(main, ["verify", "--help"]).output
    for line in ("0  verified", "3  a receipt signed by another verifier",
                 "4  a genuine receipt about another credential", "5  a receipt whose"):
        assert line in text


def test_receipt_options_need_a_receipt(deployment, credentials, tmp_path):
    _base, settings, env, _app = deployment
    refused = run(settings, env, write(tmp_path, "c.json", credentials["valid"]),
                  "--credential", write(tmp_path, "d.json", credentials["valid"]))
    assert refused.exit_code == 2 and "receipt" in refused.output
