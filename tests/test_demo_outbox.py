"""Holders on a demo: without S4C_SMTP_URL, the sign-in e-mail goes to
an outbox in the data directory; `s4c holder invite` prints the link (it used to fail: "no
SMTP server is configured"), the officer console lists the outbox, marked DEMO, in the
console's language, and the holder reaches /holder/ by the link. In headless Chromium at
1280 and 390 px, in English, German and Greek."""
import re
import stat
import threading
from collections.abc import Iterator

import pytest
import test_registry_console_browser as console_browser
from axe import axe_findings
from click.testing import CliRunner
from test_registry_console_browser import words
from werkzeug.serving import make_server

from issuer.demo import seed_demo
from issuer.officers import add_officer
from web.app import create_app
from web.cli import main
from web.cli.context import issuer_service
from web.holder.mail import SUBJECT
from web.wiring import outbox
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

browser = console_browser.browser  # Chromium, or a skip where it is missing
PASSWORD = "outbox-officer-pw-1"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/holder/sign-in/[A-Za-z0-9_-]+")
RUNS = [("en", 1280, "maria-ivanova@example.org"), ("de", 390, "jonas-gruber@example.org"),
        ("el", 390, "eleni-papadopoulou@example.org")]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    holder: dict = {}
    site = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                       threaded=True)
    base = f"http://127.0.0.1:{site.server_port}"
    settings = Settings.from_environment(tmp_path_factory.mktemp("outbox") / "data",
                                         environ={"S4C_PUBLIC_URL": base})
    assert settings.smtp_url is None
    prepare_data_dir(settings)
    service = issuer_service(settings)
    seed_demo(service)
    add_officer(service.sessions, "outbox-officer", PASSWORD, "test")
    holder["app"] = create_app(settings)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield base, settings
    site.shutdown()


def test_s4c_holder_invite_prints_the_link_and_keeps_the_e_mail(demo_site, monkeypatch):
    base, settings = demo_site
    monkeypatch.setenv("S4C_PUBLIC_URL", base)
    monkeypatch.delenv("S4C_SMTP_URL", raising=False)
    done = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "holder", "invite",
                                     "lucia-garcia@example.org", "--lang", "es"])
    assert done.exit_code == 0, done.output
    printed = LINK.findall(done.output)
    assert len(printed) == 1 and "outbox" in done.output
    kept = outbox.newest(settings.data_dir)[0]
    assert kept.to == "lucia-garcia@example.org" and kept.language == "es"
    assert printed[0] in kept.text and kept.subject == words("es", SUBJECT)
    folder = outbox.outbox_path(settings.data_dir)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.glob("*.eml"))
    assert not list(folder.glob(".*"))  # no half-written message left behind
    client = create_app(settings).test_client()
    signed_in = client.get(printed[0].removeprefix(base))
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/holder/")
    assert client.get("/holder/").status_code == 200


@pytest.mark.parametrize(("lang", "width", "email"), RUNS)
def test_the_officer_reads_the_demo_outbox_and_the_holder_gets_in(browser, demo_site, lang,
                                                                    width, email):
    from playwright.sync_api import expect

    base, _settings = demo_site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base}/issuer/login?lang={lang}")
        page.fill("input[name=username]", "outbox-officer")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        expect(page.locator("#nav-outbox")).to_contain_text("DEMO")
        page.goto(f"{base}/issuer/candidates?lang={lang}&q={email}")
        page.locator("table a").first.click()
        page.select_option("select[name=lang]", lang)
        page.locator("form[action*='/invite'] button").click()
        expect(page.locator(".flash")).to_contain_text(email)
        page.click("#nav-outbox")
        expect(page.locator("h1 .demo-mark")).to_have_text("DEMO")
        mail = page.locator("#outbox li").first
        expect(mail).to_have_attribute("data-to", email)
        expect(mail.locator("dd").nth(1)).to_have_text(words(lang, SUBJECT))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_findings(page) == []
        link = mail.locator("pre a").first
        expect(link).to_have_attribute("href", LINK)
        link.click()  # the demo's officer hands it over; here the same browser opens it
        expect(page).to_have_url(re.compile(r"/holder/$"))
        expect(page.locator("#credentials li").first).to_be_visible()
    finally:
        context.close()


def test_the_holders_sign_in_page_says_where_a_demo_link_goes(demo_site):
    _base, settings = demo_site
    page = create_app(settings).test_client().get("/holder/sign-in?lang=de").get_data(
        as_text=True)
    assert 'id="demo-outbox"' in page
    assert words("de", "This demo sends no e-mail: your sign-in link goes to the outbox that "
                 "the certification officer’s console shows, or the officer prints it with the "
                 "command s4c holder invite.") in page
