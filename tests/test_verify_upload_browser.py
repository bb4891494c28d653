"""An employer uploads the file the holder was given, in headless Chromium
(Debian's, driven by Playwright), at 1280 and 390 px, in German, Greek and English: the
credential JSON, an SD-JWT VC file, the PDF certificate s4c prints (made here by Chromium from
the holder's certificate page) and a PNG of its QR code are each checked; a file dropped on
the form is too; garbage, uploaded or pasted, shows the neutral "not a credential we can read"
state, never the forged one and never a Python repr; the revoked headline says what the list
means; every verdict icon is SVG, not a font glyph; axe-core finds nothing. The server is a
real s4c app on 127.0.0.1 with the demo issuer and registry seeded."""
import base64
import json
import os
import re
import threading
from pathlib import Path

import pytest
from axe import axe_findings
from playwright.sync_api import expect
from werkzeug.serving import make_server

from issuer.demo import seed_demo
from issuer.officers import add_officer
from issuer.wallet_copies import sd_jwt_claims
from issuer.wallet_issuing import vct_url
from vc.sd_jwt_vc import issue_sd_jwt_vc
from web.app import create_app
from web.cli.context import issuer_service
from web.plumbing.i18n import read_catalogues
from web.wiring.datadir import prepare_data_dir
from web.wiring.registry_setup import seed_demo_registry
from web.wiring.sd_jwt_keys import sd_jwt_issuer_key
from web.wiring.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
OFFICER, PASSWORD = "olga", "a long officer password"
UNREADABLE = "This is not a credential we can read"
REVOKED = "Revoked — the issuer's list of %(date)s marks it revoked"
REPRS = ("<_io", "object at 0x")
# the states a check can end in: anything but "unreadable" means the file was read and checked
CHECKED = {"valid", "revoked", "suspended", "expired", "not-yet-valid", "not-accredited",
           "issuer-not-confirmed", "forged", "could-not-check", "not-valid-now"}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                                reason="Debian chromium is not installed (make test installs it)")


