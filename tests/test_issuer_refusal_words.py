"""The issuer's refusals are findings: the console says a cohort's row errors in
the order of the file and a refused status change in the officer's language, every sentence
from the catalogue by its code."""
import io
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
import test_issuer_console_i18n as i18n_tests
from flask.testing import FlaskClient

from issuer import cohort_jobs
from web.plumbing.i18n import read_catalogues

# the console tests' world: a real data directory with SQLite, a real officer login
settings, app, client, service = i18n_tests.settings, i18n_tests.app, i18n_tests.client, \
    i18n_tests.service
officer, DAY, _csrf = i18n_tests.officer, i18n_tests.DAY, i18n_tests._csrf
_login_in, _certified, _role_id = i18n_tests._login_in, i18n_tests._certified, \
    i18n_tests._role_id
FUTURE = "2999-01-01"


def _said(lang: str, code: str, **params) -> str:
    return read_catalogues()[lang].gettext(code) % params


def _row(lang: str, line: int, code: str, **params) -> str:
    return _said(lang, "cohort.row", line=line, reason=_said(lang, code, **params))


@pytest.mark.parametrize("lang", ["de", "el"])
def test_a_cohorts_row_errors_are_sorted_by_line_in_the_officers_language(
        client: FlaskClient, service, officer, lang):
    _login_in(client, lang)
    unit = service.framework().role("SCPM").units[0]
    body = ("name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n"
            f"Ada Row,ada@example.org,,NOPE,80,100,{DAY},E,A\n"  # 2: refused when issuing
            f"Bo Row,bo@example.org,,{unit},abc,100,{DAY},E,A\n"  # 3: refused when read
            f"Cy Row,cy@example.org,,{unit},80,100,{DAY},E,A\n"  # 4: issued
            f"Di Row,di@example.org,,{unit},80,100,{FUTURE},E,A\n"  # 5: refused when issuing
            f"Ed Row,,,{unit},80,100,{DAY},E,A\n")  # 6: refused when read
    answer = client.post(f"/issuer/cohort?lang={lang}", content_type="multipart/form-data",
                         data={"csrf_token": _csrf(client, "/issuer/cohort"),
                               "cohort": (io.BytesIO(body.encode()), "rows.csv")})
    assert answer.status_code == 303
    job = urlsplit(answer.headers["Location"]).path
    job_id = job.rsplit("/", 1)[1]
    runner = cohort_jobs.ChunkRunner(service)  # the chunks, run here as a worker runs them
    for number in cohort_jobs.chunk_numbers(service, job_id):
        runner.run(job_id, number)
    page = client.get(f"{job}?lang={lang}").get_data(as_text=True)
    listed = re.search(r'<ul class="errors" id="job-errors">(.*?)</ul>', page, re.DOTALL).group(1)
    framework = service.framework().id
    assert [unescape(li) for li in re.findall(r"<li>(.*?)</li>", listed)] == [
        _row(lang, 2, "issuer.unit-not-in-framework", unit="NOPE", framework=framework),
        _row(lang, 3, "cohort.score-not-a-number", score="abc", max="100"),
        _row(lang, 5, "issuer.assessment-in-future",
             date=_long_date(lang, FUTURE)),
        _row(lang, 6, "cohort.field-empty", column="email")]
    progress = client.get(f"{job}/progress?lang={lang}").get_json()
    assert [(f["code"], f["params"]["line"]) for f in progress["findings"]] == [
        ("issuer.unit-not-in-framework", 2), ("cohort.score-not-a-number", 3),
        ("issuer.assessment-in-future", 5), ("cohort.field-empty", 6)]
    assert progress["errors"][1] == _row(lang, 3, "cohort.score-not-a-number",
                                         score="abc", max="100")


def _long_date(lang: str, iso: str) -> str:
    from datetime import date

    from babel.dates import format_date
    return format_date(date.fromisoformat(iso), format="long", locale=lang)


def test_a_refused_status_change_is_said_in_the_officers_language(
        client: FlaskClient, service, officer):
    _login_in(client, "de")
    credential = _role_id(service, _certified(client, service))
    answer = client.post(f"/issuer/credentials/{credential}/status?lang=de", data={
        "action": "reinstate", "reason": "Irrtum",
        "csrf_token": _csrf(client, "/issuer/")}, follow_redirects=True)
    page = unescape(answer.get_data(as_text=True))
    refused = read_catalogues()["de"].gettext("Status not changed: %(reason)s") % {
        "reason": _said("de", "issuer.not-suspended", id=credential)}
    assert refused in page
    assert f"der Nachweis {credential} ist nicht ausgesetzt" in refused
