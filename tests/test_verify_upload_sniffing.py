"""The employer's page takes the file the holder was given, told by its content
and never by its name or declared type: a credential or presentation JSON, an SD-JWT VC text
file, a PDF (an embedded credential, else its QR code) and PNG/JPEG photos. Whatever cannot be
read is said in the page's language, in the neutral "not a credential we can read" state
, never as a forgery and never with a Python repr. Through the Flask client."""
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from pypdf import PdfWriter
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    resolver_for,
    role_credential,
    trusted,
    unit_credential,
)

from vc.qr import qr_png
from verifier.qr_payload import link_text, self_contained_text
from verifier.service import Verifier
from web.app import create_app
from web.plumbing.i18n import read_catalogues
from web.wiring.datadir import prepare_data_dir
from web.wiring.services import replace_services
from web.wiring.settings import Settings

TOKEN = "c2hhcmVkLWJ5LXRoZS1ob2xkZXI"
UNREADABLE = "This is not a credential we can read"
REPRS = ("<_io", "object at 0x")


@pytest.fixture(scope="module")
def issuer() -> DemoIssuer:
    return DemoIssuer()


@pytest.fixture
def app(tmp_path: Path, issuer: DemoIssuer) -> Flask:
    settings = Settings.from_environment(tmp_path / "data", environ={})
    prepare_data_dir(settings)
    app = create_app(settings)
    world = issuer_world(issuer)
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))], [])
    replace_services(app, verifier=Verifier(trust, resolver_for(world), world,
                                            clock=lambda: NOW, store=STORE))
    app.config["S4C_SHARE_LOOKUP"] = {TOKEN: issuer.sign(role_credential(issuer))}.get
    return app


def upload(app: Flask, data: bytes, name: str = "file", lang: str = "en",
           content_type: str = "application/octet-stream"):
    """Posts `data` as the form's file, following the redirect to the kept result."""
    return app.test_client().post(
        f"/verify?lang={lang}", data={"photo": (io.BytesIO(data), name, content_type)},
        content_type="multipart/form-data", follow_redirects=True)


def state_of(html: str) -> str:
    return html.split('id="result"', 1)[1].split('data-state="', 1)[1].split('"', 1)[0]


def pdf_of_png(png: bytes) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(out, "PDF")
    return out.getvalue()


def pdf_with_attachment(content: bytes) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("credential.json", content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_each_kind_of_file_is_told_by_its_content_not_its_name(app, issuer):
    credential = issuer.sign(role_credential(issuer))
    as_json = json.dumps(credential).encode()
    link_png, _version = qr_png(link_text("https://certify.example.eu", TOKEN))
    kinds = {
        # a name and a type that lie: the content decides
        "json": (as_json, "photo.png", "image/png"),
        "json with a BOM": (b"\xef\xbb\xbf" + as_json, "cred.txt", "text/plain"),
        "S4C1 text": (self_contained_text(credential).encode(), "qr.txt", "text/plain"),
        "PNG QR": (link_png, "credential.json", "application/json"),
        "PDF with the QR": (pdf_of_png(link_png), "certificate", "application/octet-stream"),
        "PDF embedding the credential": (pdf_with_attachment(as_json), "x.bin", "image/jpeg"),
    }
    for kind, (data, name, content_type) in kinds.items():
        response = upload(app, data, name, content_type=content_type)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, kind
        assert state_of(html) == "valid", kind
        assert "/verify/r/" in response.request.path, kind


def test_a_presentation_file_is_checked_by_the_credentials_it_carries(app, issuer):
    units = [issuer.sign(unit_credential(issuer, i)) for i in range(1, 7)]
    role = issuer.sign(role_credential(issuer, units=units))
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"],
                    "verifiableCredential": [*units[:3], role, *units[3:]]}
    from verifier.file_input import parse_file  # here: the module is new

    scanned = parse_file(json.dumps(presentation).encode())
    assert scanned.credential == role and scanned.related == tuple(units)
    html = upload(app, json.dumps(presentation).encode(), "vp.json").get_data(as_text=True)
    assert state_of(html) == "valid"
    # the units it carries were checked with the role, not ignored
    assert 'data-check="role-stack" data-outcome="passed"' in html


def test_an_sd_jwt_vc_file_is_read_as_one():
    compact = ("eyJhbGciOiJFUzI1NiIsInR5cCI6ImRjK3NkLWp3dCJ9.eyJpc3MiOiJodHRwczovL3gifQ."
               "c2ln~WyJzYWx0IiwibmFtZSIsIkFkYSJd~")
    from verifier.file_input import parse_file

    scanned = parse_file((compact + "\n").encode())
    assert scanned.sd_jwt == compact and scanned.source == "sd-jwt"


@pytest.mark.parametrize(("data", "lang", "msgid"), [
    # the finding codes of what could not be read (vc.codes.InputCode), said by the catalogue
    (b"hello, this is not a credential", "en", "input.unrecognised"),
    (b"\x00\x01\x02\xfe\xff binary", "de", "input.unknown-file"),
    (b"%PDF-1.7\n% not really a PDF", "el", "input.pdf-unreadable"),
    (pdf_of_png(qr_png("just some text")[0]), "en", "input.pdf-empty"),
    (b'{"order": 42, "items": ["chairs"]}', "de", "input.not-a-credential"),
    (b"GIF89a\x01\x00\x01\x00", "es", "input.image-format"),
    (b"\x89PNG\r\n\x1a\nbroken", "en", "input.not-an-image"),
])
def test_what_cannot_be_read_is_neutral_and_said_in_words(app, data, lang, msgid):
    response = upload(app, data, "upload.bin", lang)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert state_of(html) == "unreadable" and "tone-neutral" in html and "tone-bad" not in html
    catalogue = read_catalogues()[lang]
    expected = catalogue.gettext(msgid)
    expected = expected % {"kind": "GIF"} if "%(kind)s" in expected else expected
    assert expected.replace("'", "&#39;") in html or expected in html
    assert catalogue.gettext(UNREADABLE) in html
    assert catalogue.gettext("Forged or altered") not in html
    assert not any(r in html for r in REPRS)


def test_pasted_garbage_is_not_called_damaged_or_forged(app):
    client = app.test_client()
    html = client.post("/verify", data={"text": "hello world, 1234"}).get_data(as_text=True)
    assert state_of(html) == "unreadable" and UNREADABLE in html
    assert "damaged" not in html and "Forged" not in html


def test_a_file_too_large_is_refused_in_words(app):
    response = upload(app, b"{" + b" " * (10 * 1024 * 1024 + 1))
    html = response.get_data(as_text=True)
    assert response.status_code in (400, 413)
    assert "The file is too large (more than 10 MiB)." in html
    assert not any(r in html for r in REPRS)


def test_a_body_beyond_the_bound_is_refused_in_words_too(app):
    """Larger than the form may be at all: refused before any file is read, still in words."""
    response = upload(app, b"\x89PNG" + b"\x00" * (11 * 1024 * 1024), lang="de")
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert state_of(html) == "unreadable"
    assert read_catalogues()["de"].gettext("input.file-too-large") % {"n": 10} in html
