"""OpenID4VCI 1.0 pre-authorized code flow against `s4c serve`, driven by an independent
wallet: the OpenWallet Foundation's @openid4vc/openid4vci and @openid4vc/oauth2 (npm, pinned
in tests/wallet/package-lock.json). Issue 11, section 3."""
import base64
import json
import urllib.parse
from pathlib import Path

import pytest
from oid4vci_wallet import demo_server, need_wallet, run_wallet

from vc.qr import read_qr_codes

HOLDER = "maria-ivanova@example.org"  # a demo holder with active credentials


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need_wallet()
    with demo_server(tmp_path_factory.mktemp("oid4vci") / "data") as running:
        yield running


def _offer(server, who=HOLDER, *extra) -> tuple[str, str | None]:
    done = server.s4c("offer", who, "--format", "ldp_vc", *extra)
    tx = [line.split(": ", 1)[1] for line in done.stderr.splitlines()
          if line.startswith("tx_code: ")]
    return done.stdout.strip(), tx[0] if tx else None


def _did_jwk_key(did: str) -> dict:
    encoded = did.removeprefix("did:jwk:")
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def _failed(report: dict) -> list:
    return [(c["id"], c["reason"]) for c in report["checks"] if c["outcome"] != "passed"]


def _verify(server, credential: dict) -> dict:
    _, report = server.post("/credentials/verify",
                            json.dumps({"verifiableCredential": credential}).encode(),
                            {"Content-Type": "application/json"})
    return report


def test_metadata_names_every_role_and_unit_in_six_languages(server):
    metadata = server.get("/.well-known/openid-credential-issuer")
    assert metadata["credential_issuer"] == server.base
    assert metadata["nonce_endpoint"] == server.base + "/oid4vci/nonce"
    configurations = metadata["credential_configurations_supported"]
    assert {"SCPM-ldp_vc", "U01-ldp_vc"} <= set(configurations)
    display = configurations["SCPM-ldp_vc"]["credential_metadata"]["display"]
    assert [d["locale"] for d in display] == ["en", "bg", "ro", "el", "es", "de"]
    assert display[0]["name"] == "Smart City Project Manager"
    assert display[1]["name"] != display[0]["name"]  # translated, not copied
    oauth = server.get("/.well-known/oauth-authorization-server")
    assert oauth["token_endpoint"] == server.base + "/oid4vci/token"
    assert "ES256" in oauth["dpop_signing_alg_values_supported"]


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_the_wallet_receives_copies_bound_to_its_keys_that_verify(server, alg):
    uri, tx_code = _offer(server)
    assert uri.startswith("openid-credential-offer://?credential_offer=")
    assert tx_code is not None and len(tx_code) == 6
    result = run_wallet(offer=uri, txCode=tx_code, alg=alg, copies=2)
    assert result["ok"], result
    assert result["tokenType"] == "DPoP"
    offered = json.loads(urllib.parse.unquote(uri.split("=", 1)[1]))
    assert [c["configurationId"] for c in result["credentials"]] == \
        offered["credential_configuration_ids"]
    ids = set()
    for issued in result["credentials"]:
        assert len(issued["credentials"]) == 2  # one per key proof (batch issuance)
        keys = set()
        for entry in issued["credentials"]:
            credential = entry["credential"]
            subject = credential["credentialSubject"]
            key = _did_jwk_key(subject["id"])
            assert key["kty"] == ("EC" if alg == "ES256" else "OKP")
            keys.add(key["x"])
            names = [i for i in subject["identifier"] if i["identityType"] == "name"]
            assert names[0]["identityHash"] == "Maria Ivanova (DEMO)"
            ids.add(credential["id"])
            report = _verify(server, credential)
            assert report["verified"] is True, _failed(report)
        assert len(keys) == 2  # each copy names its own wallet key
    assert len(ids) == 2 * len(result["credentials"])


def test_a_wrong_tx_code_is_refused(server):
    uri, tx_code = _offer(server)
    wrong = "000000" if tx_code != "000000" else "111111"
    result = run_wallet(offer=uri, txCode=wrong)
    assert not result["ok"] and result["stage"] == "token"
    assert "invalid_grant" in json.dumps(result), result


def test_a_pre_authorized_code_is_used_once(server):
    uri, tx_code = _offer(server)
    result = run_wallet(offer=uri, txCode=tx_code, scenario="reuse")
    assert not result["ok"] and result["stage"] == "token-again", result
    assert "already used" in json.dumps(result)


def test_a_proof_with_a_stale_nonce_is_refused(server):
    uri, tx_code = _offer(server)
    result = run_wallet(offer=uri, txCode=tx_code, scenario="stale-nonce")
    assert not result["ok"] and result["stage"] == "credential", result
    assert "invalid_nonce" in json.dumps(result)


def test_a_proof_signed_by_another_key_than_it_names_is_refused(server):
    uri, tx_code = _offer(server)
    result = run_wallet(offer=uri, txCode=tx_code, scenario="foreign-key")
    assert not result["ok"] and result["stage"] == "credential", result
    assert "invalid_proof" in json.dumps(result)


def test_a_revoked_credential_is_not_issued_and_its_copies_turn_revoked(server, tmp_path):
    credential_id = _holder_credential(server, tmp_path)
    uri, tx_code = _offer(server, credential_id)
    result = run_wallet(offer=uri, txCode=tx_code)
    assert result["ok"], result
    copy = result["credentials"][0]["credentials"][0]["credential"]
    assert _verify(server, copy)["verified"] is True
    second_uri, second_tx = _offer(server, credential_id)
    server.s4c("revoke", credential_id, "--reason", "test: revoked after issuing")
    report = _verify(server, copy)  # the copy shares its original's status entries
    assert report["verified"] is False
    assert "revoked" in json.dumps(report).lower()
    refused = run_wallet(offer=second_uri, txCode=second_tx)
    assert not refused["ok"] and refused["stage"] == "credential"
    assert "revoked" in json.dumps(refused)


def _holder_credential(server, tmp_path: Path) -> str:
    """A unit credential of a demo holder nobody else revokes (`s4c demo` is idempotent)."""
    server.s4c("demo", "--export", str(tmp_path / "demo"))
    first = min((tmp_path / "demo").glob("competency-*-jonas-gruber.json"))
    return json.loads(first.read_text())["id"]


def test_a_bearer_token_or_a_missing_dpop_proof_is_refused(server):
    status, body = server.post("/oid4vci/credential", b"{}",
                               {"Authorization": "Bearer abc", "Content-Type":
                                "application/json"})
    assert status == 401 and body["error"] == "invalid_token"
    status, body = server.post("/oid4vci/token",
                               b"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3A"
                               b"pre-authorized_code&pre-authorized_code=x",
                               {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and body["error"] == "invalid_dpop_proof"


def test_the_offer_qr_code_holds_the_offer(server, tmp_path: Path):
    png = tmp_path / "offer.png"
    uri, _ = _offer(server, HOLDER, "-o", str(png))
    assert read_qr_codes(png.read_bytes()) == [uri]
