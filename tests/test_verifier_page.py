"""The employer's page /verify and /v/<token>: through the Flask test client, and in headless
Chromium (Debian's, via Playwright) uploading a real QR image; plus `s4c qr`."""
import io
import json
import os
import re
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
import vc_calls
from babel.messages.pofile import read_po
from click.testing import CliRunner
from flask import Flask
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    recognition,
    resolver_for,
    role_credential,
    trusted,
    unit_credential,
)
from werkzeug.serving import make_server

from issuer.did_web import issuer_did_document
from vc.did_resolver import DIDResolver
from vc.fetch import StaticFetcher
from vc.qr import read_qr_codes
from verifier.qr_payload import link_text, parse_image, self_contained_png
from verifier.service import Verifier
from web.app import create_app
from web.cli import main
from web.cli.context import issuer_service
from web.employer import page as verify_page
from web.plumbing.i18n import LANGUAGES, po_path, read_catalogues
from web.wiring.datadir import open_issuer_keys, prepare_data_dir
from web.wiring.services import replace_services
from web.wiring.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "c2hhcmVkLWJ5LXRoZS1ob2xkZXI"
TITLE = "Check a Skills4Cities credential"
LINK_NOT_FOUND = "This link is unknown, was withdrawn by its holder, or has expired."


def words(lang: str, msgid: str) -> str:
    """`msgid` as the page says it in `lang`, read from that language's .po file."""
    return read_catalogues()[lang].gettext(msgid)


@pytest.fixture
def issuer() -> DemoIssuer:
    return DemoIssuer()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "DATABASE_URL", "S4C_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(tmp_path / "data", environ={})
    prepare_data_dir(settings)
    return settings


@pytest.fixture
def app(settings: Settings, issuer: DemoIssuer) -> Flask:
    app = create_app(settings)
    world = issuer_world(issuer, revoked=(7,))
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))],
                            [recognition("BG", nqf="НКР 6")])
    replace_services(app, verifier=Verifier(trust, resolver_for(world), world,
                                            clock=lambda: NOW, store=STORE))
    shared = {TOKEN: issuer.sign(role_credential(issuer))}
    app.config["S4C_SHARE_LOOKUP"] = shared.get
    return app


