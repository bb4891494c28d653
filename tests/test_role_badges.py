"""A badge per role: the framework data defines one for each role (an SVG
data URI), refused when it could act (script, handler, outside link) or is too large; every
role credential carries it as its Open Badges 3.0 `Achievement.image`, inside what the proof
signs, and it verifies like any other credential: the accepted contexts define the terms and
the credential's JSON Schema allows them."""
import base64
import copy
import json

import pytest

from issuer.demo import seed_demo
from schemas.framework import FrameworkError, load_framework, load_reference_framework
from web.app import create_app
from web.cli.context import issuer_service
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

SVG = "data:image/svg+xml;base64,"


def _svg(text: str) -> str:
    return SVG + base64.b64encode(text.encode()).decode()


def test_every_role_of_the_framework_has_a_plain_svg_badge():
    for role in load_reference_framework().roles:
        assert role.badge is not None and role.badge.startswith(SVG)
        svg = base64.b64decode(role.badge.removeprefix(SVG)).decode()
        assert svg.startswith("<svg") and role.code in svg


@pytest.mark.parametrize("badge", [
    _svg('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    _svg('<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>'),
    _svg('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/x.png"/></svg>'),
    _svg("<svg>" + "x" * 20_000 + "</svg>"),
    "https://example.org/badge.svg",
    "data:image/png;base64,bm90IGEgcG5n",
    SVG + "%%%",
])
def test_a_badge_that_could_act_or_is_not_a_picture_is_refused(badge):
    data = load_reference_framework().to_dict()
    data["roles"][0]["badge"] = badge
    with pytest.raises(FrameworkError, match="badge"):
        load_framework(data)


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    settings = Settings.from_environment(tmp_path_factory.mktemp("badges") / "data",
                                         environ={"S4C_PUBLIC_URL": "http://127.0.0.1:8000"})
    prepare_data_dir(settings)
    result = seed_demo(issuer_service(settings))
    return create_app(settings).test_client(), result.credentials


def _failed(client, document) -> dict[str, str]:
    answer = client.post("/credentials/verify", json={"verifiableCredential": document})
    checks = answer.get_json()["checks"]
    return {c["id"]: c["outcome"] for c in checks if c["outcome"] == "failed"}


def test_a_role_credential_carries_its_badge_under_its_proof(issued):
    client, credentials = issued
    framework = load_reference_framework()
    roles = {stem: doc for stem, doc in credentials.items() if stem.startswith("role-")}
    assert roles
    for doc in roles.values():
        achievement = doc["credentialSubject"]["achievement"]
        role = framework.role(achievement["humanCode"])
        assert achievement["image"] == {"id": role.badge, "type": "Image",
                                        "caption": f"{role.name['en']} ({role.code})"}
    document = next(iter(roles.values()))
    # proof, terms (contexts) and schema all pass; this registry-less world fails only trust
    assert set(_failed(client, document)) <= {"issuer-trust"}
    changed = copy.deepcopy(document)
    changed["credentialSubject"]["achievement"]["image"]["id"] = _svg(
        '<svg xmlns="http://www.w3.org/2000/svg"><text>FAKE</text></svg>')
    assert "proof" in _failed(client, changed)  # the badge is signed content
    units = [doc for stem, doc in credentials.items() if stem.startswith("competency-")]
    assert units and all("image" not in d["credentialSubject"]["achievement"] for d in units)
    assert json.dumps(document).count(SVG) == 1
