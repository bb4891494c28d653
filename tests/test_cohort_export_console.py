"""The console's download of what a finished cohort job issued: on the job's
page once it is done, a POST with the CSRF token by a logged-in officer, audited."""
import re

import test_issuer_web_api as api_tests
import test_issuer_web_console as console_tests
from test_cohort_export import _audit, _cohort, _parse, _run

from issuer import cohort_jobs

settings, app, client, service = api_tests.settings, api_tests.app, api_tests.client, \
    api_tests.service
officer, logged_in = console_tests.officer, console_tests.logged_in
no_key_material_leaks = api_tests.no_key_material_leaks
_login, _post, _csrf = console_tests._login, console_tests._post, console_tests._csrf


def test_the_officer_downloads_the_csv_from_the_finished_jobs_page(client, logged_in,
                                                                   service):
    job_id = _run(service, _cohort(service))
    page = f"/issuer/cohort/jobs/{job_id}"
    html = logged_in.get(page).get_data(as_text=True)
    assert re.search(r'<section class="panel" id="job-export">', html)  # not hidden
    action = f"{page}/issued.csv"
    assert logged_in.post(action).status_code == 400  # no CSRF token
    response = _post(logged_in, page, action, {})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "no-store" in response.headers["Cache-Control"]
    assert 'filename="s4c-issued-spring-cohort.csv"' in \
        response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = _parse(body.decode("utf-8"))
    link = next(r["share_link"] for r in rows if r["kind"] == "role")
    assert link.startswith("http://127.0.0.1:8000/v/")
    token = link.rsplit("/", 1)[1]
    assert client.get(f"/shares/{token}/credential").status_code == 200
    [event] = _audit(service, "cohort.exported")
    assert event.actor == "olga"
    logged_in.post("/issuer/logout", data={"csrf_token": _csrf(logged_in, page)})
    anonymous = client.post(action, data={"csrf_token": "x"})
    assert anonymous.status_code in (302, 400) and len(_audit(service, "cohort.exported")) == 1


def test_the_export_is_hidden_until_the_job_is_done_and_then_refused_with_a_reason(logged_in,
                                                                                   service):
    job_id = cohort_jobs.create_job(service, _cohort(service), "c.csv", "olga")
    page = f"/issuer/cohort/jobs/{job_id}"
    assert 'id="job-export" hidden' in logged_in.get(page).get_data(as_text=True)
    refused = _post(logged_in, page, f"{page}/issued.csv", {}, follow_redirects=True)
    assert "Nothing exported: this cohort job is still running" in \
        refused.get_data(as_text=True)
    assert _post(logged_in, page, "/issuer/cohort/jobs/nope/issued.csv", {}).status_code == 404
