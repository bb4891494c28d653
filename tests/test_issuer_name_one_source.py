"""The certification body has one name: the name its credentials carry
(S4C_ISSUER_NAME) is the name `s4c registry seed-demo` registers for it, so a certificate
and the verify page -- which shows the registry's registered name -- say the same. A
registry seeded earlier under the demo's own names is renamed; an operator's choice stays."""
from pathlib import Path

import pytest

from issuer.demo import seed_demo as seed_demo_issuer
from registry.demo import BODY_NAMES, seed_demo
from web.cli.context import issuer_service
from web.wiring.datadir import prepare_data_dir
from web.wiring.registry_setup import open_registry, seed_demo_registry
from web.wiring.settings import Settings

NAME = "Sofia City Skills Academy (DEMO)"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL",
                 "S4C_ISSUER_NAME"):
        monkeypatch.delenv(name, raising=False)
    chosen = Settings.from_environment(tmp_path / "data", environ={"S4C_ISSUER_NAME": NAME})
    prepare_data_dir(chosen)
    return chosen


def _registered(settings: Settings) -> dict[str, str] | None:
    services = open_registry(settings)
    try:
        body = services.registry.registered_body(settings.issuer_did)
        return None if body is None else body.name
    finally:
        services.close()


def test_the_registry_names_the_body_as_its_credentials_do(settings: Settings):
    seed_demo_registry(settings)
    credentials = seed_demo_issuer(issuer_service(settings)).credentials
    issued = {doc["issuer"]["name"] for doc in credentials.values()}
    assert issued == {NAME}
    assert _registered(settings) == {"en": NAME}


def test_a_registry_seeded_under_the_demo_names_is_renamed_but_an_operators_name_stays(
        settings: Settings):
    services = open_registry(settings)
    try:
        seed_demo(services.registry, services.keys.authority, settings.issuer_did)
    finally:
        services.close()
    assert _registered(settings) == BODY_NAMES  # as an older `s4c registry seed-demo` did
    seed_demo_registry(settings)
    assert _registered(settings) == {"en": NAME}

    services = open_registry(settings)
    try:
        services.registry.register_body(services.operator(), settings.issuer_did,
                                        names={"en": "Operator's Own Name"})
    finally:
        services.close()
    assert seed_demo_registry(settings).bodies == 0
    assert _registered(settings) == {"en": "Operator's Own Name"}
