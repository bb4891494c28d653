"""A registry refusal is a finding: the console says it from the catalogue in the
page's language, and the API gives its code and parameters beside the catalogue's English."""
import html
import re

import test_registry_console as console
from flask import Flask

from registry.vocab import role_id

# the registry console's test world: two anchors with console passwords (fixtures reused)
app = console.app
clean_environment = console.clean_environment
services, sign_in = console.services, console.sign_in

DECISION = {"nqfLevel": "6", "eqfLevel": "6", "legalBasis": "Law 1",
            "equivalence-en": "Level 6"}


def _flash(page: str) -> str:
    found = re.search(r'<p class="flash error" role="alert">([^<]+)</p>', page)
    assert found, page
    return html.unescape(found.group(1))


def test_a_second_decision_without_replaces_is_refused_in_the_page_language(app: Flask):
    client, token = sign_in(app, "bg-navet")
    first = client.post("/registry/admin/recognition/SCPM",
                        data={"csrf_token": token, **DECISION})
    assert first.status_code == 302
    [current] = services(app).registry.snapshot().recognitions_for(role_id("SCPM"), "BG")
    said = {}
    for lang in ("de", "el", "en"):
        again = client.post(f"/registry/admin/recognition/SCPM?lang={lang}",
                            data={"csrf_token": token, **DECISION})
        assert again.status_code == 409
        said[lang] = _flash(again.text)
    achievement = role_id("SCPM")
    assert said["de"] == (
        f"Das Register hat die Änderung abgelehnt: BG hat bereits eine Entscheidung zu "
        f"{achievement} ({current.id}); um sie zu ändern, nennen Sie sie in replaces")
    assert f"η BG έχει ήδη απόφαση για το {achievement} ({current.id})" in said["el"]
    assert said["en"] == (f"The registry refused the change: BG already has a decision on "
                          f"{achievement} ({current.id}); to change it, name it in replaces")


def test_the_api_gives_the_code_and_params_of_each_field_problem(app: Flask):
    client = app.test_client()
    anchor = services(app).registry.rotate_token("bg-navet")
    answer = client.post("/registry/admin/recognitions", json={
        "role": "SCPM", "eqfLevel": 12, "nqfLevel": "6", "legalBasis": "Law",
        "equivalence": {"en": "Level 6"}}, headers={"Authorization": f"Bearer {anchor}"})
    assert answer.status_code == 422
    body = answer.get_json()
    [problem] = body["errors"]
    assert (problem["pointer"], problem["code"], problem["params"]) == (
        "/eqfLevel", "registry.level-out-of-range", {"what": "eqfLevel", "value": "12"})
    assert problem["detail"] == "eqfLevel must be an EQF level from 1 to 8, not 12"
    assert body["code"] == "registry.level-out-of-range"
