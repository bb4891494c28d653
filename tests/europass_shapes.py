"""The EU's ELM 3.2 material the Europass tests check against, read offline from
../shared/europass (or $S4C_EUROPASS): the edc-ap JSON-LD context and the SHACL shapes.

Until vc/elm/shacl.py exists on this branch this is the tests' own pyshacl call; the documents
name the edc-ap context by URL, which is never fetched: the local copy is put in its place."""
import json
from functools import cache
from pathlib import Path

from europass_files import europass_or_skip
from pyshacl import validate
from rdflib import Graph

EDC_AP_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"


def europass_dir() -> Path:
    """The shared Europass folder; skipped without it (a failure under CI)."""
    return europass_or_skip()


@cache
def _context() -> dict:
    path = europass_dir() / "elm" / "rdf" / "ap" / "edc" / "edc-ap-context.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


@cache
def _shapes(*names: str) -> Graph:
    shapes = Graph()
    for name in names:
        shapes.parse(europass_dir() / "elm" / "rdf" / "ap" / name, format="turtle")
    return shapes


def _local(context: object) -> object:
    if context == EDC_AP_CONTEXT:
        return _context()
    if isinstance(context, list):
        return [_local(c) for c in context]
    return context


def graph_of(document: dict) -> Graph:
    """The RDF of a JSON-LD document whose contexts are all local copies."""
    local = dict(document, **{"@context": _local(document["@context"])})
    return Graph().parse(data=json.dumps(local), format="json-ld")


def violations(document: dict, *shape_files: str) -> list[str]:
    """Each SHACL result (focus node, path, message) of `document` against the shapes."""
    conforms, _results, text = validate(graph_of(document), shacl_graph=_shapes(*shape_files),
                                        inference="none", advanced=True)
    if conforms:
        return []
    return text.split("Constraint Violation")[1:]


AMS_SHAPES = ("ams/AMS-constraints.ttl", "ams/AMS-constraints-mdr.ttl")
