"""OpenID4VP 1.0: the employer asks the holder's wallet, against `s4c serve`.

The wallet is the OpenWallet Foundation's @openid4vc/openid4vp (npm, pinned in
tests/vp_wallet/package-lock.json; tests/vp_wallet/present.mjs). It first receives real
credentials from s4c's own OpenID4VCI issuer (tests/wallet/wallet.mjs), then answers the
requests the employer's page makes. The server's public URL is http://localhost:<port>, a DNS
name, so requests are signed (`x509_san_dns:localhost`, x5c to the data directory's demo CA,
which the wallet is given as its trust anchor) and passed by `request_uri`.
"""
import base64
import copy
import json
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from oid4vci_wallet import demo_server, need_wallet, run_wallet

from schemas.jsonld_contexts import CONTEXTS_DIR
from vc import api
from vc.contexts import shared_store
from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey

VP_WALLET = Path(__file__).parent / "vp_wallet"
HOLDER = "maria-ivanova@example.org"  # a demo holder with active credentials
HOLDER_NAME = "Maria Ivanova (DEMO)"


def need_vp_wallet() -> None:
    need_wallet()
    if not (VP_WALLET / "node_modules" / "@openid4vc" / "openid4vp").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("the npm OpenID4VP wallet is not installed (npm ci in tests/vp_wallet)")
        pytest.skip("the npm OpenID4VP wallet is not installed (npm ci --prefix tests/vp_wallet)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def localhost_server(data_dir: Path):
    """The demo server with the public URL http://localhost:<port> (a DNS name: the demo
    certificate names it)."""
    return demo_server(data_dir, host="localhost")


def _offer(server, who: str, fmt: str) -> tuple[str, str | None]:
    done = server.s4c("offer", who, "--format", fmt)
    tx = [line.split(": ", 1)[1] for line in done.stderr.splitlines()
          if line.startswith("tx_code: ")]
    return done.stdout.strip(), tx[0] if tx else None


def _issued(server, who: str, fmt: str, alg: str) -> list[dict]:
    """Credentials from s4c's OpenID4VCI issuer, each with the holder key it is bound to."""
    uri, tx_code = _offer(server, who, fmt)
    result = run_wallet(offer=uri, txCode=tx_code, alg=alg)
    assert result["ok"], result
    out = []
    keys = iter(result["holderKeys"])
    for issued in result["credentials"]:
        for entry in issued["credentials"]:
            out.append({"configurationId": issued["configurationId"],
                        "credential": entry["credential"], "holderKey": next(keys)})
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    need_vp_wallet()
    with localhost_server(tmp_path_factory.mktemp("oid4vp") / "data") as server:
        data = Path(server.env["S4C_DATA_DIR"])
        held = {"sd_jwt": _issued(server, HOLDER, "dc+sd-jwt", "ES256"),
                "ldp": _issued(server, HOLDER, "ldp_vc", "EdDSA")}
        # the demo CA of this data directory (made with the first SD-JWT VC): the wallet's
        # trust anchor for the verifier's certificate
        yield {"server": server, "anchor": (data / "sd-jwt" / "ca.pem").read_text(), **held}


def _kind(entry: dict) -> str:
    credential = entry["credential"]
    if isinstance(credential, str):
        payload = credential.split("~")[0].split(".")[1]
        vct = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["vct"]
        return "role" if vct.endswith("/role-v1") else "unit"
    return "role" if "S4CRoleCredential" in credential["type"] else "unit"


def _query_id(entry: dict, fmt: str) -> str:
    return f"{_kind(entry)}_{'sd_jwt' if fmt == 'dc+sd-jwt' else 'ldp_vc'}"


def _ask(server, mode: str) -> tuple[str, str]:
    """The employer presses "Ask for it from a wallet": the transaction and the wallet link."""
    body = {"lang": "en"}
    if mode == "direct_post.jwt":
        body["response_mode"] = mode
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(server.base + "/verify/wallet",
                                     data=urllib.parse.urlencode(body).encode(), method="POST")
    try:
        opener.open(request, timeout=30)
        raise AssertionError("no redirect to the request's page")
    except urllib.error.HTTPError as e:
        assert e.code == 303
        location = e.headers["Location"]
    transaction = location.split("/verify/wallet/", 1)[1].split("?", 1)[0]
    status = server.get(f"/verify/wallet/{transaction}/status")
    assert status["state"] == "waiting"
    return transaction, status["link"]


def _present(world, link: str, entry: dict, fmt: str, scenario: str = "good",
             **extra) -> dict:
    options = {"uri": link, "format": fmt, "queryId": _query_id(entry, fmt),
               "credential": entry["credential"], "holderKey": entry["holderKey"],
               "anchorPem": world["anchor"], "scenario": scenario, **extra}
    done = subprocess.run(["node", str(VP_WALLET / "present.mjs"), json.dumps(options)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["ok"], result
    return result


def _result_page(server, transaction: str) -> str:
    status = server.get(f"/verify/wallet/{transaction}/status")
    assert status["state"] == "answered", status
    with urllib.request.urlopen(server.base + status["result"], timeout=30) as response:
        return response.read().decode()


def _state(html: str) -> str:
    return re.search(r'<h1 id="verdict"[^>]*data-state="([^"]+)"', html).group(1)


FORMATS = [("dc+sd-jwt", "sd_jwt"), ("ldp_vc", "ldp")]


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
@pytest.mark.parametrize(("fmt", "held"), FORMATS)
def test_a_good_answer_shows_the_same_verdict_view(world, fmt, held, mode):
    server = world["server"]
    transaction, link = _ask(server, mode)
    assert link.startswith("openid4vp://?client_id=x509_san_dns%3Alocalhost&request_uri=")
    result = _present(world, link, world[held][0], fmt)
    assert result["signed"] is True and result["version"] == 100  # OpenID4VP 1.0 final
    assert result["clientId"] == "x509_san_dns:localhost" and result["responseMode"] == mode
    (submission,) = result["submissions"]
    assert submission["status"] == 200, submission
    redirect = submission["body"]["redirect_uri"]
    assert redirect.startswith(server.base + "/verify/r/")
    html = _result_page(server, transaction)
    assert _state(html) == "valid"
    assert HOLDER_NAME in html
    # the wallet's redirect (same-device flow) leads to the same kept result
    with urllib.request.urlopen(redirect, timeout=30) as response:
        assert _state(response.read().decode()) == "valid"


@pytest.mark.parametrize(("fmt", "held", "why"), [("dc+sd-jwt", "sd_jwt", "nonce"),
                                                  ("ldp_vc", "ldp", "challenge")])
def test_an_answer_for_another_nonce_is_refused(world, fmt, held, why):
    server = world["server"]
    transaction, link = _ask(server, "direct_post.jwt")
    result = _present(world, link, world[held][0], fmt, "wrong-nonce")
    (submission,) = result["submissions"]
    assert submission["status"] == 400
    assert why in submission["body"]["error_description"]
    status = server.get(f"/verify/wallet/{transaction}/status")
    assert status["state"] == "waiting" and why in status["refusal"]
    assert status["refusalText"].startswith("The answer was not made for this request")
    # the request still waits for a good answer, which then counts
    good = _present(world, link, world[held][0], fmt)
    assert good["submissions"][0]["status"] == 200
    assert _state(_result_page(server, transaction)) == "valid"


def test_an_answer_for_another_verifier_is_refused(world):
    _, link = _ask(world["server"], "direct_post")
    result = _present(world, link, world["ldp"][0], "ldp_vc", "wrong-audience")
    (submission,) = result["submissions"]
    assert submission["status"] == 400
    assert "domain" in submission["body"]["error_description"]


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
def test_a_replayed_answer_is_refused(world, mode):
    _, link = _ask(world["server"], mode)
    result = _present(world, link, world["sd_jwt"][0], "dc+sd-jwt", "replay")
    first, second = result["submissions"]
    assert first["status"] == 200
    assert second["status"] == 400
    assert "already answered" in second["body"]["error_description"]


def test_an_answer_missing_a_requested_claim_is_refused(world):
    server = world["server"]
    transaction, link = _ask(server, "direct_post.jwt")
    result = _present(world, link, world["sd_jwt"][0], "dc+sd-jwt", "missing-claim")
    (submission,) = result["submissions"]
    assert submission["status"] == 400
    assert "did not disclose the requested claim(s) name" in \
        submission["body"]["error_description"]
    assert server.get(f"/verify/wallet/{transaction}/status")["state"] == "waiting"


@pytest.mark.parametrize(("mode", "why"), [("direct_post", "names another request"),
                                           ("direct_post.jwt", "another key")])
def test_an_answer_sent_to_another_request_is_refused(world, mode, why):
    server = world["server"]
    _, link = _ask(server, mode)
    other_transaction, other_link = _ask(server, mode)
    other_request = urllib.parse.parse_qs(urllib.parse.urlsplit(other_link).query)
    other_id = other_request["request_uri"][0].rsplit("/", 1)[1]
    result = _present(world, link, world["sd_jwt"][0], "dc+sd-jwt",
                      postTo=f"{server.base}/oid4vp/response/{other_id}")
    (submission,) = result["submissions"]
    assert submission["status"] == 400
    assert why in submission["body"]["error_description"]
    assert server.get(f"/verify/wallet/{other_transaction}/status")["state"] == "waiting"


def test_a_revoked_credential_is_refused_and_the_request_still_waits(world, tmp_path):
    """Only a valid answer ends a request; the employer sees why this one did
    not, and the request waits for another."""
    server = world["server"]
    # a unit credential of its own (another demo holder), so no other test sees it revoked
    server.s4c("demo", "--export", str(tmp_path / "demo"))
    first = min((tmp_path / "demo").glob("competency-*-jonas-gruber.json"))
    credential_id = json.loads(first.read_text())["id"]
    (entry, *_) = _issued(server, credential_id, "dc+sd-jwt", "ES256")
    server.s4c("revoke", credential_id, "--reason", "test: revoked before presenting")
    transaction, link = _ask(server, "direct_post.jwt")
    (submission,) = _present(world, link, entry, "dc+sd-jwt")["submissions"]
    assert submission["status"] == 400, submission
    assert "not valid (revoked)" in submission["body"]["error_description"]
    status = server.get(f"/verify/wallet/{transaction}/status")
    assert status["state"] == "waiting" and "(revoked)" in status["refusal"]
    assert status["refusalText"].startswith("The credential in the answer is not valid")


def test_a_credential_from_an_issuer_not_accredited_does_not_end_the_request(world):
    """Anyone can sign a credential with a key of their own: such an answer is refused, and
    the holder's answer afterwards is the one that counts."""
    server = world["server"]
    entry = copy.deepcopy(world["ldp"][0])
    credential = entry["credential"]
    issuer_key = Ed25519Multikey.generate()
    issuer = did_key_from_public_key(issuer_key.public_key)
    credential.pop("proof")
    credential["issuer"] = {**credential["issuer"], "id": issuer}
    credential["id"] = "urn:uuid:0b5d7e2a-6f3c-4d0e-9a51-2f6d1c9e8b40"
    entry["credential"] = api.sign(credential, issuer_key, store=shared_store(CONTEXTS_DIR),
                                   verification_method=f"{issuer}#{issuer.split(':')[2]}")
    transaction, link = _ask(server, "direct_post")
    (submission,) = _present(world, link, entry, "ldp_vc")["submissions"]
    assert submission["status"] == 400, submission
    assert "not valid (not-accredited)" in submission["body"]["error_description"]
    assert server.get(f"/verify/wallet/{transaction}/status")["state"] == "waiting"
    assert _present(world, link, world["ldp"][0], "ldp_vc")["submissions"][0]["status"] == 200
    assert _state(_result_page(server, transaction)) == "valid"


@pytest.mark.parametrize(("fmt", "held", "state"), [("dc+sd-jwt", "sd_jwt", "forged"),
                                                    ("ldp_vc", "ldp", "forged")])
def test_a_forged_answer_does_not_use_up_the_request(world, fmt, held, state):
    """A stranger who saw the QR code answers first with a forged credential,
    bound to the request with a key of theirs; the holder's real answer still counts."""
    server = world["server"]
    transaction, link = _ask(server, "direct_post.jwt")
    (forged,) = _present(world, link, world[held][0], fmt, "forged")["submissions"]
    assert forged["status"] == 400, forged
    assert f"not valid ({state})" in forged["body"]["error_description"]
    status = server.get(f"/verify/wallet/{transaction}/status")
    assert status["state"] == "waiting" and f"({state})" in status["refusal"]
    (real,) = _present(world, link, world[held][0], fmt)["submissions"]
    assert real["status"] == 200, real
    html = _result_page(server, transaction)
    assert _state(html) == "valid" and HOLDER_NAME in html and "Mallory" not in html


def test_the_request_object_is_signed_and_expires_and_unknown_requests_are_refused(world):
    server = world["server"]
    _, link = _ask(server, "direct_post.jwt")
    request_uri = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["request_uri"][0]
    with urllib.request.urlopen(request_uri, timeout=30) as response:
        assert response.headers["Content-Type"] == "application/oauth-authz-req+jwt"
        header, payload, _ = response.read().decode().split(".")
    header = json.loads(base64.urlsafe_b64decode(header + "=="))
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert header["typ"] == "oauth-authz-req+jwt" and header["alg"] == "ES256" and header["x5c"]
    assert claims["aud"] == "https://self-issued.me/v2"
    assert 0 < claims["exp"] - claims["iat"] <= 600
    keys = claims["client_metadata"]["jwks"]["keys"]
    assert len(keys) == 1 and "d" not in keys[0] and keys[0]["alg"] == "ECDH-ES"
    assert {c["format"] for c in claims["dcql_query"]["credentials"]} == {"dc+sd-jwt", "ldp_vc"}
    status, body = server.post("/oid4vp/response/" + "A" * 32, b"state=x&vp_token=%7B%7D",
                               {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 404 and body["error"] == "invalid_request"


# -- the employer's page in Chromium (axe-core: no serious or critical issue) -----------------
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install Debian's chromium")
        pytest.skip("Debian chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.mark.parametrize("size", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_the_page_asks_a_wallet_and_shows_its_answer(world, browser, size):
    from axe import axe_findings

    from vc.qr import read_qr_codes

    server = world["server"]
    page = browser.new_page(viewport=size)
    try:
        page.goto(server.base + "/verify?lang=de")
        assert axe_findings(page) == []
        page.click("#ask-wallet")
        page.wait_for_selector("#wallet-qr")
        assert axe_findings(page) == []
        link = page.get_attribute("#wallet-link", "href")
        assert link.startswith("openid4vp://?client_id=x509_san_dns%3Alocalhost&request_uri=")
        # the QR code the employer shows holds the same link, decodable by a phone's camera
        png = base64.b64decode(page.get_attribute("#wallet-qr", "src").split(",", 1)[1])
        assert read_qr_codes(png) == [link]
        transaction = page.url.split("/verify/wallet/", 1)[1].split("?", 1)[0]
        # a refused answer is shown while the page keeps waiting
        refused = _present(world, link, world["sd_jwt"][0], "dc+sd-jwt", "missing-claim")
        assert refused["submissions"][0]["status"] == 400
        page.wait_for_selector("#wallet-refusal:not([hidden])", timeout=15_000)
        assert "name" in page.inner_text("#wallet-refusal")
        assert "nicht alles geteilt" in page.inner_text(".refusal-text")  # in German
        answered = _present(world, link, world["ldp"][0], "ldp_vc")
        assert answered["submissions"][0]["status"] == 200
        page.wait_for_url("**/verify/r/**", timeout=15_000)  # the page follows by itself
        assert page.get_attribute("#verdict", "data-state") == "valid"
        assert page.inner_text("#holder-name") == HOLDER_NAME
        assert "lang=de" in page.url
        assert axe_findings(page) == []
        assert server.get(f"/verify/wallet/{transaction}/status")["state"] == "answered"
    finally:
        page.close()


@pytest.fixture(scope="module")
def ip_world(tmp_path_factory):
    """The demo on http://127.0.0.1:<port> (`make run`): an IP address, which no dNSName
    names, so the request is signed under `x509_hash`."""
    need_vp_wallet()
    with demo_server(tmp_path_factory.mktemp("oid4vp-ip") / "data") as server:
        data = Path(server.env["S4C_DATA_DIR"])
        held = {"sd_jwt": _issued(server, HOLDER, "dc+sd-jwt", "ES256")}
        yield {"server": server, "anchor": (data / "sd-jwt" / "ca.pem").read_text(), **held}


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
def test_a_wallet_answers_the_small_request_of_an_ip_host(ip_world, mode):
    """The OWF wallet library resolves the request by reference (`x509_hash`: it checks the
    leaf's hash and the signature) and its answer is accepted: the QR code stays small."""
    server = ip_world["server"]
    transaction, link = _ask(server, mode)
    assert link.startswith("openid4vp://?client_id=x509_hash%3A") and len(link) < 200
    answered = _present(ip_world, link, ip_world["sd_jwt"][0], "dc+sd-jwt")
    assert answered["submissions"][0]["status"] == 200
    assert _state(_result_page(server, transaction)) == "valid"
