"""Actions that cannot be undone, in headless Chromium: retiring a trust
anchor, revoking an accreditation, withdrawing a recognition decision (registry console)
and withdrawing a share link (holder's page) each first show a confirmation in the page's
language that names what will go; Cancel leaves everything as it was; ticking the box and
confirming does it. The openers and final buttons are styled destructive -- not the green
primary -- and the pages pass axe-core, on a desktop and on a 390 px phone."""
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import test_registry_console_browser as console_browser
from axe import axe_findings
from test_registry_console_browser import sign_in, words
from werkzeug.serving import make_server

from issuer.demo import seed_demo
from issuer.holder_sign_in import find_holder, make_link
from web.app import create_app
from web.cli.context import issuer_service
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

browser = console_browser.browser  # Chromium, or a skip where it is missing
server = console_browser.server  # `s4c serve` of a seeded registry, with console passwords
HOLDER = "maria-ivanova@example.org"
RETIRE = ("Retire the trust anchor %(name)s (%(slug)s)? Its anchor credential is revoked at "
          "once: every accreditation and recognition decision it signed stops counting, and "
          "it is signed out of this console. This cannot be undone.")
RUNS = [("en", 1280), ("de", 390), ("el", 1280)]


def _colours(locator) -> tuple[str, str]:
    return tuple(locator.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"))


def _destructive(page, opener, final, primary) -> None:
    """The opener and the final button look unlike the primary button; the final one red."""
    assert _colours(opener) != _colours(primary)
    assert _colours(final) != _colours(primary)
    assert _colours(final)[0] == "rgb(164, 38, 44)"  # #a4262c, white text: contrast 6.9:1


def _phone_fits(page, width: int) -> None:
    """No part of the page, the open confirmation included, is wider than the screen."""
    wider = page.evaluate("""w => [...document.querySelectorAll('body *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1
                     && getComputedStyle(e).overflowX === 'visible')
        .map(e => e.tagName + '.' + e.className)""", width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wider


@pytest.mark.parametrize(("lang", "width"), RUNS)
def test_the_operator_confirms_before_retiring_an_anchor(browser, server, lang, width):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, server, "operator", lang)
        row = page.locator("tr.anchor:not([data-slug=bg-navet])").filter(
            has=page.locator("details.confirm")).first
        slug = row.get_attribute("data-slug")
        row = page.locator(f"tr.anchor[data-slug={slug}]")
        row.locator("summary").click()
        question = row.locator(".consequence")
        expect(question).to_be_visible()
        expect(question).to_contain_text(slug)
        name = row.locator("td").nth(1).inner_text().split("\n")[0].strip()
        expect(question).to_have_text(words(lang, RETIRE) % {"name": name, "slug": slug})
        _destructive(page, row.locator("summary"), row.locator("button.danger"),
                     page.locator("form.panel button[type=submit]").first)
        assert axe_findings(page) == []
        _phone_fits(page, width)

        row.locator("a.cancel").click()  # Cancel: back to the page, nothing retired
        expect(row.locator(".consequence")).to_be_hidden()
        expect(row.locator("details.confirm")).to_have_count(1)
        row.locator("summary").click()
        row.locator("input[name=confirm]").check()
        row.locator("button.danger").click()
        expect(page.locator(".flash")).to_contain_text(slug)
        expect(row.locator("details.confirm")).to_have_count(0)
        expect(row.locator(".status-revoked")).to_have_count(1)
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "width"), RUNS)
def test_an_anchor_confirms_before_revoking_an_accreditation(browser, server, lang, width):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, server, "bg-navet", lang)
        name = f"Confirm Academy {lang}"
        page.fill("#f-issuer", f"did:web:confirm-{lang}.example.eu")
        page.fill(f"#f-name-{lang}", name)
        page.check("input[name=achievements][value$='/roles/SCPD']")
        page.select_option("#f-maxEqfLevel", "5")
        page.click("form.body-form button[type=submit]")
        row = page.locator("tr.accreditation", has_text=name)
        expect(row).to_have_attribute("data-status", "active")
        row.locator("summary").click()
        expect(row.locator(".consequence")).to_contain_text(name)
        expect(row.locator("label.check")).to_contain_text(
            words(lang, "I understand that this cannot be undone."))
        _destructive(page, row.locator("summary"), row.locator("button.danger"),
                     page.locator("form.body-form button[type=submit]"))
        assert axe_findings(page) == []
        _phone_fits(page, width)
        row.locator("a.cancel").click()
        expect(row.locator(".consequence")).to_be_hidden()
        expect(row).to_have_attribute("data-status", "active")
        row.locator("summary").click()
        row.locator("input[name=confirm]").check()
        row.locator("button.danger").click()
        expect(page.locator(".flash")).to_have_text(words(lang, "Accreditation revoked."))
        expect(row).to_have_attribute("data-status", "revoked")
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "width"), RUNS)
def test_an_anchor_confirms_before_withdrawing_a_recognition(browser, server, lang, width):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, server, "bg-navet", lang)
        page.goto(f"{server}/registry/admin/recognition?lang={lang}")
        row = page.locator("tr.decision").filter(has=page.locator("details.confirm")).first
        role = row.get_attribute("data-role")
        row = page.locator(f"tr.decision[data-role={role}]")
        role_name = row.locator("td").first.inner_text().strip()
        row.locator("summary").click()
        expect(row.locator(".consequence")).to_contain_text(role_name)
        assert axe_findings(page) == []
        _phone_fits(page, width)
        assert _colours(row.locator("button.danger"))[0] == "rgb(164, 38, 44)"
        row.locator("a.cancel").click()
        expect(row.locator(".consequence")).to_be_hidden()
        expect(row.locator("details.confirm")).to_have_count(1)
        row.locator("summary").click()
        row.locator("input[name=confirm]").check()
        row.locator("button.danger").click()
        expect(page.locator(".flash")).to_have_text(words(lang, "Recognition withdrawn."))
        expect(row.locator("details.confirm")).to_have_count(0)
    finally:
        context.close()


