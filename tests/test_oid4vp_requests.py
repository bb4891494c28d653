"""OpenID4VP 1.0 requests and answers in process: the client identifier prefix
for a loopback IP address, expiry, the DCQL checks on a VP Token, and the encrypted response
bound to the request's own key. The flows with a real wallet are in test_oid4vp_wallet.py."""
import base64
import hashlib
import json
import urllib.parse
from datetime import UTC, datetime, timedelta

import pytest
from joserfc import jwe, jwk

from verifier.dcql import DcqlError, missing_claims, presentations_by_query, select
from verifier.oid4vp_answers import RefusedAnswer, decrypt_response
from verifier.vp_requests import PresentationRequests
from web.app import create_app
from web.wallet.oid4vp.requests import dcql_query, wallet_link
from web.wiring.datadir import prepare_data_dir
from web.wiring.db import make_engine, upgrade
from web.wiring.settings import Settings

QUERY = dcql_query("https://cert.example.org")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings.from_environment(
        tmp_path_factory.mktemp("oid4vp") / "data",
        environ={"S4C_PUBLIC_URL": "http://127.0.0.1:8765"})
    prepare_data_dir(settings)
    return create_app(settings).test_client()


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
def test_a_loopback_ip_gets_a_small_signed_request_by_reference(client, mode):
    """The demo's request QR held 2,880 characters (the request by value,
    `redirect_uri:`, which cannot be signed). With `x509_hash` (OpenID4VP 1.0 §5.9.3) an IP
    host's request is signed and fetched from `request_uri`, as a named host's is."""
    asked = client.post("/verify/wallet", data={"response_mode": mode})
    assert asked.status_code == 303
    status = client.get(asked.headers["Location"].split("?")[0] + "/status").get_json()
    link = status["link"]
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
    assert set(params) == {"client_id", "request_uri"}
    assert params["client_id"].startswith("x509_hash:")
    request_id = params["request_uri"].rsplit("/", 1)[1]
    answer = client.get(f"/oid4vp/request/{request_id}")
    assert answer.status_code == 200 and answer.mimetype == "application/oauth-authz-req+jwt"
    header_b64, payload_b64, _sig = answer.get_data(as_text=True).split(".")
    header = json.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
    claims = json.loads(base64.urlsafe_b64decode(payload_b64 + "=" * (-len(payload_b64) % 4)))
    leaf = base64.b64decode(header["x5c"][0])
    assert params["client_id"] == "x509_hash:" + base64.urlsafe_b64encode(
        hashlib.sha256(leaf).digest()).rstrip(b"=").decode()
    assert claims["client_id"] == params["client_id"] and claims["response_mode"] == mode
    assert claims["dcql_query"] == dcql_query("http://127.0.0.1:8765")
    by_value = wallet_link("http://127.0.0.1:8765", request_id, {
        k: v for k, v in claims.items() if k not in ("iss", "aud", "iat", "exp")}, False)
    assert len(by_value) > 1500 and len(link) < 200, (len(by_value), len(link))
    refused = client.post(claims["response_uri"], data={"state": "other", "vp_token": "{}"})
    assert refused.status_code == 400


def test_requests_expire_and_are_answered_once(tmp_path):
    url = f"sqlite:///{tmp_path / 's4c.db'}"
    upgrade(url)
    now = [datetime(2026, 3, 1, tzinfo=UTC)]
    store = PresentationRequests(make_engine(url), clock=lambda: now[0])
    store.create("A" * 32, {"nonce": "n", "state": "s", "client_id": "c"}, None, {})
    store.create("B" * 32, {"nonce": "n2", "state": "s2", "client_id": "c"}, None, {})
    assert store.finish("A" * 32, "result-1") is True
    assert store.finish("A" * 32, "result-2") is False  # the nonce is used once
    now[0] += timedelta(minutes=11)
    assert store.by_request_id("B" * 32).expired
    assert store.finish("B" * 32, "result-3") is False
    assert store.by_request_id("A" * 32).result_id == "result-1"
    assert store.by_request_id("../etc") is None


def test_the_vp_token_must_answer_the_query():
    assert presentations_by_query({"role_ldp_vc": [{}]}, QUERY) == {"role_ldp_vc": [{}]}
    for token, why in [("[]", "not a JSON object"), ({"other": ["x"]}, "did not ask for"),
                       ({"role_sd_jwt": []}, "non-empty array"),
                       ({"role_sd_jwt": "x"}, "non-empty array"),
                       ({"role_sd_jwt": ["a", "b"]}, "more presentations")]:
        with pytest.raises(DcqlError, match=why):
            presentations_by_query(token, QUERY)
    alone = {"credentials": QUERY["credentials"][:2]}  # no sets: every query is required
    with pytest.raises(DcqlError, match="does not include"):
        presentations_by_query({"role_sd_jwt": ["x"]}, alone)


def test_claims_path_pointers_select_as_the_spec_says():
    claims = {"name": "M", "achievement": {"eqf_level": 5}, "list": [{"a": 1}, {"b": 2}]}
    assert select(claims, ["achievement", "eqf_level"]) == [5]
    assert select(claims, ["list", None, "a"]) == [1]
    assert select(claims, ["list", 1, "b"]) == [2]
    assert select(claims, ["list", 5]) == []
    with pytest.raises(DcqlError):
        select(claims, ["name", None])
    role = QUERY["credentials"][0]
    full = {"name": "M", "achievement_title": "T", "achievement": {"eqf_level": 5},
            "issuing_authority": "I"}
    assert missing_claims(full, role) == []
    assert missing_claims({**full, "name": None}, role) == []  # present, even if null
    del full["name"], full["achievement"]["eqf_level"]
    assert missing_claims(full, role) == ["name", "achievement.eqf_level"]
    options = {**role, "claim_sets": [["name", "title"], ["title"]]}
    assert missing_claims(full, options) == []


def test_an_encrypted_response_opens_only_with_its_own_requests_key():
    mine = jwk.ECKey.generate_key("P-256")
    private = {**mine.as_dict(private=True), "kid": "mine", "alg": "ECDH-ES"}
    payload = json.dumps({"state": "s", "vp_token": {}}).encode()
    good = jwe.encrypt_compact({"alg": "ECDH-ES", "enc": "A128GCM", "kid": "mine"}, payload, mine)
    assert decrypt_response(good, private)["state"] == "s"
    other = jwk.ECKey.generate_key("P-256")
    for text, why in [
        (jwe.encrypt_compact({"alg": "ECDH-ES", "enc": "A128GCM", "kid": "theirs"}, payload,
                             other), "another key"),
        (jwe.encrypt_compact({"alg": "ECDH-ES", "enc": "A128GCM", "kid": "mine"}, payload,
                             other), "could not be decrypted"),
        ("not a jwe", "could not be decrypted")]:
        with pytest.raises(RefusedAnswer, match=why):
            decrypt_response(text, private)