def words(lang: str, msgid: str, **values: str) -> str:
    said = read_catalogues()[lang].gettext(msgid)
    return said % values if values else said


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory, browser):
    """The demo, served on loopback; the files a holder of its first credential was given."""
    holder: dict = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                         threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    settings = Settings.from_environment(
        tmp_path_factory.mktemp("upload") / "data",
        environ={"S4C_PUBLIC_URL": base, "S4C_ALLOW_LOOPBACK_FETCH": "1"})
    prepare_data_dir(settings)
    service = issuer_service(settings)
    seed_demo(service)
    seed_demo_registry(settings)
    add_officer(service.sessions, OFFICER, PASSWORD, "test")
    holder["app"] = create_app(settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    credentials = service.credentials()
    # the revoked one is another holder's: revoking a unit of `first`'s role would show on it
    # (the order among credentials issued together is their random ids')
    first = credentials[0]
    other = next(c for c in credentials if c.candidate_id != first.candidate_id)
    service.revoke(other.id, "exam irregularity", "test")
    # the printable certificate, printed to PDF by the browser as a holder does
    page = browser.new_page()
    page.goto(f"{base}/issuer/login")
    page.fill("input[name=username]", OFFICER)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/credentials/{first.id}/certificate")
    qr_src = page.locator("img[src^='data:image/png']").first.get_attribute("src")
    pdf = page.pdf(format="A4")
    page.close()
    key = sd_jwt_issuer_key(settings)
    sd_jwt = issue_sd_jwt_vc(
        sd_jwt_claims(first.document, [], "Demo body"), disclosable=["name"],
        signer=key.signer, vct=vct_url(base, "role"), issuer=base)
    files = {
        "credential JSON": (json.dumps(first.document, indent=2).encode(), "credential.json",
                            "application/json"),
        # names and types that lie: the content decides
        "SD-JWT VC": (sd_jwt.encode(), "credential.png", "image/png"),
        "PDF certificate": (pdf, "certificate.txt", "text/plain"),
        "PNG QR": (base64.b64decode(qr_src.split(",", 1)[1]), "qr.pdf", "application/pdf"),
    }
    yield base, files, other.document, sd_jwt
    server.shutdown()


def upload(page, base: str, lang: str, data: bytes, name: str, mime: str) -> None:
    page.goto(f"{base}/verify?lang={lang}")
    page.set_input_files("#photo", files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.click("#submit")
    page.wait_for_selector("#verdict")


def paste(page, base: str, lang: str, text: str) -> None:
    page.goto(f"{base}/verify?lang={lang}")
    page.fill("#text", text)
    page.click("#submit")
    page.wait_for_selector("#verdict")


def assert_icon_is_svg(page) -> None:
    """The verdict's icon is drawn, with its text alternative: no glyph a font may lack."""
    icon = page.locator(".state-icon")
    assert icon.inner_text().strip() == ""
    svg = icon.locator("svg[role=img]")
    expect(svg).to_have_count(1)
    assert svg.get_attribute("aria-label")
    box = svg.bounding_box()
    assert box and box["width"] >= 16 and box["height"] >= 16
    for mark in page.locator(".check .mark").all():
        expect(mark.locator("svg[role=img]")).to_have_count(1)
        assert mark.inner_text().strip() == ""


def assert_fits(page, size: dict) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]


@pytest.mark.parametrize(("size", "lang"), [(DESKTOP, "de"), (PHONE, "el"), (PHONE, "en")],
                         ids=["desktop-de", "phone-el", "phone-en"])
def test_every_file_the_holder_was_given_is_checked(world, browser, size, lang):
    base, files, _revoked, sd_jwt = world
    page = browser.new_page(viewport=size)
    try:
        page.goto(f"{base}/verify?lang={lang}")
        assert axe_findings(page) == []
        assert_fits(page, size)
        for kind, (data, name, mime) in files.items():
            upload(page, base, lang, data, name, mime)
            assert "/verify/r/" in page.url, kind
            state = page.locator("#result").get_attribute("data-state")
            if kind == "SD-JWT VC":  # checked as the same text pasted is
                assert state in CHECKED, kind
                uploaded = page.locator("#verdict").inner_text()
                paste(page, base, lang, sd_jwt)
                assert page.locator("#verdict").inner_text() == uploaded
                continue
            assert state == "valid", kind
            assert page.locator("#verdict").inner_text() == words(lang, "Valid"), kind
            assert_icon_is_svg(page)
            assert_fits(page, size)
            assert axe_findings(page) == [], kind
    finally:
        page.close()


@pytest.mark.parametrize(("size", "lang"), [(DESKTOP, "el"), (PHONE, "de")],
                         ids=["desktop-el", "phone-de"])
def test_a_file_dropped_on_the_form_is_checked(world, browser, size, lang):
    base, files, _revoked, _sd_jwt = world
    data, _name, _mime = files["credential JSON"]
    page = browser.new_page(viewport=size)
    try:
        page.goto(f"{base}/verify?lang={lang}")
        page.wait_for_load_state("load")  # drop.js is deferred
        with page.expect_navigation():
            page.evaluate("""(text) => {
                const form = document.getElementById("verify-form");
                const transfer = new DataTransfer();
                transfer.items.add(new File([text], "dropped", {type: ""}));
                for (const type of ["dragenter", "dragover", "drop"]) {
                  form.dispatchEvent(new DragEvent(type, {dataTransfer: transfer,
                                                          bubbles: true, cancelable: true}));
                }
            }""", data.decode())
        page.wait_for_selector("#verdict")
        assert page.locator("#result").get_attribute("data-state") == "valid"
        assert page.locator("#verdict").inner_text() == words(lang, "Valid")
    finally:
        page.close()


@pytest.mark.parametrize(("size", "lang"), [(DESKTOP, "de"), (PHONE, "el"), (DESKTOP, "en")],
                         ids=["desktop-de", "phone-el", "desktop-en"])
def test_what_cannot_be_read_is_neutral_not_forged(world, browser, size, lang):
    base, _files, _revoked, _sd_jwt = world
    page = browser.new_page(viewport=size)
    try:
        forged_colour = None
        garbage = [("upload", b"\x00\x01\x02 not a credential \xff\xfe"),
                   ("upload", b"GIF89a\x01\x00\x01\x00"), ("upload", b"%PDF-1.7\n garbage"),
                   ("paste", "hello world, 1234"), ("paste", "S4C is great")]
        for how, value in garbage:
            if how == "upload":
                upload(page, base, lang, value, "x.png", "image/png")
            else:
                paste(page, base, lang, value)
            assert page.locator("#result").get_attribute("data-state") == "unreadable", value
            assert page.locator("#verdict").inner_text() == words(lang, UNREADABLE), value
            html = page.content()
            assert not any(r in html for r in REPRS), value
            assert words(lang, "Forged or altered") not in html
            assert words(lang, "qr.unreadable") not in html, value  # "damaged": a finding
            expect(page.locator("#result.tone-neutral")).to_have_count(1)
            forged_colour = forged_colour or page.locator(".state").evaluate(
                "e => getComputedStyle(e).backgroundColor")
            assert_icon_is_svg(page)
            assert page.locator(".state-icon svg").get_attribute("data-icon") == "unreadable"
            assert_fits(page, size)
            assert axe_findings(page) == [], value
        # not the red of a forgery
        paste(page, base, lang, json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"],
                                            "type": ["VerifiableCredential"]}))
        assert page.locator("#result").get_attribute("data-state") == "forged"
        assert page.locator(".state").evaluate(
            "e => getComputedStyle(e).backgroundColor") != forged_colour
        assert page.locator(".state-icon svg").get_attribute("data-icon") == "forged"
    finally:
        page.close()


@pytest.mark.parametrize(("size", "lang"), [(DESKTOP, "el"), (PHONE, "de")],
                         ids=["desktop-el", "phone-de"])
def test_revoked_says_what_the_issuers_list_means(world, browser, size, lang):
    base, _files, revoked, _sd_jwt = world
    page = browser.new_page(viewport=size)
    try:
        upload(page, base, lang, json.dumps(revoked).encode(), "revoked.json",
               "application/json")
        assert page.locator("#result").get_attribute("data-state") == "revoked"
        headline = page.locator("#verdict").inner_text()
        day = re.search(r"\d{4}-\d{2}-\d{2}", headline)  # the day the issuer signed the list
        assert day and headline == words(lang, REVOKED, date=day.group(0))
        assert "(" not in headline and words(lang, "Revoked") != headline
        assert_icon_is_svg(page)
        assert page.locator(".state-icon svg").get_attribute("data-icon") == "revoked"
        assert_fits(page, size)
        assert axe_findings(page) == []
    finally:
        page.close()
