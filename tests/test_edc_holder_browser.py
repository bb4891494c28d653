"""The holder's "Download for Europass" in headless Chromium ("Where a holder gets
it"): a signed-in holder downloads the European Digital Credential of an active credential
from its page, in the page's language, and gets a file that conforms to the EU's generic EDC
shapes; a suspended credential offers none and its address answers 409; another holder's
answers 404. The page passes axe-core."""
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import test_registry_console_browser as console_browser
from axe import axe_findings
from test_registry_console_browser import words
from werkzeug.serving import make_server

from issuer.demo import seed_demo
from issuer.edc.sealing import sealed_payload
from issuer.holder_sign_in import find_holder, make_link
from vc.elm.shacl import validate
from web.app import create_app
from web.cli.context import issuer_service
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

browser = console_browser.browser  # Chromium, or a skip where it is missing (a failure on CI)
HOLDER = "eleni-papadopoulou@example.org"  # the demo holder with a suspended unit credential


@pytest.fixture(scope="module")
def holder_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    holder: dict = {}
    site = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                       threaded=True)
    base = f"http://127.0.0.1:{site.server_port}"
    settings = Settings.from_environment(tmp_path_factory.mktemp("europass") / "data",
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


def _credentials(settings: Settings, email: str):
    service = issuer_service(settings)
    candidate = service.candidate_by_email(email)
    assert candidate is not None
    return service.credentials(candidate.ref)


@pytest.mark.parametrize("lang", ["en", "el"])
def test_the_holder_downloads_the_edc_for_europass(browser, holder_site, lang):
    from playwright.sync_api import expect

    base, settings = holder_site
    mine = _credentials(settings, HOLDER)
    active = next(c for c in mine if c.kind == "role" and not (c.revoked or c.suspended))
    suspended = next(c for c in mine if c.suspended)
    someone_elses = _credentials(settings, "maria-ivanova@example.org")[0]
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{base}/holder/sign-in/{_sign_in_link(settings)}")
        page.goto(f"{base}/holder/credentials/{active.id}?lang={lang}")
        link = page.locator("#europass")
        expect(link).to_have_text(words(lang, "Download for Europass"))
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename.endswith("-europass.jsonld")
        sealed = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert sealed["signatures"][0]["header"]["etsiU"]  # sealed, time-stamped (B-T)
        edc = sealed_payload(sealed)
        assert edc["identifier"]["notation"] == active.id
        assert edc["credentialSubject"]["fullName"] == {"en": "Eleni Papadopoulou (DEMO)"}
        assert validate(edc, "edc-generic") == []
        assert axe_findings(page) == []

        page.goto(f"{base}/holder/credentials/{suspended.id}?lang={lang}")
        expect(page.locator("#state")).to_have_attribute("data-state", "suspended")
        expect(page.locator("#europass")).to_have_count(0)
        refused = page.request.get(f"{base}/holder/europass/{suspended.id}")
        assert refused.status == 409
        assert page.request.get(f"{base}/holder/europass/{someone_elses.id}").status == 404
    finally:
        context.close()
