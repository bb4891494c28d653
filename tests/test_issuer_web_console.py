"""The issuer console and holder pages: login, CSRF, the officer's flow from candidate to
revocation, cohort upload, the printable certificate's QR code, downloads."""
import base64
import io
import os
import re
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import job_workers
import pytest
import test_issuer_web_api as shared
from flask import Flask
from flask.testing import FlaskClient

from issuer.officers import add_officer
from issuer.shares import revoke_share, shares_of
from vc.qr import read_qr_codes
from web.app import create_app
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

# The API tests' fixtures, including the autouse check that no key material leaks.
settings, app, client, service = shared.settings, shared.app, shared.client, shared.service
no_key_material_leaks = shared.no_key_material_leaks
_bit = shared._bit

PASSWORD = "a long officer password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DAY = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()


@pytest.fixture
def officer(service) -> str:
    add_officer(service.sessions, "olga", PASSWORD, "test")
    return "olga"


def _csrf(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return CSRF.search(page.get_data(as_text=True)).group(1)


def _login(client: FlaskClient, password: str = PASSWORD, **extra):
    token = _csrf(client, "/issuer/login")
    return client.post("/issuer/login", data={"username": "olga", "password": password,
                                              "csrf_token": token, **extra})


@pytest.fixture
def logged_in(client: FlaskClient, officer: str) -> FlaskClient:
    assert _login(client).status_code == 302
    return client


def _post(client: FlaskClient, form_page: str, action: str, data: dict, **kwargs):
    return client.post(action, data={**data, "csrf_token": _csrf(client, form_page)}, **kwargs)


def _certified_candidate(client: FlaskClient, service, role: str = "SCPM") -> str:
    added = _post(client, "/issuer/candidates", "/issuer/candidates",
                  {"name": "Ana Test", "email": "ana@example.org", "did": ""})
    assert added.status_code == 302
    page = added.headers["Location"]
    ref = page.rsplit("/", 1)[1]
    for unit in service.framework().role(role).units:
        recorded = _post(client, page, f"{page}/assessments", {
            "unit": unit, "score": "75", "max_score": "100", "assessed_on": DAY,
            "exam_body": "Exam Centre", "assessor": "Assessor A"})
        assert recorded.status_code == 302
    assert _post(client, page, f"{page}/certify", {}).status_code == 302
    return ref


def _role_id(service, ref: str) -> str:
    return next(c.id for c in service.credentials(candidate_ref=ref) if c.kind == "role")


# -- authentication ----------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/issuer/", "/issuer/candidates", "/issuer/credentials",
                                  "/issuer/cohort", "/credentials/urn:uuid:x/certificate",
                                  "/credentials/urn:uuid:x/download"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/issuer/login?next=")


def test_an_anonymous_revoke_or_certify_is_refused(client, service, officer):
    _login(client)
    ref = _certified_candidate(client, service)
    credential_id = _role_id(service, ref)
    _post(client, "/issuer/", "/issuer/logout", {})
    for action in (f"/issuer/credentials/{credential_id}/status",
                   f"/issuer/candidates/{ref}/certify"):
        # a valid anonymous CSRF token (from the login page), but nobody logged in
        response = _post(client, "/issuer/login", action,
                         {"action": "revoke", "reason": "anonymous"})
        assert response.status_code == 302 and "/issuer/login" in response.headers["Location"]
    assert not service.credential(credential_id).revoked


def test_a_wrong_password_or_unknown_officer_does_not_log_in(client, officer, caplog):
    response = _login(client, password="not the password")
    assert response.status_code == 401
    assert "login refused for 'olga'" in caplog.text and "not the password" not in caplog.text
    assert "Wrong username or password" in response.get_data(as_text=True)
    token = _csrf(client, "/issuer/login")
    unknown = client.post("/issuer/login", data={"username": "mallory", "password": PASSWORD,
                                                 "csrf_token": token})
    assert unknown.status_code == 401
    assert client.get("/issuer/").status_code == 302


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_form_without_the_right_csrf_token_is_refused(logged_in, service, token):
    data = {"name": "Eve", "email": "eve@example.org"}
    if token is not None:
        data["csrf_token"] = token
    response = logged_in.post("/issuer/candidates", data=data)
    assert response.status_code == 400
    assert service.candidates() == []


def test_the_login_form_needs_its_csrf_token_too(client, officer):
    response = client.post("/issuer/login", data={"username": "olga", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/issuer/").status_code == 302


def test_login_returns_to_a_local_page_only(client, officer):
    assert _login(client, next="/issuer/cohort").headers["Location"] == "/issuer/cohort"
    client.post("/issuer/logout", data={"csrf_token": _csrf(client, "/issuer/")})
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        assert _login(client, next=target).headers["Location"] == "/issuer/"
        client.post("/issuer/logout", data={"csrf_token": _csrf(client, "/issuer/")})


def test_logout_ends_the_session(logged_in):
    response = _post(logged_in, "/issuer/", "/issuer/logout", {})
    assert response.status_code == 302
    assert logged_in.get("/issuer/").status_code == 302


def test_the_session_cookie_is_httponly_lax_and_secure_on_https(tmp_path: Path, settings,
                                                               client, officer):
    cookie = _login(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secret = settings.data_dir / "flask-secret"
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    https = Settings.from_environment(tmp_path / "other", environ={
        "S4C_PUBLIC_URL": "https://certify.example.eu"})
    prepare_data_dir(https)
    app = create_app(https)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.secret_key != create_app(settings).secret_key  # one key per data directory


def test_a_session_survives_a_restart_of_the_app(settings, logged_in):
    restarted: Flask = create_app(settings)
    other = restarted.test_client()
    other.set_cookie("s4c_session", logged_in.get_cookie("s4c_session").value)
    assert other.get("/issuer/").status_code == 200


# -- the officer's flow ------------------------------------------------------------------
def test_the_console_flow_from_candidate_to_revocation(logged_in, service):
    ref = _certified_candidate(logged_in, service)
    candidate = logged_in.get(f"/issuer/candidates/{ref}").get_data(as_text=True)
    assert "Ana Test" in candidate and "75 / 100" in candidate
    credential_id = _role_id(service, ref)
    page = f"/issuer/credentials/{credential_id}"
    html = logged_in.get(page).get_data(as_text=True)
    assert "Smart City Project Manager" in html and "credential.issued" in html
    assert "badge-active" in html
    assert "is final" in html  # the confirmation says what revoking does
    unconfirmed = _post(logged_in, page, f"{page}/status",
                        {"action": "revoke", "reason": "exam irregularity"},
                        follow_redirects=True)
    assert "tick the box" in unconfirmed.get_data(as_text=True)
    assert not service.credential(credential_id).revoked
    response = _post(logged_in, page, f"{page}/status",
                     {"action": "revoke", "reason": "exam irregularity", "confirm_revoke": "1"})
    assert response.status_code == 302
    assert service.credential(credential_id).revoked
    certificate = logged_in.get(f"/credentials/{credential_id}/certificate").get_data(as_text=True)
    assert 'id="void"' in certificate and "REVOKED" in certificate
    assert _bit(logged_in, service.credential(credential_id).document, "revocation")
    html = logged_in.get(page).get_data(as_text=True)
    assert "credential.revoked" in html and "exam irregularity" in html
    assert "badge-revoked" in html and 'value="reinstate"' not in html
    listed = logged_in.get("/issuer/credentials?kind=role&state=revoked").get_data(as_text=True)
    assert credential_id in listed
    active = logged_in.get("/issuer/credentials?kind=role&state=active").get_data(as_text=True)
    assert credential_id not in active
    dashboard = logged_in.get("/issuer/").get_data(as_text=True)
    assert "Smart City Project Manager" in dashboard


def test_the_credential_list_filters_by_kind_and_state(logged_in, service):
    ref = _certified_candidate(logged_in, service)
    role_id = _role_id(service, ref)
    unit_ids = [c.id for c in service.credentials(candidate_ref=ref) if c.kind == "unit"]

    def listed(query: str) -> set[str]:
        html = logged_in.get(f"/issuer/credentials?{query}").get_data(as_text=True)
        return {i for i in [role_id, *unit_ids] if i in html}

    assert listed("") == {role_id, *unit_ids}
    assert listed("kind=unit") == set(unit_ids)
    assert listed("kind=role&state=active") == {role_id}
    service.suspend(unit_ids[0], "check", "test")
    assert listed("state=suspended") == {unit_ids[0]}
    later = service.clock() + timedelta(days=365 * 4)
    service.clock = lambda: later  # the role credential expires after 3 years
    assert listed("state=expired") == {role_id}
    assert listed("state=active") == set(unit_ids[1:])


def test_a_refused_console_action_says_why(logged_in, service):
    ref = _certified_candidate(logged_in, service)
    page = f"/issuer/candidates/{ref}"
    response = _post(logged_in, page, f"{page}/assessments", {
        "unit": "NOPE", "score": "75", "max_score": "100", "assessed_on": DAY,
        "exam_body": "E", "assessor": "A"}, follow_redirects=True)
    assert "Assessment not recorded" in response.get_data(as_text=True)
    credential_id = _role_id(service, ref)
    credential = f"/issuer/credentials/{credential_id}"
    _post(logged_in, credential, f"{credential}/status",
          {"action": "revoke", "reason": "r", "confirm_revoke": "1"})
    response = _post(logged_in, credential, f"{credential}/status",
                     {"action": "reinstate", "reason": "r"}, follow_redirects=True)
    assert "can never be reinstated" in response.get_data(as_text=True)
    assert service.credential(credential_id).revoked


def test_a_cohort_upload_reports_a_bad_row_by_line_and_issues_the_others(logged_in, service,
                                                                         settings):
    units = service.framework().role("SCPM").units
    lines = ["name,email,did,unit,score,max_score,assessed_on,exam_body,assessor"]
    for unit in units:
        lines.append(f"Ben Row,ben@example.org,,{unit},80,100,{DAY},Exam Centre,A. Assessor")
    lines.append(f"Cleo Row,cleo@example.org,,{units[0]},eighty,100,{DAY},Exam Centre,A")
    lines.append(f"Dan Row,dan@example.org,,NOPE,80,100,{DAY},Exam Centre,A")
    body = ("\n".join(lines) + "\n").encode()
    response = logged_in.post("/issuer/cohort", content_type="multipart/form-data", data={
        "csrf_token": _csrf(logged_in, "/issuer/cohort"),
        "cohort": (io.BytesIO(body), "cohort.csv")})
    assert response.status_code == 303  # the upload is a job: its page follows it
    page = response.headers["Location"]
    job_id = page.rsplit("/", 1)[1]
    assert page == f"/issuer/cohort/jobs/{job_id}"
    with job_workers.worker(settings) as process:
        job_workers.wait_finished(service, job_id, process=process)
    progress = logged_in.get(f"{page}/progress").get_json()
    assert progress["finished"] and progress["percent"] == 100
    assert progress["issued"] == len(units) + 1
    html = logged_in.get(page).get_data(as_text=True)
    assert f"line {len(lines) - 1}: score" in html
    assert f"line {len(lines)}: unit &#39;NOPE&#39; is not in framework" in html
    issued = service.credentials(candidate_ref="ben@example.org")
    assert len(issued) == len(units) + 1
    assert f'<strong data-field="issued">{len(issued)}</strong>' in html
    # refused rows create no candidates
    assert {c.email for c in service.candidates()} == {"ben@example.org"}
    assert "cohort.csv" in logged_in.get("/issuer/cohort").get_data(as_text=True)


# -- holder pages ------------------------------------------------------------------------
def _qr_link(html: str) -> str:
    png = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    texts = read_qr_codes(base64.b64decode(png))
    assert len(texts) == 1
    return texts[0]


def test_the_certificate_qr_code_decodes_to_a_working_share_link(logged_in, service):
    credential_id = _role_id(service, _certified_candidate(logged_in, service))
    response = logged_in.get(f"/credentials/{credential_id}/certificate")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    link = _qr_link(html)
    token = link.removeprefix("http://127.0.0.1:8000/v/")
    assert link.startswith("http://127.0.0.1:8000/v/") and token and link in html
    shared_doc = logged_in.get(f"/shares/{token}/credential").get_json()
    assert shared_doc == service.credential(credential_id).document
    role = service.framework().role("SCPM")
    assert "Ana Test" in html and credential_id in html
    for lang in ("en", "bg", "ro", "el", "es", "de"):
        assert role.name[lang] in html
    assert f"<dd>{role.eqf_level} (European Qualifications Framework)" in html
    assert "Demo Smart City Certification Body" in html
    assert "@page { size: A4" in html
    # Printing again reuses the link rather than making a new one.
    again = logged_in.get(f"/credentials/{credential_id}/certificate").get_data(as_text=True)
    assert _qr_link(again) == link
    assert len(shares_of(service.sessions, credential_id)) == 1


def test_a_share_link_made_in_the_console_is_printed_on_the_certificate(logged_in, service):
    credential_id = _role_id(service, _certified_candidate(logged_in, service))
    page = f"/issuer/credentials/{credential_id}"
    html = _post(logged_in, page, f"{page}/share", {},
                 follow_redirects=True).get_data(as_text=True)
    link = re.search(r'value="(http://127\.0\.0\.1:8000/v/[^"]+)"', html).group(1)
    token = link.rsplit("/", 1)[1]
    assert logged_in.get(f"/shares/{token}/credential").status_code == 200
    certificate = logged_in.get(f"/credentials/{credential_id}/certificate")
    assert _qr_link(certificate.get_data(as_text=True)) == link


def test_a_revoked_share_link_is_not_printed_again(logged_in, service):
    credential_id = _role_id(service, _certified_candidate(logged_in, service))
    path = f"/credentials/{credential_id}/certificate"
    old = _qr_link(logged_in.get(path).get_data(as_text=True))
    revoke_share(service.sessions, shares_of(service.sessions, credential_id)[0].id, "test")
    new = _qr_link(logged_in.get(path).get_data(as_text=True))
    assert new != old
    assert logged_in.get(f"/shares/{new.rsplit('/', 1)[1]}/credential").status_code == 200


def test_the_download_is_the_signed_credential_named_after_its_role(logged_in, service):
    credential_id = _role_id(service, _certified_candidate(logged_in, service))
    response = logged_in.get(f"/credentials/{credential_id}/download")
    assert response.status_code == 200
    uuid = credential_id.removeprefix("urn:uuid:")
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="SCPM-{uuid}.json"'
    assert response.get_json() == service.credential(credential_id).document
    missing = logged_in.get("/credentials/urn:uuid:nope/download")
    assert missing.status_code == 404


def test_a_session_cookie_copied_before_logout_no_longer_works(app, logged_in):
    """The cookie used to stay valid for 8 hours after logout."""
    cookie = logged_in.get_cookie("s4c_session").value
    assert logged_in.get("/issuer/").status_code == 200
    assert _post(logged_in, "/issuer/", "/issuer/logout", {}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("s4c_session", cookie)
    answer = thief.get("/issuer/")
    assert answer.status_code == 302 and "/issuer/login" in answer.headers["Location"]


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(app, officer):
    """40 wrong passwords in 2.7 s, then the right one still worked."""
    client = app.test_client()
    for _ in range(5):
        assert _login(client, password="wrong password 123").status_code == 401
    locked = _login(client)  # the right password, but too soon
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 60
    assert "Too many failed logins" in locked.get_data(as_text=True)
    assert client.get("/issuer/").status_code == 302  # not logged in


def test_an_unknown_account_is_throttled_the_same_way(app, officer):
    client = app.test_client()
    token = _csrf(client, "/issuer/login")
    answers = [client.post("/issuer/login", data={"username": "nobody", "password": "x" * 12,
                                                  "csrf_token": token}).status_code
               for _ in range(6)]
    assert answers == [401] * 5 + [429]


def test_one_address_cannot_try_many_accounts(app, officer):
    client = app.test_client()
    token = _csrf(client, "/issuer/login")
    statuses = [client.post("/issuer/login", data={"username": f"user{i}",
                                                   "password": "wrong password 1",
                                                   "csrf_token": token}).status_code
                for i in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429
    assert _login(client).status_code == 429  # the address is locked, whatever the account




def test_a_known_e_mail_shows_the_existing_candidate_instead_of_registering(logged_in,
                                                                            service):
    page = "/issuer/candidates"
    _post(logged_in, page, page, {"name": "Ana First", "email": "ana.k@example.org"})
    answer = _post(logged_in, page, page, {"name": "Ana Second", "email": "ANA.K@example.org"},
                   follow_redirects=True).get_data(as_text=True)
    assert "already registered, as Ana First" in answer and "Ana Second" in answer
    assert [c.name for c in service.candidates("ana.k@")] == ["Ana First"]
    listed = logged_in.get("/issuer/candidates?q=first").get_data(as_text=True)
    assert "Ana First" in listed
    assert "No candidate matches" in logged_in.get("/issuer/candidates?q=zz_%").get_data(
        as_text=True)


def test_when_no_role_is_certified_the_console_says_why(logged_in, service):
    page = "/issuer/candidates"
    _post(logged_in, page, page, {"name": "Bo Fail", "email": "bo@example.org"})
    ref = service.candidate_by_email("bo@example.org").ref
    candidate = f"/issuer/candidates/{ref}"
    fw = service.framework()
    role = fw.roles[0]
    for i, unit in enumerate(role.units):
        _post(logged_in, candidate, f"{candidate}/assessments", {
            "unit": unit, "score": "10" if i == 0 else "95", "max_score": "100",
            "assessed_on": DAY, "exam_body": "E", "assessor": "A"})
    answer = _post(logged_in, candidate, f"{candidate}/certify", {},
                   follow_redirects=True).get_data(as_text=True)
    first = role.units[0]
    assert "No role is certified yet" in answer
    assert f"{role.code} still needs {first} (10/100 on {DAY}: not passed)" in answer
    assert 'class="result-failed">failed' in answer and 'class="result-passed">passed' in answer


def test_a_cohort_dry_run_says_row_by_row_what_would_happen_and_writes_nothing(logged_in,
                                                                              service):
    units = service.framework().role("SCPM").units
    lines = ["\ufeffname;email;did;unit;score;max_score;assessed_on;exam_body;assessor"]
    for unit in units:  # a semicolon file with decimal commas, as European spreadsheets save
        lines.append(f"Eva Semi;eva@example.org;;{unit};80,5;100;{DAY};Exam Centre;A")
    lines.append(f"Fay Semi;fay@example.org;;{units[0]};10;100;{DAY};Exam Centre;A")
    lines.append(f"Gus Semi;gus@example.org;;NOPE;80;100;{DAY};Exam Centre;A")
    body = ("\n".join(lines) + "\n").encode("utf-8")
    response = logged_in.post("/issuer/cohort", content_type="multipart/form-data", data={
        "csrf_token": _csrf(logged_in, "/issuer/cohort"), "dry_run": "1",
        "cohort": (io.BytesIO(body), "semi.csv")})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "nothing was written" in html
    assert html.count(">passed<") == len(units) and ">not passed<" in html
    assert "unit &#39;NOPE&#39; is not in framework" in html
    assert "Eva Semi &lt;eva@example.org&gt;: SCPM" in html
    assert service.candidates() == [] and service.credentials() == []
    # a file in another encoding is named as such
    latin = "name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n" \
            f"Zoë,zoe@example.org,,{units[0]},80,100,{DAY},Centre,A\n"
    refused = logged_in.post("/issuer/cohort", content_type="multipart/form-data", data={
        "csrf_token": _csrf(logged_in, "/issuer/cohort"),
        "cohort": (io.BytesIO(latin.encode("latin-1")), "latin.csv")})
    assert refused.status_code == 400
    assert "not UTF-8 text (line 2" in refused.get_data(as_text=True)
    template = logged_in.get("/issuer/cohort/template.csv")
    assert template.mimetype == "text/csv"
    from issuer.batch import BatchSummary, parse_cohort

    summary = BatchSummary()
    assert len(parse_cohort(template.get_data(as_text=True), summary)) == 1
    assert summary.errors == []
