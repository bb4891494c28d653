"""The demo as an employer meets it: the demo issuer's credentials, checked by the verifier
against the demo registry (real issuer service, real registry database, real verifier)."""
import json
from pathlib import Path

import pytest

from issuer.demo import seed_demo
from issuer.did_web import issuer_did_document
from vc.did_resolver import DIDResolver
from vc.did_web import did_web_to_url
from vc.fetch import StaticFetcher
from verifier.service import Verifier
from verifier.verdict import Verdict
from web.cli.context import issuer_service
from web.wiring.registry_setup import open_registry, seed_demo_registry
from web.wiring.settings import Settings


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    settings = Settings.from_environment(Path(tmp_path_factory.mktemp("demo")) / "data",
                                         environ={"S4C_PUBLIC_URL": "https://certify.example.eu",
                                                  "S4C_KEY_PASSPHRASE": "demo test passphrase"})
    service = issuer_service(settings)
    credentials = seed_demo(service).credentials
    seed_demo_registry(settings)
    documents = {did_web_to_url(service.config.did): json.dumps(
        issuer_did_document(service.config.did, service.keys.all())).encode()}
    for purpose in ("revocation", "suspension"):
        listed = service.status_list_credential(purpose, 1)
        documents[listed["id"]] = json.dumps(listed).encode()
    fetcher = StaticFetcher(documents)
    registry = open_registry(settings)
    verifier = Verifier(registry.trust_source, DIDResolver(fetcher=fetcher), fetcher)
    yield credentials, verifier
    registry.close()


def test_every_active_demo_credential_is_valid_for_an_employer(demo):
    credentials, verifier = demo
    active = {k: v for k, v in credentials.items()
              if not k.startswith(("revoked-", "suspended-"))}
    assert any(k.startswith("competency-") for k in active)
    assert any(k.startswith("role-") for k in active)
    for name, credential in active.items():
        report = verifier.verify_credential(credential, country="ES")
        assert report.verdict is Verdict.VALID, (name, report.to_json())


def test_the_revoked_and_suspended_demo_credentials_are_authentic_but_not_valid_now(demo):
    credentials, verifier = demo
    for prefix, check in (("revoked-", "status.revocation"), ("suspended-", "status.suspension")):
        name = next(k for k in credentials if k.startswith(prefix))
        report = verifier.verify_credential(credentials[name])
        assert report.verdict is Verdict.NOT_VALID_NOW, report.to_json()
        failed = [c["id"] for c in report.to_json()["checks"] if c["outcome"] == "failed"]
        assert failed == [check]
