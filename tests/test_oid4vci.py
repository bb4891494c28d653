"""OpenID4VCI 1.0 pre-authorized code flow against `s4c serve`, driven by an independent
wallet: the OpenWallet Foundation's @openid4vc/openid4vci and @openid4vc/oauth2 (npm, pinned
in tests/wallet/package-lock.json)."""
import base64
import json
import urllib.parse
from pathlib import Path

import pytest
from oid4vci_wallet import demo_server, need_wallet, run_wallet

from vc.qr import read_qr_codes

HOLDER = "maria-ivanova@example.org"  # a demo holder with active credentials
TEST_WALLET, TEST_REDIRECT = "s4c-test-wallet", "https://wallet.example/callback"  # wallet.mjs


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need_wallet()
    with demo_server(tmp_path_factory.mktemp("oid4vci") / "data") as running:
        # the authorization code flow is open only to wallets the operator registered
        running.s4c("wallet-client", "add", TEST_WALLET, "--name", "s4c test wallet",
                    "--redirect-uri", TEST_REDIRECT)
        yield running


def _offer(server, who=HOLDER, *extra, fmt="ldp_vc") -> tuple[str, str | None]:
    done = server.s4c("offer", who, "--format", fmt, *extra)
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


def test_the_authorization_server_says_its_responses_name_it(server):
    """RFC 9207 §3: `iss` is returned (wallet.mjs refuses a response without it), so the
    metadata must say so, or a wallet cannot tell a response without `iss` is a mix-up."""
    oauth = server.get("/.well-known/oauth-authorization-server")
    assert oauth["authorization_response_iss_parameter_supported"] is True
    assert oauth["issuer"] == server.base


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


def _holder_credential(server, tmp_path: Path, pick: int = 0) -> str:
    """A unit credential of a demo holder nobody else revokes (`s4c demo` is idempotent)."""
    server.s4c("demo", "--export", str(tmp_path / "demo"))
    first = sorted((tmp_path / "demo").glob("competency-*-jonas-gruber.json"))[pick]
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


