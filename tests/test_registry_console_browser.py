"""The registry's admin console and public pages in headless Chromium (Debian's
/usr/bin/chromium, driven by Playwright), served by `s4c serve` on 127.0.0.1 from a seeded
data directory: in the six languages, without serious or critical axe-core findings, and
no wider than a 390 px phone screen."""
import os
import subprocess
from collections.abc import Iterator

import pytest
from axe import axe_findings
from playwright.sync_api import expect
from test_registry_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    S4C,
    S4C_ENV,
    _free_port,
    _missing_browser,
    _wait_until_up,
)

from web.plumbing.i18n import LANGUAGES, read_catalogues

PASSWORDS = {"operator": "operator-password-1", "bg-navet": "navet-password-12"}
BODY = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


@pytest.fixture(scope="module")
def browser():
    missing = _missing_browser()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def words(lang: str, text: str) -> str:
    return read_catalogues()[lang].gettext(text)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("registry-console") / "data"
    env = {k: v for k, v in os.environ.items() if k not in S4C_ENV}
    port = _free_port()  # seeded for the URL it is served at (`s4c serve --port` names it)
    env["S4C_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    base = [*S4C, "--data-dir", str(data_dir), "registry"]
    commands = [[*base, "seed-demo"]] + [
        [*base, "console-password", slug, "--password", password]
        for slug, password in PASSWORDS.items()]
    for command in commands:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120,
                              check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    process = subprocess.Popen(
        [*S4C, "--data-dir", str(data_dir), "serve", "--host", "127.0.0.1", "--port",
         str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{url}/registry/", process)
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=60)


def sign_in(page, server: str, slug: str, lang: str) -> None:
    page.goto(f"{server}/registry/admin/login?lang={lang}")
    page.fill("#f-username", slug)
    page.fill("#f-password", PASSWORDS[slug])
    page.click("form.panel button[type=submit]")
    page.wait_for_selector("nav.console-nav")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_console_speaks_each_language_and_passes_axe(browser, server: str, lang: str):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{server}/registry/admin/?lang={lang}")
        assert page.locator("h1").inner_text() == words(lang, "Registry administration: sign in")
        assert axe_findings(page) == []
        sign_in(page, server, "bg-navet", lang)
        assert page.locator("h1").inner_text() == words(lang, "Accredited bodies")
        assert page.locator("div.console").get_attribute("lang") == lang
        assert axe_findings(page) == []

        page.fill("#f-issuer", "not a DID")
        page.select_option("#f-maxEqfLevel", "")
        page.click("form.body-form button[type=submit]")
        page.wait_for_selector(".error-summary")  # the answer page, not the form left behind
        summary = page.locator(".error-summary li")
        expect(summary).to_have_count(2)  # issuer and EQF level at once (the name is optional)
        assert words(lang, "Choose an EQF level from 1 to 8.") in page.locator(
            ".error-summary").inner_text()
        assert page.locator("#f-issuer").input_value() == "not a DID"
        assert axe_findings(page) == []

        for link, heading in (("Recognition decisions", "Recognition decisions"),
                              ("Audit trail", "Audit trail")):
            page.click(f"nav.console-nav >> text={words(lang, link)}")
            assert page.locator("h1").inner_text() == words(lang, heading)
            assert axe_findings(page) == []
        page.goto(f"{server}/registry/admin/recognition/SCPM?lang={lang}")
        for field in page.locator("form.panel input:not([type=hidden]), "
                                  "form.panel textarea").all():
            field.fill("")
        page.select_option("#f-eqfLevel", "")
        page.click("form.panel button[type=submit]")  # nothing changes: every field at once
        page.wait_for_selector(".error-summary")
        expect(page.locator(".error-summary li")).to_have_count(4)
        assert axe_findings(page) == []

        operator = browser.new_context().new_page()
        try:
            sign_in(operator, server, "operator", lang)
            assert operator.locator("h1").inner_text() == words(lang, "Trust anchors")
            expect(operator.locator("tr.anchor")).to_have_count(5)
            assert axe_findings(operator) == []
        finally:
            operator.context.close()
    finally:
        context.close()


def test_an_anchor_accredits_changes_revokes_and_publishes_in_the_browser(browser, server):
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in(page, server, "bg-navet", "en")
        page.fill("#f-issuer", BODY)
        page.fill("#f-name-en", "Browser Academy")
        page.check("input[name=achievements][value$='/roles/SCPD']")
        page.select_option("#f-maxEqfLevel", "5")
        page.click("form.body-form button[type=submit]")
        row = page.locator("tr.accreditation", has_text="Browser Academy")
        assert row.get_attribute("data-status") == "active"
        row.locator("a", has_text="Change").click()
        assert page.locator("#f-name-en").input_value() == "Browser Academy"
        page.select_option("#f-maxEqfLevel", "6")
        page.click("form.body-form button[type=submit]")
        rows = page.locator("tr.accreditation", has_text="Browser Academy")
        expect(rows).to_have_count(2)  # the change is a new accreditation beside the old
        assert sorted(rows.nth(i).get_attribute("data-status") for i in range(2)) == [
            "active", "revoked"]
        active = page.locator("tr.accreditation[data-status=active]", has_text="Browser Academy")
        active.locator("summary", has_text="Revoke").click()
        active.locator("input[name=confirm]").check()
        active.locator("button.danger").click()
        expect(page.locator("tr.accreditation[data-status=active]",
                            has_text="Browser Academy")).to_have_count(0)

        page.goto(f"{server}/registry/admin/recognition/SCPD?lang=en")
        page.fill("#f-nqfLevel", "НКР 5")
        page.select_option("#f-eqfLevel", "5")
        page.fill("#f-equivalence-en", "Level 5 (browser test)")
        page.fill("#f-legalBasis", "Test act")
        page.click("form.panel button[type=submit]")
        assert "НКР 5" in page.locator("tr.decision[data-role=SCPD]").inner_text()
        page.goto(f"{server}/registry/roles/SCPD?lang=en")
        assert "НКР 5" in page.locator("tr.recognition[data-country=BG]").inner_text()
        page.goto(f"{server}/registry/admin/audit?lang=en")
        done = {page.locator("tr.event").nth(i).get_attribute("data-action")
                for i in range(page.locator("tr.event").count())}
        assert {"registry.accreditation.issued", "registry.accreditation.changed",
                "registry.accreditation.revoked", "registry.recognition.updated"} <= done
    finally:
        context.close()


def test_the_role_page_lists_units_and_bodies_and_a_unit_has_its_own_page(browser, server):
    page = browser.new_page()
    try:
        page.goto(f"{server}/registry/roles/SCPM?lang=de")
        units = page.locator("li.unit")
        assert [units.nth(i).get_attribute("data-code") for i in range(units.count())] == [
            "U02", "U04", "U06", "U07", "U08", "U12"]
        assert all(units.nth(i).locator(".description").inner_text().strip()
                   for i in range(units.count()))
        expect(page.locator("tr.certifying-body").nth(1)).to_be_attached()  # two or more
        assert axe_findings(page) == []
        units.first.locator("a").click()
        assert page.locator("h1").inner_text().startswith("U02 · ")
        assert page.locator("p.description").inner_text().strip()
        expect(page.locator("ul.unit-roles li").first).to_be_attached()
        assert axe_findings(page) == []
        page.goto(f"{server}/registry/?lang=en")
        assert axe_findings(page) == []
    finally:
        page.close()


PHONE_PAGES = ["/registry/?lang=bg", "/registry/roles/SCPM?lang=de",
               "/registry/roles/SCPMC?lang=el", "/registry/units/U05?lang=ro"]
CONSOLE_PAGES = ["/registry/admin/bodies?lang=de", "/registry/admin/recognition?lang=bg",
                 "/registry/admin/recognition/SCPM?lang=el", "/registry/admin/audit?lang=es"]


def test_every_page_fits_a_390_px_phone_screen(browser, server: str):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for path in PHONE_PAGES:
            page.goto(server + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        sign_in(page, server, "bg-navet", "en")
        for path in CONSOLE_PAGES:
            page.goto(server + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        operator = context.browser.new_context(viewport={"width": 390, "height": 844})
        other = operator.new_page()
        sign_in(other, server, "operator", "en")
        other.goto(f"{server}/registry/admin/trust-anchors?lang=ro")
        assert other.evaluate("document.documentElement.scrollWidth") <= 390
        operator.close()
    finally:
        context.close()
