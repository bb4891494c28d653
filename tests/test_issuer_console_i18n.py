"""The officer console in the six languages: every page speaks the language chosen
with `?lang=` (else the browser's), keeps it across links, form posts, redirects and the
login, and says the issuer's refusals in it too. One real Chromium run checks a translated
console with axe-core on a desktop and a phone screen."""
import io
import os
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import test_issuer_web_api as api_tests
import test_issuer_web_console as console_tests
from axe import axe_findings
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from test_registry_browser import CHROMIUM, CHROMIUM_ARGS, _missing_browser
from werkzeug.serving import make_server

from issuer import cohort_jobs
from issuer.demo import cohort_csv, seed_demo
from issuer.officers import add_officer
from web.app import create_app
from web.cli.context import issuer_service
from web.plumbing.i18n import LANGUAGES, po_path, read_catalogues
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

# The console tests' fixtures and helpers (a real data directory with SQLite, real logins).
settings, app, client, service = api_tests.settings, api_tests.app, api_tests.client, \
    api_tests.service
officer, PASSWORD, DAY = console_tests.officer, console_tests.PASSWORD, console_tests.DAY
_csrf, _role_id = console_tests._csrf, console_tests._role_id

# English words of the console's own interface (not data: names, codes, the signed JSON).
ENGLISH_LABELS = [
    "Dashboard", "Candidates", "Credentials", "Cohort upload", "Log out", "Log in",
    "Username", "Password", "Officer login", "Issuer dashboard", "Recently issued",
    "Register a candidate", "Full name", "Search", "Show all", "E-mail address",
    "Record an assessment", "Record assessment", "Score", "Maximum score", "Assessed on",
    "Exam body", "Assessor", "Recorded by", "Assessments", "Certify and issue", "Roles",
    "still needs", "certified", "Holder", "Issued", "Valid until", "Status", "Kind", "Filter",
    "Share links", "Create share link", "Change status", "Suspend", "Revoke",
    "Audit trail", "Issue a cohort", "Upload and issue", "Download a template",
    "Recent uploads", "Rows refused", "rows refused", "candidates", "credentials issued",
    "Candidates done", "What would happen", "nothing was written", "passed", "not passed",
    "failed", "refused", "line", "Competency unit", "Role", "active", "revoked", "Language",
    "The holder's page", "Send sign-in e-mail", "Printable certificate", "Reason",
]
EARLIER = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
SKIPPED = {"pre", "code", "script", "style", "footer"}  # data and technical names


