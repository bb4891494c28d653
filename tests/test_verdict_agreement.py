"""The HTTP API, the command line and the employer page give the same verdict on
every same-RDF variant of a revoked demo credential (none of them valid), and on the
original. One demo instance (issuer, registry, web app); the command line verifies offline
from the registry's signed trust list and the issuer's signed status lists."""
import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from same_rdf import SPELLING, rdf_of, rewrite, sites
from vc_calls import STORE

from issuer.demo import seed_demo
from web.app import create_app
from web.cli import main
from web.wiring.datadir import prepare_data_dir
from web.wiring.registry_setup import seed_demo_registry
from web.wiring.services import registry_of
from web.wiring.settings import Settings

ENV = {"S4C_PUBLIC_URL": "https://certify.example.eu",
       "S4C_KEY_PASSPHRASE": "agreement test passphrase"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = Path(tmp_path_factory.mktemp("agreement"))
    settings = Settings.from_environment(root / "data", environ=ENV)
    prepare_data_dir(settings)
    app = create_app(settings)
    credentials = seed_demo(app.extensions["s4c"].issuer).credentials
    seed_demo_registry(settings)
    registry = registry_of(app)
    trust_list = root / "trust-list.json"
    trust_list.write_text(json.dumps(registry.trust_list()))
    lists = []
    for purpose in ("revocation", "suspension"):
        path = root / f"{purpose}.json"
        path.write_text(json.dumps(app.extensions["s4c"].issuer.status_list_credential(
            purpose, 1)))
        lists.append(path)
    yield app, credentials, settings, trust_list, registry.registry.operator_did(), lists
    registry.close()


def _verdicts(demo, credential: dict, tmp: Path) -> dict[str, str]:
    app, _, settings, trust_list, operator, lists = demo
    client = app.test_client()
    api = client.post("/credentials/verify", data=json.dumps(
        {"verifiableCredential": credential}), content_type="application/json").get_json()
    page = client.post("/verify", data={"text": json.dumps(credential)},
                       follow_redirects=True).get_data(as_text=True)  # PRG to the result
    shown = re.search(r'data-verdict="([^"]+)"', page)
    path = tmp / "credential.json"
    path.write_text(json.dumps(credential))
    args = ["--data-dir", str(settings.data_dir), "verify", str(path), "--json", "--offline",
            "--trust-list", str(trust_list), "--operator-did", operator]
    for status_list in lists:
        args += ["--status-list", str(status_list)]
    cli = CliRunner().invoke(main, args, env=ENV)
    return {"api": api["verdict"], "page": html.unescape(shown.group(1)) if shown else "none",
            "cli": json.loads(cli.output)["verdict"] if cli.output.startswith("{") else
            cli.output}


def test_every_variant_gets_one_verdict_everywhere_and_never_valid(demo, tmp_path):
    _, credentials, *_ = demo
    name = next(k for k in credentials if k.startswith("revoked-"))
    original = credentials[name]
    assert _verdicts(demo, original, tmp_path) == {"api": "not-valid-now",
                                                   "page": "not-valid-now",
                                                   "cli": "not-valid-now"}
    compared = 0
    for kind in SPELLING:
        for site_index in range(0, len(sites(original)), 3):
            variant = rewrite(original, kind, site_index, 0, STORE)
            if variant == original or rdf_of(variant, STORE) != rdf_of(original, STORE):
                continue
            verdicts = _verdicts(demo, variant, tmp_path)
            assert len(set(verdicts.values())) == 1, (kind, verdicts)
            assert verdicts["api"] != "valid", (kind, verdicts)
            compared += 1
    assert compared >= 10
