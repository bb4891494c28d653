"""The holder's own page: a personal sign-in link sent over SMTP, in the
holder's language, to a real local SMTP server (aiosmtpd), whose messages are parsed; then the
page in headless Chromium (desktop and a 390 px phone), checked by axe-core."""
import base64
import email
import email.policy
import json
import os
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from aiosmtpd.controller import Controller
from axe import axe_findings
from oid4vci_wallet import free_port
from werkzeug.serving import make_server

from issuer.demo import seed_demo
from vc.qr import read_qr_codes
from web.app import create_app
from web.cli.context import issuer_service
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
HOLDER = "maria-ivanova@example.org"
OTHER = "andrei-popescu@example.org"
LINK = re.compile(r"https?://\S+/holder/sign-in/[A-Za-z0-9_-]{40,}")


class Inbox:
    """aiosmtpd's handler: every message received, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 OK"

    def wait(self, count: int) -> email.message.EmailMessage:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=30)
            return self.messages[count - 1]


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def served(tmp_path_factory, smtp):
    _, port = smtp
    holder: dict = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                         threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    settings = Settings.from_environment(tmp_path_factory.mktemp("holder") / "data", environ={
        "S4C_PUBLIC_URL": base, "S4C_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "S4C_MAIL_FROM": "certification@demo.example.org"})
    prepare_data_dir(settings)
    seed_demo(issuer_service(settings))
    holder["app"] = create_app(settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, settings
    server.shutdown()


def _invite(settings: Settings, address: str, lang: str | None = None) -> None:
    from web.holder.mail import send_sign_in

    send_sign_in(settings, issuer_service(settings).sessions, address, "test", lang)


def _link(message) -> str:
    return LINK.search(message.get_content()).group(0)


def test_the_sign_in_e_mail_is_in_the_holders_language_and_works_once(served, smtp):
    base, settings = served
    inbox, _ = smtp
    before = len(inbox.messages)
    _invite(settings, HOLDER, "bg")
    message = inbox.wait(before + 1)
    assert message["To"] == HOLDER
    assert message["From"] == "certification@demo.example.org"
    assert message["Content-Language"] == "bg"
    assert message["Subject"] != "Your Skills4Cities credentials: your personal sign-in link"
    assert "Maria Ivanova (DEMO)" in message.get_content()
    link = _link(message)
    assert link.startswith(base)
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with opener.open(link, timeout=30) as response:  # loopback
        page = response.read().decode()
        assert response.url.rstrip("/").endswith("/holder")
    assert "Maria Ivanova (DEMO)" in page
    try:
        urllib.request.urlopen(link, timeout=30)  # loopback; a second use
        raise AssertionError("a used link signed in again")
    except urllib.error.HTTPError as e:
        assert e.code == 403


def test_asking_for_a_link_does_not_tell_who_is_certified(served, smtp):
    base, settings = served
    inbox, _ = smtp
    import http.cookiejar
    import urllib.parse
    import urllib.request

    from web.wiring.job_queue import JobQueue

    queue = JobQueue(settings, lambda: issuer_service(settings))  # a worker's, in here
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    answers = []
    for address in ("nobody@example.org", OTHER):
        form = opener.open(f"{base}/holder/sign-in", timeout=30).read().decode()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        before = len(inbox.messages)
        body = urllib.parse.urlencode({"email": address, "csrf_token": csrf}).encode()
        with opener.open(f"{base}/holder/sign-in", data=body, timeout=30) as response:
            answers.append((response.status, re.sub(r'value="[^"]*"', "", response.read()
                                                    .decode())))
        while (task := queue.huey.dequeue()) is not None:  # the job sends the e-mail
            queue.huey.execute(task)
        if address == OTHER:
            assert inbox.wait(before + 1)["To"] == OTHER
    assert answers[0] == answers[1]


@pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                    reason="Debian chromium is not installed (make test installs it)")
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900},
                                      {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_the_holders_page_in_chromium(served, smtp, viewport, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, settings = served
    inbox, _ = smtp
    before = len(inbox.messages)
    _invite(settings, HOLDER, "de")
    link = _link(inbox.wait(before + 1))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport=viewport, accept_downloads=True)
        page.goto(link)
        assert page.locator("html").get_attribute("lang") == "de"
        items = page.locator("#credentials li")
        expect(items.nth(1)).to_be_attached()  # two or more
        assert axe_findings(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        items.first.locator("a").click()
        assert page.locator("#state").inner_text() == "Gültig"
        # a share link: made, shown as a QR code that holds it, then withdrawn
        page.click("#new-link")
        shared = page.locator("#share-link").inner_text()
        assert shared.startswith(base + "/v/")
        qr = page.locator("#link-qr").get_attribute("src")
        assert read_qr_codes(base64.b64decode(qr.split(",", 1)[1])) == [shared]
        # LinkedIn is not reached: the test answers for it
        page.route("https://www.linkedin.com/**", lambda route: route.fulfill(status=204))
        with page.expect_request("https://www.linkedin.com/**") as asked:
            page.click("#linkedin")
        linkedin = parse_qs(urlsplit(asked.value.url).query)
        assert linkedin["certUrl"] == [shared] and linkedin["startTask"] == ["CERTIFICATION_NAME"]
        assert linkedin["organizationName"][0] and linkedin["issueYear"][0].isdigit()
        page.go_back()
        # the JSON file
        with page.expect_download() as download:
            page.click("#download")
        document = json.loads(Path(download.value.path()).read_text())
        assert document["credentialSubject"]["identifier"][1]["identityHash"] == \
            "Maria Ivanova (DEMO)"
        # a wallet offer with its transaction code
        page.select_option("#format", "dc+sd-jwt")
        page.click("#make-offer")
        tx = page.locator("#tx-code").inner_text()
        assert re.fullmatch(r"\d{6}", tx)
        offer = page.locator("#offer-link").get_attribute("href")
        src = page.locator("#offer-qr").get_attribute("src")
        assert read_qr_codes(base64.b64decode(src.split(",", 1)[1])) == [offer]
        assert json.loads(unquote(offer.split("=", 1)[1]))["credential_configuration_ids"][0] \
            .endswith("-sd_jwt")
        assert axe_findings(page) == []
        active = page.locator("tr[data-state=active]").first
        active.locator("summary").click()
        active.locator("input[name=confirm]").check()
        active.locator("button.danger").click()
        expect(page.locator("tr[data-state=withdrawn]").first).to_be_attached()
        # someone else's credential is not there
        other = issuer_service(settings).credentials()
        foreign = next(c.id for c in other if c.document["credentialSubject"]["identifier"][1]
                       ["identityHash"] != "Maria Ivanova (DEMO)")
        response = page.goto(f"{base}/holder/credentials/{foreign}")
        assert response.status == 404
        browser.close()


def test_the_officer_sends_the_e_mail_and_shows_a_wallet_offer_from_the_console(served, smtp):
    from issuer.officers import add_officer

    _base, settings = served
    inbox, _ = smtp
    service = issuer_service(settings)
    add_officer(service.sessions, "olga", "a long officer password", "test")
    client = create_app(settings).test_client()

    def csrf(path: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"',
                         client.get(path).get_data(as_text=True)).group(1)

    client.post("/issuer/login", data={"username": "olga", "password": "a long officer password",
                                       "csrf_token": csrf("/issuer/login")})
    person = next(c for c in service.candidates() if c.email == OTHER)
    before = len(inbox.messages)
    page = f"/issuer/candidates/{person.ref}"
    done = client.post(f"{page}/invite", data={"lang": "ro", "csrf_token": csrf(page)},
                       follow_redirects=True)
    assert "Sign-in link sent to" in done.get_data(as_text=True)
    message = inbox.wait(before + 1)
    assert message["To"] == OTHER and message["Content-Language"] == "ro"
    assert "Bună ziua" in message.get_content()
    credential = next(c.id for c in service.credentials(person.ref)
                      if not c.revoked and not c.suspended)  # the demo revoked his role
    page = f"/issuer/credentials/{credential}"
    shown = client.post(f"{page}/wallet-offer", data={"format": "ldp_vc",
                                                      "csrf_token": csrf(page)},
                        follow_redirects=True).get_data(as_text=True)
    tx = re.search(r'id="tx-code">(\d{6})<', shown)
    assert tx is not None
    src = re.search(r'id="offer-qr" src="data:image/png;base64,([^"]+)"', shown).group(1)
    [offer] = read_qr_codes(base64.b64decode(src))
    assert offer.startswith("openid-credential-offer://?credential_offer=")
    assert "-ldp_vc" in unquote(offer)


def test_a_cohort_job_e_mails_each_holder_once_issued(served, smtp):
    from issuer import cohort_jobs
    from issuer.demo import cohort_csv
    from web.wiring.job_queue import JobQueue

    _base, settings = served
    inbox, _ = smtp
    service = issuer_service(settings)
    queue = JobQueue(settings, lambda: issuer_service(settings))
    text = cohort_csv(service.framework(), 3, prefix="mailed")
    before = len(inbox.messages)
    job_id = queue.submit(service, text, "cohort.csv", "test", notify_holders=True)
    for number in cohort_jobs.chunk_numbers(service, job_id):
        assert queue._run(job_id, number)  # as a worker runs the queued chunk
    received = {inbox.wait(before + i + 1)["To"] for i in range(3)}
    assert received == {line.split(",")[1] for line in text.splitlines()[1:]}
    assert all(_link(m) for m in inbox.messages[before:])
    assert cohort_jobs.progress(service, job_id).finished


def test_a_holder_may_open_the_aries_page_of_their_own_credential_only(served):
    import http.cookiejar
    import urllib.request
    from datetime import UTC, datetime

    from issuer.holder_sign_in import find_holder, make_link

    base, settings = served
    service = issuer_service(settings)
    with service.sessions.begin() as s:
        token = make_link(s, find_holder(s, HOLDER), "test", datetime.now(UTC))
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/holder/sign-in/{token}", timeout=30).read()  # loopback
    mine, theirs = None, None
    for c in service.credentials():
        name = c.document["credentialSubject"]["identifier"][1]["identityHash"]
        if name == "Maria Ivanova (DEMO)":
            mine = c.id
        else:
            theirs = c.id
    try:  # no agent runs here: a page that says how to start one (not a JSON error)
        opener.open(f"{base}/credentials/{mine}/aries", timeout=30)  # loopback
        raise AssertionError("the page claimed an agent")
    except urllib.error.HTTPError as e:
        assert e.code == 503 and e.headers.get_content_type() == "text/html"
        assert "s4c agent start" in e.read().decode()
    try:
        opener.open(f"{base}/credentials/{theirs}/aries", timeout=30)
        raise AssertionError("someone else's credential opened")
    except urllib.error.HTTPError as e:
        assert e.code == 404
    anonymous = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with anonymous.open(f"{base}/credentials/{mine}/aries", timeout=30) as page:  # loopback
        assert "/issuer/login" in page.url


@pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                    reason="Debian chromium is not installed (make test installs it)")
@pytest.mark.parametrize("lang", ["en", "bg", "ro", "el", "es", "de"])
def test_the_home_page_leads_each_user_in_their_language(served, lang):
    from playwright.sync_api import sync_playwright

    base, _settings = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{base}/?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        for link, path in (("#to-verify", "/verify"), ("#to-holder", "/holder/"),
                           ("#to-console", "/issuer/"), ("#to-registry", "/registry/")):
            assert urlsplit(page.locator(link).get_attribute("href")).path == path
        assert "renew" not in page.content().lower()
        assert axe_findings(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        browser.close()
