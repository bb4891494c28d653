"""The employer's "Ask for it from a wallet" page in headless Chromium: it
says what a wallet is and what to ask the candidate for, shows a spinner while waiting,
gives the expiry in the reader's own time zone, says so when "Open in the wallet on this
device" opened nothing, and its QR code holds a short link by reference (the demo's held
2,880 characters). At 1280 and 390 px, in English, German and Greek."""
import base64
import re
import threading
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import test_registry_console_browser as console_browser
from axe import axe_findings
from test_registry_console_browser import words
from werkzeug.serving import make_server

from vc.qr import read_qr_codes
from web.app import create_app
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

browser = console_browser.browser  # Chromium, or a skip where it is missing
RUNS = [("en", 1280, "America/New_York"), ("de", 390, "Europe/Berlin"),
        ("el", 390, "Asia/Tokyo")]
WHAT = ("A wallet is an app on the candidate’s phone that keeps their credentials, for example "
        "the EU Digital Identity Wallet. Ask the candidate to open their wallet and scan this "
        "code: it asks for their Skills4Cities role or unit credential. The wallet shows them "
        "what you ask for; if they agree, the answer comes back to this page.")
NOT_OPENED = ("No wallet app opened on this device. Scan the QR code with the phone that holds "
              "the wallet instead.")


@pytest.fixture(scope="module")
def verifier_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    holder: dict = {}
    site = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                       threaded=True)
    base = f"http://127.0.0.1:{site.server_port}"  # an IP host, as `make run`'s demo
    settings = Settings.from_environment(tmp_path_factory.mktemp("ask-wallet") / "data",
                                         environ={"S4C_PUBLIC_URL": base})
    prepare_data_dir(settings)
    holder["app"] = create_app(settings)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield base
    site.shutdown()


@pytest.mark.parametrize(("lang", "width", "zone"), RUNS)
def test_an_employer_without_a_wallet_is_led_through_the_request(browser, verifier_site,
                                                                 lang, width, zone):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": width, "height": 900}, timezone_id=zone,
                                  locale=lang)
    page = context.new_page()
    try:
        page.goto(f"{verifier_site}/verify?lang={lang}")
        page.click("#ask-wallet")
        expect(page.locator("#wallet-what")).to_have_text(words(lang, WHAT))
        spinner = page.locator("#wallet-spinner")
        expect(spinner).to_be_visible()
        assert spinner.evaluate("e => getComputedStyle(e).animationName") == "s4c-spin"
        # the expiry in the reader's zone: the hour and minute there, on a 24-hour clock
        expires = page.locator("#wallet-expires")
        instant = datetime.fromisoformat(expires.get_attribute("datetime"))
        local = instant.astimezone(ZoneInfo(zone)).strftime("%H:%M")
        expect(expires).to_contain_text(local)
        if instant.utcoffset() != instant.astimezone(ZoneInfo(zone)).utcoffset():
            expect(expires).not_to_contain_text("UTC")
        # the QR code: a short link by reference, the same as the button's
        link = page.locator("#wallet-link").get_attribute("href")
        assert re.fullmatch(r"openid4vp://\?client_id=x509_hash%3A[\w-]+&request_uri=\S+", link)
        assert len(link) < 200
        png = base64.b64decode(page.locator("#wallet-qr").get_attribute("src").split(",", 1)[1])
        assert read_qr_codes(png) == [link]
        expect(page.locator("#wallet-none")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_findings(page) == []
        # no app takes openid4vp:// here: the page says so, in its language
        expect(page.locator("#wallet-not-opened")).to_be_hidden()
        page.locator("#wallet-link").click()
        expect(page.locator("#wallet-not-opened")).to_be_visible(timeout=10_000)
        expect(page.locator("#wallet-not-opened")).to_have_text(words(lang, NOT_OPENED))
    finally:
        context.close()
