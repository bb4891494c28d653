"""An EDC on the employer's page (upload and paste, told by its content) and through
`POST /credentials/verify`: the page names the sealer and says in the reader's
language that the sealer is not confirmed; the API answers a problem with the report; a
changed byte is "forged or altered" in both. Through the Flask client."""
import io
import json
from pathlib import Path

import pytest
from europass_files import europass_or_skip
from flask import Flask

from web.app import create_app
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

SAMPLE = "Sample-MC-Annex1-signed.jsonld"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    settings = Settings.from_environment(tmp_path / "data", environ={})
    prepare_data_dir(settings)
    return create_app(settings)


def _sample() -> bytes:
    return (europass_or_skip() / "elm" / "examples" / SAMPLE).read_bytes()


def _altered(raw: bytes) -> bytes:
    at = raw.index(b"Digital micro-credential creation")
    return raw[:at] + b"d" + raw[at + 1:]


@pytest.mark.parametrize("how", ["upload", "paste"])
def test_the_employer_page_names_the_sealer_of_an_edc(app: Flask, how: str):
    client = app.test_client()
    data = {"photo": (io.BytesIO(_sample()), "credential.txt")} if how == "upload" \
        else {"text": _sample().decode()}
    answer = client.post("/verify?lang=de", data=data, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page[:500]
    assert 'data-state="sealer-not-confirmed"' in page
    assert "Siegelnder nicht bestätigt" in page
    assert "ORGANIZACION TEST" in page and "Ana Andromeda" in page
    assert "Digital micro-credential creation" in page
    assert "Hier sind keine Vertrauensanker für Siegel eingerichtet" in page
    # the time-stamp's time, as German writes dates, in the seal certificate's finding
    assert "Das Siegelzertifikat war am 27. September 2023 11:54 UTC gültig" in page


def test_the_employer_page_says_an_altered_edc_is_forged(app: Flask):
    answer = app.test_client().post(
        "/verify?lang=en", data={"photo": (io.BytesIO(_altered(_sample())), "x.json")},
        follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert 'data-state="forged"' in page
    assert "Ana Andromeda" not in page  # nothing an altered seal says is shown


def test_the_vc_api_verifies_an_edc(app: Flask):
    client = app.test_client()
    answer = client.post("/credentials/verify",
                         json={"verifiableCredential": json.loads(_sample())})
    body = answer.get_json()
    assert answer.status_code == 400
    assert body["verdict"] == "could-not-check" and body["kind"] == "edc"
    assert body["headline"]["state"] == "sealer-not-confirmed"
    assert body["detail"].startswith("seal.chain: ")
    assert body["summary"]["sealer"]["organization"] == "ORGANIZACION TEST"
    forged = client.post("/credentials/verify",
                         json={"verifiableCredential": json.loads(_altered(_sample()))})
    assert forged.status_code == 400
    assert forged.get_json()["type"].endswith("CRYPTOGRAPHIC_SECURITY_ERROR")
    assert forged.get_json()["verdict"] == "forged-or-malformed"
