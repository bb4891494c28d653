"""The ELM format check (vc/elm): the pinned EU files and SHACL validation, offline."""
import copy
import hashlib
import json
import socket
from pathlib import Path

import pytest
from europass_files import europass_or_skip

from vc.elm.contexts import EDC_AP_CONTEXT, elm_store
from vc.elm.shacl import UNDEFINED_TERM, validate
from vc.errors import ContextError, MalformedInputError

ELM = Path(__file__).resolve().parent.parent / "vc" / "elm"
COPIES = {  # our copy -> the EU original under ../shared/europass/elm
    "context/edc-ap-context.jsonld": "rdf/ap/edc/edc-ap-context.jsonld",
    "shapes/EDC-generic-no-cv.ttl": "rdf/ap/edc/EDC-generic-no-cv.ttl",
    "shapes/AMS-constraints.ttl": "rdf/ap/ams/AMS-constraints.ttl",
    "shapes/ELM.ttl": "rdf/ontology/ELM.ttl",
    "shapes/ELM-external.ttl": "rdf/ontology/ELM-external.ttl",
    "LICENSE-EUPL-1.2.txt": "LICENSE-EUPL-1.2.txt",
}
SH = "http://www.w3.org/ns/shacl#"
CRED = "https://www.w3.org/2018/credentials#"
ELM_NS = "http://data.europa.eu/snb/model/elm/"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test: SHACL must run offline."""
    def refuse(*args, **kwargs):
        raise AssertionError("the ELM format check tried to reach the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)


def _sample(name: str) -> dict:
    path = europass_or_skip() / "elm" / "examples" / f"Sample-{name}-unsigned.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("ours,original", sorted(COPIES.items()))
def test_each_packaged_elm_file_equals_the_eu_original(ours, original):
    source = europass_or_skip() / "elm" / original
    assert (ELM / ours).read_bytes() == source.read_bytes()


def test_the_edc_ap_context_is_pinned_by_its_sha256():
    entry = json.loads((ELM / "context" / "manifest.json").read_text())[EDC_AP_CONTEXT]
    raw = (ELM / "context" / entry["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
    assert "@context" in elm_store().load(EDC_AP_CONTEXT)


@pytest.mark.parametrize("sample", ["CertOfPart", "MC-Annex1"])
def test_the_eu_unsigned_samples_lack_exactly_issued_and_the_legal_identifier(sample):
    # The EU's issuer adds `issued` and the issuer's eIDAS identifier when it seals; the
    # unsigned samples show that the shapes really run (two known misses, nothing else).
    found = {(v.constraint, v.path) for v in validate(_sample(sample), "edc-generic")}
    assert found == {(SH + "MinCountConstraintComponent", CRED + "issued"),
                     (SH + "MinCountConstraintComponent", ELM_NS + "eidasLegalIdentifier")}


def _completed(sample: str) -> dict:
    doc = _sample(sample)
    doc["issued"] = "2024-01-15T10:00:00+01:00"
    doc["issuer"]["eIDASIdentifier"] = {
        "id": "urn:epass:legalIdentifier:eidas", "type": "LegalIdentifier",
        "notation": "BE0123456789", "spatial": doc["issuer"]["location"]["address"]["countryCode"]}
    return doc


@pytest.mark.parametrize("sample", ["CertOfPart", "MC-Annex1"])
def test_a_completed_eu_sample_conforms(sample):
    assert validate(_completed(sample), "edc-generic") == []


def test_a_violation_names_the_focus_node_path_constraint_and_shape():
    doc = _completed("CertOfPart")
    del doc["credentialSubject"]["hasClaim"]["awardedBy"]
    found = validate(doc, "edc-generic")
    assert found  # the claim shape and its class's own shape both require it
    assert {(v.focus_node, v.path, v.constraint) for v in found} == {(
        doc["credentialSubject"]["hasClaim"]["id"], ELM_NS + "awardedBy",
        SH + "MinCountConstraintComponent")}
    violation = found[0]
    assert violation.focus_node == doc["credentialSubject"]["hasClaim"]["id"]
    assert violation.path == ELM_NS + "awardedBy"
    assert violation.constraint == SH + "MinCountConstraintComponent"
    assert violation.severity == "Violation"
    assert violation.shape_name and violation.message


def test_a_term_the_contexts_do_not_define_is_a_violation_not_silently_dropped():
    doc = _completed("CertOfPart")
    doc["credentialSubject"]["nickname"] = "Bob"
    doc["credentialSubject"]["type"] = ["Person", "Wizard"]
    found = {(v.constraint, v.value) for v in validate(doc, "edc-generic")}
    assert found == {(UNDEFINED_TERM, "nickname"), (UNDEFINED_TERM, "Wizard")}


def test_an_unknown_context_is_a_clear_error_and_never_fetched():
    doc = _completed("CertOfPart")
    doc["@context"] = [*doc["@context"], "https://example.org/evil-context"]
    with pytest.raises(ContextError, match="unknown JSON-LD context"):
        validate(doc, "edc-generic")


def test_an_embedded_context_is_refused():
    doc = _completed("CertOfPart")
    doc["credentialSubject"]["@context"] = {"@vocab": "https://example.org/"}
    with pytest.raises(MalformedInputError, match="embedded @context"):
        validate(doc, "edc-generic")


@pytest.mark.parametrize("bad", [[], "not a document", {"@context": 5}])
def test_a_document_that_is_not_elm_json_ld_is_malformed(bad):
    with pytest.raises(MalformedInputError):
        validate(bad, "edc-generic")  # type: ignore[arg-type]


def test_the_ams_shapes_run_on_an_accreditation():
    accreditation = {"@context": copy.deepcopy(_sample("CertOfPart")["@context"]),
                     "id": "urn:s4c:accreditation:1", "type": "Accreditation"}
    found = {v.path for v in validate(accreditation, "ams")}
    assert ELM_NS + "accreditingAgent" in found  # mandatory in AMS-constraints.ttl


def test_unknown_shapes_are_refused():
    with pytest.raises(ValueError):
        validate(_completed("CertOfPart"), "edc-full")  # type: ignore[arg-type]
