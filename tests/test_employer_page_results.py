"""The employer page's kept results through the Flask test client: POST then redirect, an
unknown or expired result, the e-mail comparison's limit, the verifier's own DID document,
and the holder's name in the VC-API report."""
import json
from pathlib import Path

import pytest
from employer_world import HOLDER_EMAIL, HOLDER_NAME, credentials_by_state, install_verifier
from test_verifier_support import DemoIssuer

from verifier.kept_results import MAX_EMAIL_ATTEMPTS
from web.app import create_app
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings


@pytest.fixture(scope="module")
def issuer() -> DemoIssuer:
    return DemoIssuer()


@pytest.fixture(scope="module")
def credentials(issuer):
    return credentials_by_state(issuer)


@pytest.fixture
def client(tmp_path: Path, issuer):
    settings = Settings.from_environment(tmp_path / "data", environ={})
    prepare_data_dir(settings)
    app = create_app(settings)
    install_verifier(app, issuer)
    return app.test_client()


def kept(client, credential) -> str:
    response = client.post("/verify", data={"text": json.dumps(credential), "lang": "es"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/verify/r/") and location.endswith("?lang=es")
    return location.split("?")[0]


def test_after_the_post_the_result_is_a_page_of_its_own(client, credentials):
    url = kept(client, credentials["valid"])
    page = client.get(url + "?lang=ro")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-state="valid"' in html
    assert HOLDER_NAME in html and 'lang="ro"' in html


def test_an_unknown_or_malformed_result_id_is_a_clear_404(client):
    for url in ("/verify/r/" + "A" * 32, "/verify/r/nope", "/verify/r/" + "A" * 32
                + "/receipt.json"):
        response = client.get(url + "?lang=de")
        assert response.status_code == 404
        assert "Dieses Ergebnis wird nicht mehr aufbewahrt" in response.get_data(as_text=True)


def test_the_holder_name_is_escaped(client, issuer):
    from employer_world import named
    from test_verifier_support import role_credential

    evil = issuer.sign(named(role_credential(issuer, n=40), name="<script>alert(1)</script>"))
    html = client.get(kept(client, evil)).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_the_email_field_answers_and_then_stops_answering(client, credentials):
    url = kept(client, credentials["valid"])
    yes = client.post(url + "/email?lang=en", data={"email": HOLDER_EMAIL})
    assert yes.status_code == 200 and 'class="email-yes"' in yes.get_data(as_text=True)
    for _ in range(MAX_EMAIL_ATTEMPTS - 1):
        no = client.post(url + "/email", data={"email": "x@example.org"})
        assert 'class="email-no"' in no.get_data(as_text=True)
    refused = client.post(url + "/email", data={"email": HOLDER_EMAIL})
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Too many attempts" in html and 'data-state="valid"' in html  # the result stays


def test_no_email_comparison_or_name_without_a_verified_signature(client, credentials):
    html = client.get(kept(client, credentials["could-not-check-keys"])).get_data(as_text=True)
    assert 'id="email"' not in html and HOLDER_NAME not in html
    assert "The signature could not be checked" in html
    url = kept(client, credentials["forged"])
    response = client.post(url + "/email", data={"email": HOLDER_EMAIL})
    html = response.get_data(as_text=True)  # a forged credential's hash is never compared
    assert 'email-yes' not in html and 'data-state="forged"' in html


def test_the_verifier_serves_its_own_did_document_with_its_own_key(client):
    document = client.get("/verifier/did.json").get_json()
    issuer_document = client.get("/.well-known/did.json").get_json()
    assert document["id"].endswith(":verifier") and document["id"].startswith("did:web:")
    verifier_keys = {m["publicKeyMultibase"] for m in document["verificationMethod"]}
    issuer_keys = {m["publicKeyMultibase"] for m in issuer_document["verificationMethod"]}
    assert verifier_keys and not verifier_keys & issuer_keys


def test_the_api_report_names_the_holder_and_never_the_hash(client, credentials):
    response = client.post("/credentials/verify",
                           json={"verifiableCredential": credentials["valid"]})
    report = response.get_json()
    text = json.dumps(report)
    assert HOLDER_NAME in text and "identity document" in text
    assert credentials["valid"]["credentialSubject"]["identifier"][0]["identityHash"] not in text
