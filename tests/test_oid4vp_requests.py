"""OpenID4VP 1.0 requests and answers in process (issue 12 §2): the client identifier prefix
for a loopback IP address, expiry, the DCQL checks on a VP Token, and the encrypted response
bound to the request's own key. The flows with a real wallet are in test_oid4vp_wallet.py."""
import json
import urllib.parse
from datetime import UTC, datetime, timedelta

import pytest
from joserfc import jwe, jwk

from verifier.dcql import DcqlError, missing_claims, presentations_by_query, select
from verifier.oid4vp_answers import RefusedAnswer, decrypt_response
from verifier.vp_requests import PresentationRequests
from web.app import create_app
from web.datadir import prepare_data_dir
from web.db import make_engine, upgrade
from web.oid4vp.requests import dcql_query
from web.settings import Settings

QUERY = dcql_query("https://cert.example.org")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings.from_environment(
        tmp_path_factory.mktemp("oid4vp") / "data",
        environ={"S4C_PUBLIC_URL": "http://127.0.0.1:8765"})
    prepare_data_dir(settings)
    return create_app(settings).test_client()


def test_a_loopback_ip_gets_an_unsigned_request_by_value(client):
    asked = client.post("/verify/wallet", data={"response_mode": "direct_post"})
    assert asked.status_code == 303
    status = client.get(asked.headers["Location"].split("?")[0] + "/status").get_json()
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(status["link"]).query))
    # §5.9.3: no dNSName can name 127.0.0.1, and redirect_uri requests cannot be signed
    assert params["client_id"] == "redirect_uri:" + params["response_uri"]
    assert "request_uri" not in params and "request" not in params
    assert json.loads(params["dcql_query"]) == dcql_query("http://127.0.0.1:8765")
    request_id = params["response_uri"].rsplit("/", 1)[1]
    assert client.get(f"/oid4vp/request/{request_id}").status_code == 404
    refused = client.post(params["response_uri"], data={"state": "other", "vp_token": "{}"})
    assert refused.status_code == 400
    assert "another request" in refused.get_json()["error_description"]
    unencrypted = client.post(params["response_uri"], data={"response": "x.y.z.a.b"})
    assert unencrypted.status_code == 400


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