class _Text(HTMLParser):
    """The words a reader sees or hears: text and the labels of images and fields."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping.append(tag)
        for name, value in attrs:
            if name in ("aria-label", "alt", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@cache
def _same_word(lang: str) -> set[str]:
    """Labels that `lang` writes as English does (German "Status")."""
    with po_path(lang).open("rb") as po:
        return {m.id for m in read_po(po) if isinstance(m.id, str) and m.string == m.id}


def english_left(html: str, lang: str) -> list[str]:
    text = visible_text(html)
    return [label for label in ENGLISH_LABELS if label not in _same_word(lang)
            and re.search(rf"\b{re.escape(label)}\b", text)]


def words(lang: str, text: str, context: str | None = None) -> str:
    catalogue = read_catalogues()[lang]
    return catalogue.pgettext(context, text) if context else catalogue.gettext(text)


def _login_in(client: FlaskClient, lang: str) -> str:
    """Logs in from the login page in `lang`; returns where the login sent the officer."""
    page = client.get(f"/issuer/login?lang={lang}").get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(action.replace("&amp;", "&"), data={
        "username": "olga", "password": PASSWORD, "csrf_token": token,
        "next": re.search(r'name="next" value="([^"]*)"', page).group(1)})
    assert answer.status_code == 302
    return answer.headers["Location"]


def _certified(client: FlaskClient, service, role: str = "SCPM") -> str:
    """A candidate certified for `role` through the console; returns the reference. (Data
    that reads as no English label: "Exam Centre" or "Assessor A" would.)"""
    page = client.post("/issuer/candidates", data={
        "name": "Ana Test", "email": "ana@example.org", "did": "",
        "csrf_token": _csrf(client, "/issuer/candidates")}).headers["Location"]
    ref = urlsplit(page).path.rsplit("/", 1)[1]
    for unit in service.framework().role(role).units:
        assert client.post(f"/issuer/candidates/{ref}/assessments", data={
            "unit": unit, "score": "75", "max_score": "100", "assessed_on": DAY,
            "exam_body": "ECQA Sofia", "assessor": "Z. Q.",
            "csrf_token": _csrf(client, "/issuer/")}).status_code == 302
    assert client.post(f"/issuer/candidates/{ref}/certify",
                       data={"csrf_token": _csrf(client, "/issuer/")}).status_code == 302
    return ref


def _cohort_job(client: FlaskClient, service, lang: str) -> str:
    units = service.framework().role("SCPM").units
    body = ("name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n"
            f"Ben Row,ben@example.org,,{units[0]},80,100,{DAY},Exam Centre,A\n"
            f"Cleo Row,cleo@example.org,,{units[0]},eighty,100,{DAY},Exam Centre,A\n")
    answer = client.post(f"/issuer/cohort?lang={lang}", content_type="multipart/form-data",
                         data={"csrf_token": _csrf(client, "/issuer/cohort"),
                               "cohort": (io.BytesIO(body.encode()), "cohort.csv")})
    assert answer.status_code == 303
    location = answer.headers["Location"]
    assert parse_qs(urlsplit(location).query)["lang"] == [lang]
    return location


@pytest.mark.parametrize("lang", ["de", "el"])
def test_every_console_page_speaks_the_chosen_language(client, service, officer, lang):
    anonymous = client.get(f"/issuer/login?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in anonymous
    assert words(lang, "Certification officer login") in anonymous
    assert english_left(anonymous, lang) == []

    assert urlsplit(_login_in(client, lang)).query == f"lang={lang}"
    ref = _certified(client, service)
    credential_id = _role_id(service, ref)
    job = _cohort_job(client, service, lang)
    pages = {
        "/issuer/": ["Issuer dashboard", "Recently issued"],
        "/issuer/candidates": ["Register a candidate", "Full name"],
        f"/issuer/candidates/{ref}": ["Record an assessment", "Certify and issue"],
        "/issuer/credentials": ["Issued credentials", "Filter"],
        f"/issuer/credentials/{credential_id}": ["Change status", "Revoke (cannot be undone)"],
        "/issuer/cohort": ["Issue a cohort", "Upload and issue"],
        urlsplit(job).path: ["Rows refused", "Queue the remaining parts again"],
    }
    for path, expected in pages.items():
        html = client.get(f"{path}?lang={lang}").get_data(as_text=True)
        assert f'<html lang="{lang}">' in html, path
        for text in expected:
            assert words(lang, text) != text and words(lang, text) in html, (path, text)
        assert english_left(html, lang) == [], path
        # the language switch: this page in each of the six languages
        switch = re.findall(r'<a href="([^"]+)" hreflang="(\w\w)"', html)
        assert [code for _href, code in switch] == list(LANGUAGES), path
        assert all(urlsplit(href.replace("&amp;", "&")).path == path
                   and f"lang={code}" in href for href, code in switch), path
        # every console link and form keeps the language; only the switch names another
        urls = re.findall(r'(?:href|action)="(/issuer/[^"]*)"', html)
        chosen = [parse_qs(urlsplit(url.replace("&amp;", "&")).query).get("lang")
                  for url in urls]
        assert chosen.count([lang]) == len(urls) - 5 and None not in chosen, (path, urls)

    candidate = client.get(f"/issuer/candidates/{ref}?lang={lang}").get_data(as_text=True)
    role = service.framework().role("SCPM")
    assert words(lang, "passed", "assessment") in candidate
    assert role.name[lang] in candidate  # the credential's title, in the page's language
    job_page = client.get(job).get_data(as_text=True)
    # the row error is a finding (cohort.score-not-a-number, line 3) said from the catalogue
    assert words(lang, "cohort.row") % {
        "line": 3, "reason": words(lang, "cohort.score-not-a-number")
        % {"score": "eighty", "max": "100"}} in visible_text(job_page)


@pytest.fixture
def logged_in_de(client: FlaskClient, officer: str) -> FlaskClient:
    _login_in(client, "de")
    return client


def test_a_dry_run_of_a_cohort_is_said_in_the_chosen_language(logged_in_de, service):
    units = service.framework().role("SCPM").units
    body = "name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n" + "".join(
        f"Eva Semi,eva@example.org,,{unit},80,100,{DAY},Exam Centre,A\n" for unit in units) \
        + f"Gus Semi,gus@example.org,,NOPE,80,100,{DAY},Exam Centre,A\n"
    answer = logged_in_de.post("/issuer/cohort?lang=de", content_type="multipart/form-data",
                               data={"csrf_token": _csrf(logged_in_de, "/issuer/cohort"),
                                     "dry_run": "1",
                                     "cohort": (io.BytesIO(body.encode()), "semi.csv")})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and english_left(html, "de") == []
    text = visible_text(html)
    assert "Prüfung von semi.csv: Es wurde nichts gespeichert" in text
    assert "1 Kandidat würde erfasst (0 bereits registriert); 1 Zeile würde abgelehnt." in text
    assert text.count(" bestanden ") >= len(units)
    assert "abgelehnt: die Einheit 'NOPE' gehört nicht zum Rahmen" in text


def test_the_language_lasts_across_posts_redirects_and_the_login(client, service, officer):
    # an anonymous visit in Greek: the login page, and after it the page asked for, in Greek
    sent = client.get("/issuer/candidates?lang=el")
    assert sent.status_code == 302
    login = sent.headers["Location"]
    assert parse_qs(urlsplit(login).query)["lang"] == ["el"]
    page = client.get(login).get_data(as_text=True)
    assert words("el", "Certification officer login") in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    landed = client.post(action.replace("&amp;", "&"), data={
        "username": "olga", "password": PASSWORD, "csrf_token": token,
        "next": re.search(r'name="next" value="([^"]*)"', page).group(1)})
    assert urlsplit(landed.headers["Location"]).path == "/issuer/candidates"
    assert "lang=el" in landed.headers["Location"]

    # the officer switches to German and records a result: the answer is in German
    ref = _certified(client, service)
    page = client.get(f"/issuer/candidates/{ref}?lang=de").get_data(as_text=True)
    action = re.search(r'action="([^"]+/assessments[^"]*)"', page).group(1)
    assert "lang=de" in action
    unit = service.framework().role("SCPM").units[0]
    done = client.post(action, data={
        "unit": unit, "score": "20", "max_score": "100", "assessed_on": EARLIER,
        "exam_body": "E", "assessor": "A", "csrf_token": _csrf(client, "/issuer/")})
    assert done.status_code == 302 and "lang=de" in done.headers["Location"]
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    attempt = re.search(rf"Versuch (\d+) für {unit} erfasst: nicht bestanden\.", shown)
    assert attempt is not None, shown
    again = client.post(action, data={
        "unit": unit, "score": "20", "max_score": "100", "assessed_on": EARLIER,
        "exam_body": "E", "assessor": "A", "csrf_token": _csrf(client, "/issuer/")},
        follow_redirects=True).get_data(as_text=True)
    assert (f"Dieses Ergebnis für {unit} ist bereits erfasst, als Versuch {attempt[1]} "
            "(nicht bestanden): nichts geändert.") in again
    retake = client.post(action, data={
        "unit": unit, "score": "30", "max_score": "100", "assessed_on": EARLIER,
        "exam_body": "E", "assessor": "A", "csrf_token": _csrf(client, "/issuer/")},
        follow_redirects=True).get_data(as_text=True)
    assert f"Versuch {int(attempt[1]) + 1} für {unit} erfasst: nicht bestanden." in retake
    missing = client.post(f"/issuer/candidates/{ref}/assessments?lang=de", data={
        "unit": unit, "score": "", "max_score": "100", "assessed_on": DAY, "exam_body": "E",
        "assessor": "A", "csrf_token": _csrf(client, "/issuer/")}, follow_redirects=True)
    assert "Punktzahl muss eine Zahl sein" in missing.get_data(as_text=True)

    # a refusal from the issuer's rules, in Greek
    credential_id = _role_id(service, ref)
    page = f"/issuer/credentials/{credential_id}"
    answer = client.post(f"{page}/status?lang=el", data={
        "action": "reinstate", "reason": "r", "csrf_token": _csrf(client, page)},
        follow_redirects=True).get_data(as_text=True)
    assert f"Η κατάσταση δεν άλλαξε: το διαπιστευτήριο {credential_id} δεν είναι σε " \
           "αναστολή" in answer
    revoke = client.post(f"{page}/status?lang=el", data={
        "action": "revoke", "reason": "r", "csrf_token": _csrf(client, page)},
        follow_redirects=True).get_data(as_text=True)
    assert words("el", "revoking cannot be undone: tick the box that confirms it, then press "
                 "Revoke again") in revoke

    # logging out keeps the language too
    out = client.post("/issuer/logout?lang=es", data={"csrf_token": _csrf(client, "/issuer/")})
    assert "lang=es" in out.headers["Location"]
    assert "Ha cerrado la sesión." in client.get(out.headers["Location"]).get_data(as_text=True)


def test_without_a_choice_the_console_follows_the_browser_and_links_stay_plain(client,
                                                                              officer):
    page = client.get("/issuer/login", headers={"Accept-Language": "ro-RO,ro;q=0.9"})
    html = page.get_data(as_text=True)
    assert '<html lang="ro">' in html and words("ro", "Certification officer login") in html
    assert 'action="/issuer/login"' in html  # nothing chosen in the URL: nothing added
    english = client.get("/issuer/login").get_data(as_text=True)
    assert '<html lang="en">' in english and "Certification officer login" in english


def test_why_no_role_is_certified_yet_is_said_in_the_chosen_language(logged_in_de, service):
    client = logged_in_de
    client.post("/issuer/candidates?lang=de", data={
        "name": "Bo Fail", "email": "bo@example.org", "csrf_token": _csrf(client, "/issuer/")})
    ref = service.candidate_by_email("bo@example.org").ref
    role = service.framework().roles[0]
    for i, unit in enumerate(role.units):
        client.post(f"/issuer/candidates/{ref}/assessments?lang=de", data={
            "unit": unit, "score": "10" if i == 0 else "95", "max_score": "100",
            "assessed_on": DAY, "exam_body": "ECQA Sofia", "assessor": "Z. Q.",
            "csrf_token": _csrf(client, "/issuer/")})
    answer = client.post(f"/issuer/candidates/{ref}/certify?lang=de", data={
        "csrf_token": _csrf(client, "/issuer/")}, follow_redirects=True).get_data(as_text=True)
    assert english_left(answer, "de") == []
    text = visible_text(answer)
    assert f"{len(role.units) - 1} Nachweise ausgestellt. 0 waren bereits ausgestellt." in text
    assert (f"Noch keine Rolle ist zertifiziert: {role.code} fehlt noch: {role.units[0]} "
            f"(10/100 am {DAY}: nicht bestanden)") in text


# -- one real browser ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def console_server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """A served console with the demo data, an officer, and a cohort job no worker runs."""
    holder: dict = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                         threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    settings = Settings.from_environment(tmp_path_factory.mktemp("console") / "data",
                                         environ={"S4C_PUBLIC_URL": base})
    prepare_data_dir(settings)
    service = issuer_service(settings)
    seed_demo(service)
    add_officer(service.sessions, "olga", PASSWORD, "test")
    job_id = cohort_jobs.create_job(service, cohort_csv(service.framework(), 3), "greek.csv",
                                    "olga")
    holder["app"] = create_app(settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, job_id
    server.shutdown()


def _page_width(page) -> int:
    """How wide the page is laid out, in CSS pixels (wider than the viewport: it scrolls
    sideways as a whole); a wide table scrolls within its own box instead."""
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_console_in_greek_in_chromium_passes_axe_on_desktop_and_phone(console_server):
    missing = _missing_browser()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import expect, sync_playwright

    base, job_id = console_server
    progress = words("el", "Candidates done: %(done)s of %(total)s (%(percent)s %%).") % {
        "done": 0, "total": 3, "percent": 0}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            for width, height in ((1280, 900), (390, 844)):
                page = browser.new_context(viewport={"width": width, "height": height}) \
                    .new_page()
                page.goto(f"{base}/issuer/?lang=el")  # sent to the login page, in Greek
                assert page.locator("html").get_attribute("lang") == "el"
                assert page.locator("h1").inner_text() == words(
                    "el", "Certification officer login")
                assert axe_findings(page) == [], (width, "login")
                page.fill("input[name=username]", "olga")
                page.fill("input[name=password]", PASSWORD)
                page.click("form.panel button[type=submit]")
                assert page.locator("h1").inner_text() == words("el", "Issuer dashboard")
                assert _page_width(page) <= width, (width, "dashboard")
                tour = (("Candidates", "Candidates"), ("Credentials", "Issued credentials"),
                        ("Cohort upload", "Issue a cohort"))
                for link, heading in tour if width > 390 else tour[1:2]:
                    page.click(f"nav.console-nav >> text={words('el', link)}")
                    expect(page.locator("h1")).to_have_text(words("el", heading))
                    assert "lang=el" in page.url
                    assert axe_findings(page) == [], (width, link)
                    assert _page_width(page) <= width, (width, link)
                page.goto(f"{base}/issuer/credentials?lang=el")
                page.locator("table.list tbody a").first.click()
                assert page.locator("html").get_attribute("lang") == "el"
                assert axe_findings(page) == [], (width, "credential")
                assert _page_width(page) <= width, (width, "credential")
                # the job page's script says the progress it polls in the page's language
                with page.expect_response(lambda r: "/progress" in r.url):
                    page.goto(f"{base}/issuer/cohort/jobs/{job_id}?lang=el")
                expect(page.locator("#job-state")).to_have_text(progress)
                assert axe_findings(page) == [], (width, "cohort job")
                assert _page_width(page) <= width, (width, "cohort job")
                page.context.close()
        finally:
            browser.close()
