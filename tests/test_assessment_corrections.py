"""Voiding an assessment and recording it again, in the console, the API and the command
line: a reason and a confirmation, an audit row, the voided attempt struck
through and kept, the credentials issued from it named and left as they are. (The command
line's `s4c assessment void` is tested in test_issuer_demo_cli.py.)"""
import re

import test_issuer_web_api as api_tests
import test_issuer_web_console as console_tests
from flask.testing import FlaskClient
from sqlalchemy import select

from issuer.audit import AuditEvent

settings, app, client, service = api_tests.settings, api_tests.app, api_tests.client, \
    api_tests.service
officer, token = console_tests.officer, api_tests.token
logged_in = console_tests.logged_in
no_key_material_leaks = api_tests.no_key_material_leaks
_login, _post, _csrf = console_tests._login, console_tests._post, console_tests._csrf
DAY = console_tests.DAY
PROBLEM = "application/problem+json"
ROW = re.compile(r'<tr data-assessment="([^"]+)" data-attempt="(\d+)"([^>]*)>(.*?)</tr>',
                 re.DOTALL)


def _rows(client: FlaskClient, page: str) -> list[tuple[str, str, str, str]]:
    """(assessment ref, attempt, row attributes, row HTML) of each listed assessment."""
    return ROW.findall(client.get(page).get_data(as_text=True))


def _void(client: FlaskClient, page: str, assessment_ref: str, **data):
    return _post(client, page, f"{page}/assessments/{assessment_ref}/void", data,
                 follow_redirects=True)


def _audit(service, action: str) -> list[AuditEvent]:
    with service.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_console_voids_a_result_and_names_the_credentials_it_does_not_change(logged_in,
                                                                                 service):
    ref = console_tests._certified_candidate(logged_in, service)
    page = f"/issuer/candidates/{ref}"
    first_ref, attempt, _attributes, row = _rows(logged_in, page)[0]
    unit = re.search(r"<td>([^<]+)</td>", row).group(1)
    unit_credential = next(c for c in service.credentials(candidate_ref=ref)
                           if c.kind == "unit" and c.code == unit)
    assert attempt == "1" and f"/issuer/credentials/{unit_credential.id}" in row
    assert "Voiding does NOT change them" in row
    missing = _void(logged_in, page, first_ref, reason=" ", confirm_void="1")
    assert "give the reason" in missing.get_data(as_text=True)
    unconfirmed = _void(logged_in, page, first_ref, reason="wrong sheet")
    assert "tick the box" in unconfirmed.get_data(as_text=True)
    assert _audit(service, "assessment.voided") == []
    done = _void(logged_in, page, first_ref, reason="wrong sheet", confirm_void="1")
    html = done.get_data(as_text=True)
    assert f"Attempt 1 of {unit} voided" in html
    assert "Credentials issued from this result are NOT changed" in html
    assert unit_credential.id in html and "revoke each of them on its page" in html
    # nothing issued changed; the row is kept, struck through, with the reason
    assert not any(c.revoked for c in service.credentials(candidate_ref=ref))
    [(_ref, _n, attributes, row)] = [r for r in _rows(logged_in, page) if r[0] == first_ref]
    assert 'data-voided="yes"' in attributes and "<del>" in row
    assert "voided" in row and "wrong sheet" in row and "by olga" in row
    assert "Void attempt" not in row and "Record the corrected result" in row
    assert "Voiding did not change these credentials" in row
    [event] = _audit(service, "assessment.voided")
    assert event.actor == "olga" and event.detail["reason"] == "wrong sheet"
    again = _void(logged_in, page, first_ref, reason="twice", confirm_void="1")
    assert "already voided by olga" in again.get_data(as_text=True)
    assert len(_audit(service, "assessment.voided")) == 1
    unknown = _void(logged_in, page, "no-such-assessment", reason="x", confirm_void="1")
    assert "no such assessment" in unknown.get_data(as_text=True)


def test_a_retake_and_a_corrected_result_are_new_attempts_on_the_same_day(logged_in, service):
    page = "/issuer/candidates"
    added = _post(logged_in, page, page, {"name": "Bo Retake", "email": "bo@example.org"})
    page = added.headers["Location"]
    unit = service.framework().units[0].code
    form = {"unit": unit, "max_score": "100", "assessed_on": DAY, "exam_body": "E",
            "assessor": "A"}

    def record(score: str) -> str:
        return _post(logged_in, page, f"{page}/assessments", {**form, "score": score},
                     follow_redirects=True).get_data(as_text=True)

    assert f"Attempt 1 at {unit} recorded: not passed." in record("20")
    assert f"Attempt 2 at {unit} recorded: passed." in record("90")
    assert "already recorded, as attempt 2" in record("90")
    _post(logged_in, page, f"{page}/certify", {})
    assert "no second unit credential" in record("95")
    refs = {n: r for r, n, _a, _row in _rows(logged_in, page)}
    assert set(refs) == {"1", "2", "3"}
    _void(logged_in, page, refs["3"], reason="typed twice", confirm_void="1")
    # the corrected result takes the voided attempt's number
    assert f"Attempt 3 at {unit} recorded: passed." in record("96")
    assert len([c for c in service.credentials() if c.code == unit]) == 1


def test_voiding_needs_the_csrf_token_and_a_logged_in_officer(client, logged_in, service):
    ref = console_tests._certified_candidate(logged_in, service)
    page = f"/issuer/candidates/{ref}"
    first_ref = _rows(logged_in, page)[0][0]
    action = f"{page}/assessments/{first_ref}/void"
    assert logged_in.post(action, data={"reason": "x", "confirm_void": "1"}).status_code == 400
    logged_in.post("/issuer/logout", data={"csrf_token": _csrf(logged_in, page)})
    anonymous = client.post(action, data={"reason": "x", "confirm_void": "1"})
    assert anonymous.status_code in (302, 400)
    assert _audit(service, "assessment.voided") == []


def test_the_api_voids_by_reference_with_problem_details(client, service, token):
    auth = {"Authorization": f"Bearer {token}"}
    created = client.post("/assessments", headers=auth,
                          json=api_tests._issue_body(service)).get_json()
    outcome = created["assessments"][0]
    assert outcome["attempt"] == 1 and outcome["new"] is True
    path = f"/assessments/{outcome['assessment']}/void"
    for body in ({}, {"reason": "  "}, {"reason": 7}):
        refused = client.post(path, headers=auth, json=body)
        assert refused.status_code == 422 and refused.mimetype == PROBLEM
        assert refused.get_json()["errors"][0]["pointer"] == "#/reason"
    assert client.post(path, json={"reason": "x"}).status_code == 401
    done = client.post(path, headers=auth, json={"reason": "wrong candidate"})
    assert done.status_code == 200
    body = done.get_json()
    assert body["voided"]["by"] == "olga" and body["attempt"] == 1
    assert {c["kind"] for c in body["credentialsUnchanged"]} == {"unit", "role"}
    assert not any(service.credential(c["id"]).revoked for c in body["credentialsUnchanged"])
    again = client.post(path, headers=auth, json={"reason": "again"})
    assert again.status_code == 409 and again.mimetype == PROBLEM
    unknown = client.post("/assessments/nope/void", headers=auth, json={"reason": "x"})
    assert unknown.status_code == 404 and unknown.mimetype == PROBLEM
