"""`s4c registry export-elm-accreditations DIR`: each accreditation that counts, as an ELM
Accreditation in the AMS profile, with 0 violations of the EU's AMS-constraints.ttl (and of the
controlled-vocabulary shapes AMS-constraints-mdr.ttl), checked offline with pyshacl."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from europass_shapes import AMS_SHAPES, violations

from registry.elm_accreditations import ams_violations
from web.cli import main
from web.wiring.registry_setup import open_registry
from web.wiring.settings import Settings

PASSPHRASE = "elm accreditation test passphrase"


def _s4c(data: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--data-dir", str(data), *args],
                                env={"S4C_KEY_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    data = tmp_path_factory.mktemp("data")
    _s4c(data, "registry", "seed-demo")
    out = tmp_path_factory.mktemp("ams")
    _s4c(data, "registry", "export-elm-accreditations", str(out / "qdr"))
    documents = [json.loads(p.read_text(encoding="utf-8"))
                 for p in sorted((out / "qdr").glob("*.jsonld"))]
    return data, documents


def test_every_accreditation_conforms_to_the_ams_shapes(exported) -> None:
    _data, documents = exported
    assert len(documents) == 2  # the demo body is accredited by two anchors
    for document in documents:
        # the EU's files in ../shared (with the controlled-vocabulary shapes), and the pinned
        # copy the export itself checks with
        assert violations(document, *AMS_SHAPES) == [], document["@id"]
        assert ams_violations(document) == [], document["@id"]


def test_the_export_says_who_accredits_whom_for_what_where_and_when(exported) -> None:
    data, documents = exported
    services = open_registry(Settings.from_environment(
        data, environ={"S4C_KEY_PASSPHRASE": PASSPHRASE}))
    try:
        snapshot = services.registry.snapshot()
    finally:
        services.close()
    [body] = snapshot.issuers.values()
    for document in documents:
        [accreditation] = [a for a in body.accreditations if a.id == document["@id"]]
        anchor = snapshot.anchors[accreditation.anchor_did]
        assert document["@type"] == "Accreditation"
        assert document["accreditingAgent"]["@id"] == anchor.did
        assert document["accreditingAgent"]["legalName"] == anchor.name
        assert document["organisation"]["@id"] == body.did
        assert document["organisation"]["legalName"] == body.name  # the operator's name
        levels = [c["@id"] for c in document["limitEQFLevel"]]
        assert levels[-1] == f"http://data.europa.eu/snb/eqf/{accreditation.max_eqf_level}"
        programmes = {c["@id"] for c in
                      document["http://data.europa.eu/snb/model/elm/limitAbstractProgramme"]}
        assert programmes == set(accreditation.achievements)
        assert document["limitJurisdiction"]["notation"] in {"BGR", "DEU", "GRC", "ESP",
                                                             "ROU", "AUT", "NLD"}
        assert document["dateIssued"] == accreditation.valid_from.isoformat().replace(
            "+00:00", "Z")
        assert document["expiryDate"] == accreditation.valid_until.isoformat().replace(
            "+00:00", "Z")


def test_the_shapes_are_live_an_accreditation_without_its_agent_is_refused(exported) -> None:
    _data, documents = exported
    broken = {k: v for k, v in documents[0].items() if k != "accreditingAgent"}
    assert any("accreditingAgent" in v for v in violations(broken, *AMS_SHAPES))
    assert any("accreditingAgent" in v for v in ams_violations(broken))
    stray = {**documents[0], "limitQualification": documents[0]["limitEQFLevel"]}
    assert ams_violations(stray) != []  # the AMS shape is closed
    foreign = json.loads(json.dumps(documents[0]))
    foreign["limitJurisdiction"]["inScheme"]["@id"] = "http://example.org/not-the-atu-table"
    assert violations(foreign, *AMS_SHAPES) != []