@pytest.fixture(scope="module")
def holder_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    holder: dict = {}
    site = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                       threaded=True)
    base = f"http://127.0.0.1:{site.server_port}"
    settings = Settings.from_environment(tmp_path_factory.mktemp("confirm") / "data",
                                         environ={"S4C_PUBLIC_URL": base})
    prepare_data_dir(settings)
    seed_demo(issuer_service(settings))
    holder["app"] = create_app(settings)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield base, settings
    site.shutdown()


def _sign_in_link(settings: Settings) -> str:
    with issuer_service(settings).sessions.begin() as s:
        holder = find_holder(s, HOLDER)
        assert holder is not None
        return make_link(s, holder, "test", datetime.now(UTC))


@pytest.mark.parametrize(("lang", "width"), RUNS)
def test_the_holder_confirms_before_withdrawing_a_share_link(browser, holder_site, lang,
                                                              width):
    from playwright.sync_api import expect

    base, settings = holder_site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base}/holder/sign-in/{_sign_in_link(settings)}")
        page.goto(f"{base}/holder/?lang={lang}")
        page.locator("#credentials li a").first.click()
        page.click("#new-link")
        link = page.locator("tr[data-state=active]").first.get_attribute("data-link")
        row = page.locator(f"tr[data-link='{link}']")
        created = row.locator("td").first.inner_text().strip()
        row.locator("summary").click()
        expect(row.locator(".consequence")).to_contain_text(created)
        _destructive(page, row.locator("summary"), row.locator("button.danger"),
                     page.locator("#new-link"))
        assert axe_findings(page) == []
        _phone_fits(page, width)
        row.locator("a.cancel").click()
        expect(row.locator(".consequence")).to_be_hidden()
        expect(row).to_have_attribute("data-state", "active")
        row.locator("summary").click()
        row.locator("input[name=confirm]").check()
        row.locator("button.danger").click()
        expect(row).to_have_attribute("data-state", "withdrawn")
        expect(page.locator("html")).to_have_attribute("lang", lang)
    finally:
        context.close()