def test_the_page_speaks_six_languages(app):
    client = app.test_client()
    for lang in LANGUAGES:
        html = client.get(f"/verify?lang={lang}").get_data(as_text=True)
        assert words(lang, TITLE) in html and f'lang="{lang}"' in html
    assert words("de", TITLE) in client.get(
        "/verify", headers={"Accept-Language": "de-AT,de;q=0.9"}).get_data(as_text=True)
    msgids = {lang: {(m.context, m.id) for m in read_po(po_path(lang).open("rb"))}
              for lang in LANGUAGES}
    assert msgids["en"] == msgids["bg"] == msgids["ro"] == msgids["el"] == msgids["es"] \
        == msgids["de"]
    assert len({words(lang, "Valid") for lang in LANGUAGES}) == 6


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_a_verdict_page_is_worded_from_its_language_catalogue(app, issuer, lang):
    credential = json.dumps(issuer.sign(role_credential(issuer)))
    response = app.test_client().post("/verify", data={"text": credential, "lang": lang},
                                      follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{lang}">' in html
    assert 'data-verdict="valid"' in html and 'data-check="proof" data-outcome="passed"' in html
    for msgid in ("Check a Skills4Cities credential", "Valid",
                  "Authentic, current, and issued by an accredited body.", "Holder",
                  "Certified for", "Kind", "Role certification", "EQF level", "Issued by",
                  "Valid from", "Valid until", "Status", "active", "Checks", "Signature",
                  "Check another"):
        assert re.search(rf">\s*{re.escape(words(lang, msgid))}\s*<", html), msgid
    assert f"</strong> — {words(lang, 'passed')}" in html
    english_only = "Authentic, current, and issued by an accredited body."
    assert (english_only in html) == (lang == "en")


def test_uploading_a_qr_photo_shows_the_verdict_checks_and_summary(app, issuer):
    png, _ = self_contained_png(issuer.sign(unit_credential(issuer, 4)))
    response = app.test_client().post("/verify?lang=bg", data={
        "photo": (io.BytesIO(png), "qr.png"), "country": "BG", "lang": "bg"},
        follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-verdict="valid"' in html and words("bg", "Valid") in html
    assert 'data-check="proof" data-outcome="passed"' in html
    assert "Демо сертифициращ орган" in html  # the registry's name, in Bulgarian
    assert words("bg", "Competency unit") in html


def test_pasting_json_or_a_revoked_credential(app, issuer):
    client = app.test_client()
    revoked = issuer.sign(role_credential(issuer, revocation_index=7))
    html = client.post("/verify", data={"text": json.dumps(revoked), "country": "BG"},
                       follow_redirects=True).get_data(as_text=True)
    assert 'data-verdict="not-valid-now"' in html
    assert 'data-check="status.revocation" data-outcome="failed"' in html
    assert "НКР 6" in html  # recognition in the chosen country


@pytest.mark.parametrize(("text", "words"), [
    ("S4C1:BB8A", "truncated"), ("{not json", "not valid JSON"),
    ("S4C2:ABCDEF", "does not start with"), ("", "Nothing was given"),
])
def test_bad_input_on_the_page_is_a_clear_error_not_a_500(app, text, words):
    response = app.test_client().post("/verify", data={"text": text})
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)


def test_a_bad_upload_is_a_clear_error(app):
    response = app.test_client().post("/verify", data={
        "photo": (io.BytesIO(b"\x89PNG not really"), "x.png")})
    assert response.status_code == 400
    assert "not a readable PNG or JPEG" in response.get_data(as_text=True)


def test_a_shared_link_shows_its_credential_and_an_unknown_one_is_not_found(app):
    client = app.test_client()
    html = client.get(f"/v/{TOKEN}?lang=es", follow_redirects=True).get_data(as_text=True)
    assert 'data-verdict="valid"' in html and words("es", "Shared by its holder") in html
    missing = client.get("/v/AAAAAAAAAAAAAAAAAAAAAA?lang=el")
    assert missing.status_code == 404
    assert words("el", LINK_NOT_FOUND) in missing.get_data(as_text=True)
    pasted = client.post("/verify", data={"text": link_text("https://x.example", TOKEN)},
                         follow_redirects=True)
    assert 'data-verdict="valid"' in pasted.get_data(as_text=True)


def test_the_camera_decoder_is_served_from_node_modules(app):
    if not verify_page.JSQR_FILE.is_file():  # .ci/install runs npm ci for it
        if os.environ.get("CI") == "true":
            pytest.fail("CI must serve the camera decoder: npm ci --prefix web/static/verify")
        pytest.skip("jsQR is not installed: npm ci --prefix web/static/verify")
    response = app.test_client().get("/verify/vendor/jsQR.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.data == verify_page.JSQR_FILE.read_bytes()


def test_without_the_camera_decoder_its_url_is_a_404_naming_the_install(app, monkeypatch,
                                                                         tmp_path):
    monkeypatch.setattr(verify_page, "JSQR_FILE", tmp_path / "jsqr" / "dist" / "jsQR.js")
    response = app.test_client().get("/verify/vendor/jsQR.js")
    assert response.status_code == 404
    assert "npm ci --prefix web/static/verify" in response.get_data(as_text=True)


def test_s4c_qr_writes_a_self_contained_png_and_a_summary_for_a_large_role(settings, tmp_path):
    keys = open_issuer_keys(settings)
    did = settings.issuer_did
    host = did.removeprefix("did:web:").replace("%3A", ":")
    service = issuer_service(settings)  # a summary is signed only for what was issued here
    ref = service.add_candidate("Ana Test", "ana@example.org", None, "test")
    for j, unit in enumerate(service.framework().role("SCPM").units):
        service.record_assessment(ref, unit, 80, 100, date.today() - timedelta(days=j),
                                  "Exam Centre", "Assessor A", "test")
    role = next(d for d in service.certify_and_issue(ref, "test").issued
                if "S4CRoleCredential" in d["type"])
    (tmp_path / "role.json").write_text(json.dumps(role))
    result = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "qr",
                                       str(tmp_path / "role.json"), "--mode", "self-contained",
                                       "-o", str(tmp_path / "role.png")])
    assert result.exit_code == 0, result.output
    assert "signed compact summary" in result.output
    version = int(result.output.split("QR version ")[1].split()[0])
    assert version <= 25
    summary = parse_image((tmp_path / "role.png").read_bytes()).credential
    assert summary["relatedResource"][0]["id"] == role["id"]
    document = issuer_did_document(did, keys.all())
    resolver = DIDResolver(fetcher=StaticFetcher({
        f"https://{host}/.well-known/did.json": json.dumps(document).encode()}))
    assert vc_calls.verify(summary, resolver=resolver, store=STORE).verified

    foreign = DemoIssuer()
    (tmp_path / "foreign.json").write_text(json.dumps(foreign.sign(role_credential(
        foreign, units=[foreign.sign(unit_credential(foreign, i)) for i in range(1, 7)]))))
    refused = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "qr",
                                        str(tmp_path / "foreign.json"), "--mode",
                                        "self-contained", "-o", str(tmp_path / "f.png")])
    assert refused.exit_code == 2 and "use --mode link" in refused.output
    unknown = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "qr",
                                        str(tmp_path / "foreign.json"), "--mode", "link",
                                        "-o", str(tmp_path / "l.png")])
    assert unknown.exit_code == 2 and "issued here" in unknown.output
    link = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "qr",
                                     str(tmp_path / "role.json"), "--mode", "link",
                                     "-o", str(tmp_path / "l.png")])
    assert link.exit_code == 0, link.output


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                    reason="Debian chromium is not installed (make test installs it)")
def test_the_page_in_headless_chromium_uploads_a_qr_image(served, issuer, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    png, _ = self_contained_png(issuer.sign(unit_credential(issuer, 5)))
    assert read_qr_codes(png)  # the very PNG the browser uploads is readable
    (tmp_path / "qr.png").write_bytes(png)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()
            page.goto(f"{served}/verify?lang=de")
            assert page.locator("h1").inner_text() == words("de", TITLE)
            page.set_input_files("#photo", str(tmp_path / "qr.png"))
            page.select_option("#country", "BG")
            page.click("#submit")
            page.wait_for_selector("#verdict")
            assert page.locator("#verdict").inner_text() == words("de", "Valid")
            checks = page.locator("#checks li")
            expect(checks.nth(8)).to_be_attached()  # 9 or more
            proof = page.locator('#checks li[data-check="proof"]')
            assert words("de", "Signature") in proof.inner_text()
            assert "Gültige eddsa-rdfc-2022-Signatur" in proof.inner_text()  # reasons translated
            assert "Demo Certification Body (registry)" in page.locator("#issuer").inner_text()
            page.screenshot(path=str(tmp_path / "verify.png"), full_page=True)
        finally:
            browser.close()
