"""The holder's credential page in headless Chromium: it fits a
390 px phone in all six languages (the share links and the wallet formats stack, "Withdraw"
stays on screen), it shows a QR code and the LinkedIn button at once, before any share link
exists, saying which QR code is which, and the role credential comes first, apart from the
units. Served in process from a seeded demo, without an SMTP server."""
import base64
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import test_registry_console_browser as console_browser
from axe import axe_findings
from test_registry_console_browser import words
from werkzeug.serving import make_server

from issuer.demo import seed_demo
from issuer.holder_sign_in import find_holder, make_link
from vc.qr import read_qr_codes
from verifier.qr_payload import parse_text
from web.app import create_app
from web.cli.context import issuer_service
from web.plumbing.i18n import LANGUAGES
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

browser = console_browser.browser  # Chromium, or a skip where it is missing
ROLE_HOLDER = "maria-ivanova@example.org"  # SCPD and its units
FRESH_HOLDER = "lucia-garcia@example.org"  # nobody has made a share link for her


@pytest.fixture(scope="module")
def holder_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    holder: dict = {}
    site = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                       threaded=True)
    base = f"http://127.0.0.1:{site.server_port}"
    settings = Settings.from_environment(tmp_path_factory.mktemp("holder-page") / "data",
                                         environ={"S4C_PUBLIC_URL": base})
    prepare_data_dir(settings)
    seed_demo(issuer_service(settings))
    holder["app"] = create_app(settings)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield base, settings
    site.shutdown()


def sign_in(page, base: str, settings: Settings, email: str, lang: str) -> None:
    with issuer_service(settings).sessions.begin() as s:
        holder = find_holder(s, email)
        assert holder is not None
        token = make_link(s, holder, "test", datetime.now(UTC))
    page.goto(f"{base}/holder/sign-in/{token}")
    page.goto(f"{base}/holder/?lang={lang}")