def _sd_jwt_node(request: dict) -> dict:
    import subprocess

    script = Path(__file__).parent / "interop" / "sd_jwt.mjs"
    done = subprocess.run(["node", str(script)], cwd=script.parent, input=json.dumps(request),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _issuer_jwk(sd_jwt: str) -> dict:
    from cryptography import x509
    from joserfc.jwk import ECKey

    header = json.loads(base64.urlsafe_b64decode(sd_jwt.split(".")[0] + "=="))
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    return ECKey.import_key(leaf.public_key()).as_dict(private=False)


def _payload(sd_jwt: str) -> dict:
    body = sd_jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _status_token(server, uri: str) -> str:
    import urllib.request

    with urllib.request.urlopen(uri, timeout=30) as response:  # loopback
        assert response.headers["Content-Type"] == "application/statuslist+jwt"
        return response.read().decode()


def test_the_wallet_receives_sd_jwt_vcs_that_the_npm_verifier_accepts(server):
    uri, tx_code = _offer(server, fmt="dc+sd-jwt")
    result = run_wallet(offer=uri, txCode=tx_code, alg="ES256", copies=2)
    assert result["ok"], result
    assert all(c["configurationId"].endswith("-sd_jwt") for c in result["credentials"])
    indexes = set()
    for issued in result["credentials"]:
        for entry in issued["credentials"]:
            sd_jwt = entry["credential"]
            payload = _payload(sd_jwt)
            assert payload["vct"].startswith(server.base + "/vct/")
            assert "name" not in payload  # personal claims are disclosures, not plain claims
            assert payload["cnf"]["jwk"]["kty"] == "EC"
            reference = payload["status"]["status_list"]
            indexes.add((reference["uri"], reference["idx"]))
            answer = _sd_jwt_node({"op": "verify", "sdJwt": sd_jwt,
                                   "issuerJwk": _issuer_jwk(sd_jwt),
                                   "statusListToken": _status_token(server, reference["uri"])})
            assert answer["ok"], answer
            assert answer["payload"]["name"] == "Maria Ivanova (DEMO)"
            assert answer["payload"]["achievement"]["eqf_level"] in range(1, 9)
    assert len(indexes) == 2 * len(result["credentials"])  # a random index per copy
    type_metadata = server.get(urllib.parse.urlsplit(payload["vct"]).path)
    assert type_metadata["vct"] == payload["vct"]


def test_revoking_turns_the_token_status_list_and_the_w3c_list_to_revoked(server, tmp_path):
    credential_id = _holder_credential(server, tmp_path / "second", pick=1)
    uri, tx_code = _offer(server, credential_id, fmt="dc+sd-jwt")
    result = run_wallet(offer=uri, txCode=tx_code)
    assert result["ok"], result
    sd_jwt = result["credentials"][0]["credentials"][0]["credential"]
    reference = _payload(sd_jwt)["status"]["status_list"]
    before = _sd_jwt_node({"op": "status", "token": _status_token(server, reference["uri"]),
                           "jwk": _issuer_jwk(sd_jwt), "idx": reference["idx"]})
    assert before["status"] == 0
    server.s4c("suspend", credential_id, "--reason", "test: suspended")
    suspended = _sd_jwt_node({"op": "status", "token": _status_token(server, reference["uri"]),
                              "jwk": _issuer_jwk(sd_jwt), "idx": reference["idx"]})
    assert suspended["status"] == 2
    server.s4c("reinstate", credential_id, "--reason", "test: reinstated")
    server.s4c("revoke", credential_id, "--reason", "test: revoked")
    token = _status_token(server, reference["uri"])
    after = _sd_jwt_node({"op": "status", "token": token, "jwk": _issuer_jwk(sd_jwt),
                          "idx": reference["idx"]})
    assert after["status"] == 1
    refused = _sd_jwt_node({"op": "verify", "sdJwt": sd_jwt, "issuerJwk": _issuer_jwk(sd_jwt),
                            "statusListToken": token})
    assert not refused["ok"]
    w3c = _w3c_report(server, tmp_path / "second", credential_id)
    assert w3c["verified"] is False and "revoked" in json.dumps(w3c).lower()


def _w3c_report(server, folder: Path, credential_id: str) -> dict:
    for path in (folder / "demo").glob("*.json"):
        document = json.loads(path.read_text())
        if document["id"] == credential_id:
            return _verify(server, document)
    raise AssertionError(f"{credential_id} not exported")


# -- the authorization code flow (PAR, PKCE, the holder agreeing on their page) ---------------
def _holder_cookie(server, email: str = HOLDER) -> str:
    """The holder signs in on their page, as the e-mailed link does (made here directly)."""
    import http.cookiejar
    import urllib.request
    from datetime import UTC, datetime

    from issuer.holder_sign_in import find_holder, make_link
    from web.cli.context import issuer_service
    from web.wiring.settings import Settings

    settings = Settings.from_environment(environ=server.env)
    with issuer_service(settings).sessions.begin() as s:
        token = make_link(s, find_holder(s, email), "test", datetime.now(UTC))
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{server.base}/holder/sign-in/{token}", timeout=30).read()  # loopback
    return "; ".join(f"{c.name}={c.value}" for c in jar)


@pytest.mark.parametrize("fmt", ["dc+sd-jwt", "ldp_vc"])
def test_the_authorization_code_flow_with_par_and_pkce(server, fmt):
    uri, tx_code = _offer(server, HOLDER, "--flow", "authorization-code", fmt=fmt)
    assert tx_code is None
    offer = json.loads(urllib.parse.unquote(uri.split("=", 1)[1]))
    assert set(offer["grants"]) == {"authorization_code"}
    result = run_wallet(offer=uri, cookie=_holder_cookie(server))
    assert result["ok"], result
    suffix = "-sd_jwt" if fmt == "dc+sd-jwt" else "-ldp_vc"
    assert all(c["configurationId"].endswith(suffix) for c in result["credentials"])
    assert result["tokenType"] == "DPoP"


def test_the_authorization_code_flow_needs_the_holder_signed_in(server):
    uri, _ = _offer(server, HOLDER, "--flow", "authorization-code")
    result = run_wallet(offer=uri, cookie="")
    assert not result["ok"] and result["stage"] == "authorize", result
    assert "/holder/sign-in" in result["error"]


def test_another_holder_cannot_agree_to_an_offer_made_for_someone_else(server):
    uri, _ = _offer(server, HOLDER, "--flow", "authorization-code")
    result = run_wallet(offer=uri, cookie=_holder_cookie(server, "jonas-gruber@example.org"))
    assert not result["ok"] and result["stage"] == "authorize", result


def test_a_wrong_pkce_verifier_gets_no_token(server):
    uri, _ = _offer(server, HOLDER, "--flow", "authorization-code")
    result = run_wallet(offer=uri, cookie=_holder_cookie(server), scenario="wrong-verifier")
    assert not result["ok"] and result["stage"] == "token", result
    assert "PKCE" in json.dumps(result)


def test_a_pushed_request_without_pkce_is_refused(server):
    body = urllib.parse.urlencode({"response_type": "code", "client_id": TEST_WALLET,
                                   "redirect_uri": TEST_REDIRECT,
                                   "scope": "SCPM-sd_jwt"}).encode()
    status, answer = server.post("/oid4vci/par", body,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and answer["error"] == "invalid_request"
    assert "PKCE" in answer["error_description"]


# -- verifying what the wallet received: the API, the command line and the page --------------
def test_our_verifier_checks_the_sd_jwt_vcs_it_issued_everywhere(server, tmp_path):
    uri, tx_code = _offer(server, fmt="dc+sd-jwt")
    result = run_wallet(offer=uri, txCode=tx_code)
    assert result["ok"], result
    sd_jwt = result["credentials"][0]["credentials"][0]["credential"]
    # the VC-API, with the text and as an EnvelopedVerifiableCredential (VC DM 2.0 §4.13)
    for given in (sd_jwt, {"@context": ["https://www.w3.org/ns/credentials/v2"],
                           "type": "EnvelopedVerifiableCredential",
                           "id": "data:application/dc+sd-jwt," + sd_jwt}):
        status, report = server.post("/credentials/verify",
                                     json.dumps({"verifiableCredential": given}).encode(),
                                     {"Content-Type": "application/json"})
        assert status == 200 and report["verified"] is True, _failed(report)
        assert report["summary"]["holder"]["name"] == "Maria Ivanova (DEMO)"
        assert {c["id"] for c in report["checks"]} >= {"proof", "disclosures", "issuer-trust"}
    # a disclosure altered: forged
    jwt, *disclosures = sd_jwt.split("~")
    altered = "~".join([jwt, disclosures[0][:-2] + ("AA" if disclosures[0][-2:] != "AA"
                                                    else "BB"), *disclosures[1:]])
    status, report = server.post("/credentials/verify",
                                 json.dumps({"verifiableCredential": altered}).encode(),
                                 {"Content-Type": "application/json"})
    assert status == 400 and report["verdict"] == "forged-or-malformed"
    # the command line
    path = tmp_path / "credential.sd-jwt"
    path.write_text(sd_jwt)
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "web.cli", "verify", str(path)],
                          env=server.env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Maria Ivanova (DEMO)" in done.stdout
    # the employer's page
    import urllib.request

    request = urllib.request.Request(f"{server.base}/verify", data=urllib.parse.urlencode(
        {"text": sd_jwt, "lang": "en"}).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:  # loopback
        page = response.read().decode()
    assert 'data-state="valid"' in page and "Maria Ivanova (DEMO)" in page