def _overflowing(page) -> list[str]:
    """Elements and texts that reach past the right edge of the screen (a text can overflow
    its box, which keeps its width)."""
    return page.evaluate("""() => {
        const edge = document.documentElement.clientWidth + 1, out = []
        const clipped = (e) => {  // visually hidden (1 px, overflow hidden): for screen readers
          for (; e; e = e.parentElement) {
            if (getComputedStyle(e).overflow === 'hidden' && e.getBoundingClientRect().width <= 1) return true
          }
          return false
        }
        for (const e of document.querySelectorAll('body *')) {
          if (e.getBoundingClientRect().right + window.scrollX > edge && !clipped(e)) out.push(e.tagName + '.' + e.className)
        }
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
        while (walk.nextNode()) {
          const range = document.createRange()
          range.selectNodeContents(walk.currentNode)
          if (range.getBoundingClientRect().right + window.scrollX > edge
              && !clipped(walk.currentNode.parentElement)) {
            out.push(walk.currentNode.parentElement.tagName + ': ' + walk.currentNode.textContent.trim().slice(0, 60))
          }
        }
        return out
    }""")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_credential_page_fits_a_phone_in_every_language(browser, holder_site, lang):
    from playwright.sync_api import expect

    base, settings = holder_site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, base, settings, ROLE_HOLDER, lang)
        page.locator("#credentials a").first.click()
        page.click("#new-link")
        expect(page.locator("tr[data-state=active]").first).to_be_visible()
        page.click("#make-offer")  # the wallet offer, with its QR code and code to type
        expect(page.locator("#tx-code")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, _overflowing(page)
        assert _overflowing(page) == []
        withdraw = page.locator("tr[data-state=active] summary").first
        withdraw.scroll_into_view_if_needed()
        expect(withdraw).to_be_in_viewport(ratio=1)
        expect(withdraw).to_have_text(words(lang, "Withdraw"))
        # the wallet formats: the menu and its button each fit inside the section
        box = page.locator("#wallet").bounding_box()
        for part in ("#format", "#make-offer"):
            inner = page.locator(part).bounding_box()
            assert inner["x"] >= box["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"]
    finally:
        context.close()


QR_RUNS = [("en", 1280, "lucia-garcia@example.org"), ("el", 390, "jonas-gruber@example.org"),
           ("de", 390, "eleni-papadopoulou@example.org")]


@pytest.mark.parametrize(("lang", "width", "email"), QR_RUNS)
def test_the_qr_code_and_linkedin_come_at_once_the_role_first(browser, holder_site, lang,
                                                               width, email):
    from playwright.sync_api import expect

    base, settings = holder_site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    asked: list[str] = []  # LinkedIn is not reached: the test answers for it

    def linkedin(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>LinkedIn</title>")

    page.route("https://www.linkedin.com/**", linkedin)
    try:
        sign_in(page, base, settings, email, lang)
        # the role credential first, under its own heading, apart from the units
        first = page.locator("#credentials section").first
        expect(first.locator("h2")).to_have_text(words(lang, "Certified roles"))
        expect(first.locator("li")).to_have_count(1)
        expect(page.locator("#credentials section").nth(1).locator("h2")).to_have_text(
            words(lang, "Competency units"))
        role_box = first.locator("li").bounding_box()
        unit_box = page.locator("#credentials section").nth(1).locator("li").first.bounding_box()
        assert role_box["y"] + role_box["height"] < unit_box["y"]
        first.locator("a").click()
        expect(page.locator("#share-link")).to_have_count(0)  # no share link yet...
        qr = page.locator("#credential-qr")  # ...and yet a QR code, told which it is
        expect(qr).to_be_visible()
        expect(page.locator("#credential-qr-says")).to_contain_text(
            words(lang, "A signed summary, checked offline"))
        read = read_qr_codes(base64.b64decode(qr.get_attribute("src").split(",", 1)[1]))
        summary = parse_text(read[0]).credential
        credential_id = page.url.split("/holder/credentials/", 1)[1]
        assert summary["id"] == credential_id + "#qr-summary"
        assert summary["relatedResource"][0]["id"] == credential_id
        assert "proof" in summary
        page.reload()  # the same summary at every visit
        again = read_qr_codes(base64.b64decode(
            page.locator("#credential-qr").get_attribute("src").split(",", 1)[1]))
        assert again == read
        assert page.evaluate("document.documentElement.scrollWidth") <= width, \
            _overflowing(page)
        assert axe_findings(page) == []
        page.click("#linkedin")
        expect(page).to_have_title("LinkedIn")
        params = parse_qs(urlsplit(asked[0]).query)
        assert params["certUrl"][0].startswith(base + "/v/")
        assert params["certId"] == [credential_id]
        page.go_back()
        page.reload()
        expect(page.locator("#share-link")).to_have_text(params["certUrl"][0])
    finally:
        context.close()


def test_a_unit_small_enough_shows_the_whole_credential(holder_site):
    """Where the credential itself fits version 25, the page shows it, not a summary."""
    _base, settings = holder_site
    from web.holder.qr import FULL, SUMMARY, credential_qr

    service = issuer_service(settings)
    kinds = set()
    for stored in service.credentials():
        shown = credential_qr(service, stored.document)
        assert shown is not None
        kinds.add(shown.kind)
        decoded = parse_text(read_qr_codes(base64.b64decode(shown.data_url.split(",", 1)[1]))[0])
        assert decoded.credential["id"].startswith(stored.id)
    assert SUMMARY in kinds and kinds <= {FULL, SUMMARY}


CERTIFICATE_RUNS = [("el", 390, "maria-ivanova@example.org"),
                    ("de", 1280, "andrei-popescu@example.org")]  # his role is revoked


@pytest.mark.parametrize(("lang", "width", "email"), CERTIFICATE_RUNS)
def test_the_certificate_speaks_the_holders_language_and_lists_the_units(
        browser, holder_site, lang, width, email):
    """The certificate in the holder's language, with its print button,
    the role's title in that language first and the units the role was earned from."""
    from playwright.sync_api import expect

    base, settings = holder_site
    service = issuer_service(settings)
    framework = service.framework()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, base, settings, email, lang)
        page.locator("#credentials section.roles a").first.click()
        page.click("#certificate")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("#print")).to_have_text(words(lang, "Print or save as PDF"))
        expect(page.locator(".kicker").first).to_contain_text(words(lang, "Role certificate"))
        expect(page.locator(".names li").first).to_have_attribute("lang", lang)
        title = page.locator(".names li").first.locator(".title").inner_text()
        role = next(r for r in framework.roles if r.name.get(lang) == title)
        badge = page.locator("#badge")  # the role's OB 3.0 image, from the signed credential
        expect(badge).to_be_visible()
        page.wait_for_function("() => document.getElementById('badge').complete")
        assert badge.evaluate("e => e.naturalWidth") > 0
        units = page.locator("#units li")
        expect(units).to_have_count(len(role.units))
        for unit_code in role.units:
            unit = framework.unit(unit_code)
            expect(page.locator("#units li", has_text=unit_code).locator(".name")).to_have_text(
                unit.name[lang])
        if email.startswith("andrei"):
            expect(page.locator("#void")).to_have_text(words(lang, "Revoked").upper())
            expect(page.locator(".void-note")).to_have_text(words(
                lang, "This credential was revoked by its issuer: this printout no longer "
                      "certifies anything."))
        assert axe_findings(page) == []
    finally:
        context.close()


def test_the_steady_summary_is_the_same_each_time_and_recorded_once(holder_site):
    """The holder's page signs the summary with the credential's own `created`: the same
    key gives the same summary, and only its first signing leaves an audit row."""
    from sqlalchemy import func, select

    from issuer.audit import AuditEvent

    _base, settings = holder_site
    service = issuer_service(settings)
    stored = next(c for c in service.credentials()
                  if "S4CRoleCredential" in c.document["type"])
    first = service.steady_summary(stored.document, actor="test")
    second = service.steady_summary(stored.document, actor="test")
    assert first == second
    assert first["proof"]["created"] == stored.document["proof"]["created"]
    with service.sessions() as s:
        rows = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "credential.summary.signed", AuditEvent.subject == stored.id))
    assert rows == 1
