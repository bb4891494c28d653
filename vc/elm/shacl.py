"""The format check of ELM documents: SHACL (W3C Shapes Constraint Language) validation of a
European Digital Credential or an accreditation against the EU's own shapes, offline.

`validate(document, "edc-generic")` checks an EDC against EDC-generic-no-cv.ttl (what every
European Digital Credential must hold), `validate(document, "ams")` an ELM Accreditation
against AMS-constraints.ttl (what the Qualification Dataset Register takes). The JSON-LD is
turned into RDF by pyld through our pinned document loader (`vc.elm.contexts.elm_store`), so
nothing reaches the network: an unknown context is a ContextError. A property or type that
the contexts do not define would be dropped silently by JSON-LD and so escape every shape;
it is reported as a violation of its own (`UNDEFINED_TERM`) instead.
"""
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pyshacl
from pyld import jsonld
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.parsers.ntriples import ParseError
from rdflib.term import Node

from vc.contexts import ContextStore
from vc.elm.contexts import ELM_DIR, elm_store
from vc.errors import ContextError, MalformedInputError

ShapesName = Literal["edc-generic", "ams"]
SHAPES_DIR = ELM_DIR / "shapes"
SHAPES_FILES: dict[str, str] = {"edc-generic": "EDC-generic-no-cv.ttl",
                                "ams": "AMS-constraints.ttl"}
# The ELM ontology: its rdfs:subClassOf hierarchy lets `sh:class elm:Agent` accept an
# elm:Organisation (SHACL §4.1.1 sh:class uses SHACL subclasses in the data graph).
ONTOLOGY_FILES = ("ELM.ttl", "ELM-external.ttl")
# A term the document's contexts do not define expands under this vocabulary (it is the last
# @vocab in the active context), so it shows in the RDF instead of being dropped.
UNDEFINED_VOCAB = "urn:s4c:elm:undefined-term:"
UNDEFINED_TERM = "urn:s4c:elm:constraint:undefined-term"  # Violation.constraint for it
MAX_QUADS = 50_000   # a generous EDC holds a few hundred triples (its image is one literal)
MAX_DEPTH = 64       # JSON nesting of the document


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result (SHACL §3.6.2), or an undefined term.

    focus_node: the node that fails (IRI, or `_:label` for a blank node); path: the property
    path (IRI), if any; constraint: the constraint component IRI (e.g.
    `http://www.w3.org/ns/shacl#MinCountConstraintComponent`) or `UNDEFINED_TERM`;
    message: pyshacl's English text (for logs; pages render their own words from the other
    fields); severity: "Violation", "Warning" or "Info"; value: the offending value, if any;
    shape_name / shape_description: the failing shape's own sh:name and English
    sh:description, as the EU wrote them."""

    focus_node: str
    path: str | None
    constraint: str
    message: str
    severity: str
    value: str | None = None
    source_shape: str | None = None
    shape_name: str | None = None
    shape_description: str | None = None


def validate(document: dict[str, Any], shapes: ShapesName,
             store: ContextStore | None = None) -> list[Violation]:
    """The violations of `document` (a compacted JSON-LD EDC or accreditation) against
    `shapes`, sorted; [] when it conforms. Raises ContextError for a context that is not
    pinned, MalformedInputError for a document that is not usable JSON-LD."""
    if shapes not in SHAPES_FILES:
        raise ValueError(f"unknown ELM shapes {shapes!r}: one of {sorted(SHAPES_FILES)}")
    data = to_graph(document, store or elm_store())
    undefined = sorted(set(_undefined_terms(data)), key=_order)
    for triple in _class_hierarchy():
        data.add(triple)
    conforms, report, _text = pyshacl.validate(
        data, shacl_graph=_shapes_graph(shapes), inference="none", advanced=False,
        do_owl_imports=False, allow_warnings=False, allow_infos=False)
    shapes_graph = _shapes_graph(shapes)
    found = [] if conforms else sorted(set(_violations(report, shapes_graph)), key=_order)
    return undefined + found


def _order(v: Violation) -> tuple[str, ...]:
    return (v.focus_node, v.path or "", v.constraint, v.value or "", v.source_shape or "")


def to_graph(document: dict[str, Any], store: ContextStore) -> Graph:
    """The RDF of a compacted JSON-LD document whose top-level @context names pinned
    contexts only (no inline or nested contexts: an EDC needs none, and an inline @vocab
    would hide undefined terms)."""
    if not isinstance(document, dict):
        raise MalformedInputError("an ELM document must be a JSON object")
    contexts = document.get("@context")
    names = [contexts] if isinstance(contexts, str) else contexts
    if not isinstance(names, list) or not names or not all(isinstance(c, str) for c in names):
        raise MalformedInputError("the document's @context must be a list of context URLs")
    for url in names:
        store.load(url)  # a clear ContextError before pyld sees an unknown URL
    _refuse_nested_contexts(document)
    expanded_input = {**document, "@context": [*names, {"@vocab": UNDEFINED_VOCAB}]}
    try:
        nquads = jsonld.to_rdf(expanded_input, {"format": "application/n-quads",
                                                "documentLoader": store.document_loader})
    except jsonld.JsonLdError as e:
        cause = _root_cause(e)
        if isinstance(cause, ContextError):
            raise cause from None
        raise MalformedInputError(f"the document is not valid JSON-LD: {e.type}") from None
    if nquads.count("\n") > MAX_QUADS:
        raise MalformedInputError(f"the document yields more than {MAX_QUADS} RDF triples")
    graph = Graph()
    try:
        graph.parse(data=nquads, format="nt")  # an EDC has no named graphs
    except (ParseError, ValueError) as e:  # pyld wrote it, but never a 500 if it is odd
        raise MalformedInputError(f"the document's RDF cannot be read: {type(e).__name__}"
                                  ) from None
    return graph


def _root_cause(error: BaseException) -> BaseException:
    seen = 0
    while seen < 16:
        nxt = getattr(error, "cause", None) or error.__cause__
        if not isinstance(nxt, BaseException):
            break
        error, seen = nxt, seen + 1
    return error


def _refuse_nested_contexts(value: object, depth: int = 0, top: bool = True) -> None:
    if depth > MAX_DEPTH:
        raise MalformedInputError(f"the document is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        if not top and "@context" in value:
            raise MalformedInputError("an ELM document may not carry an embedded @context")
        for key, item in value.items():
            if not (top and key == "@context"):
                _refuse_nested_contexts(item, depth + 1, False)
    elif isinstance(value, list):
        for item in value:
            _refuse_nested_contexts(item, depth + 1, False)


def _undefined_terms(graph: Graph) -> Iterator[Violation]:
    for s, p, o in graph:
        for term, where in ((p, "property"), (o, "type" if p == RDF.type else None)):
            if where and isinstance(term, URIRef) and str(term).startswith(UNDEFINED_VOCAB):
                name = str(term)[len(UNDEFINED_VOCAB):]
                yield Violation(
                    focus_node=_node(s), path=None if where == "type" else name,
                    constraint=UNDEFINED_TERM, severity="Violation", value=name,
                    message=f"the {where} {name!r} is not defined by the document's contexts")


@lru_cache(maxsize=len(SHAPES_FILES))
def _shapes_graph(shapes: str) -> Graph:
    graph = Graph()
    graph.parse(SHAPES_DIR / SHAPES_FILES[shapes], format="turtle")
    return graph


@lru_cache(maxsize=1)
def _class_hierarchy() -> tuple[tuple[Node, Node, Node], ...]:
    ontology = Graph()
    for name in ONTOLOGY_FILES:
        ontology.parse(Path(SHAPES_DIR / name), format="turtle")
    return tuple(sorted(ontology.triples((None, RDFS.subClassOf, None))))


def _violations(report: Graph, shapes_graph: Graph) -> Iterator[Violation]:
    for result in report.objects(None, SH.result):
        yield from _leaves(report, shapes_graph, result, 0)


def _leaves(report: Graph, shapes_graph: Graph, result: Node, depth: int) -> Iterator[Violation]:
    # A failed sh:node or sh:or says only "does not conform to shape X"; its sh:detail
    # results say which property is missing or wrong, so those are what we report.
    details = list(report.objects(result, SH.detail))
    if details and depth < 8:
        for detail in details:
            yield from _leaves(report, shapes_graph, detail, depth + 1)
        return
    shape = report.value(result, SH.sourceShape)
    yield Violation(
        focus_node=_node(report.value(result, SH.focusNode)),
        path=_optional(report.value(result, SH.resultPath)),
        constraint=str(report.value(result, SH.sourceConstraintComponent)),
        message=str(report.value(result, SH.resultMessage) or ""),
        severity=_local(report.value(result, SH.resultSeverity)),
        value=_clip(_optional(report.value(result, SH.value))),
        source_shape=_optional(shape),
        shape_name=_shape_text(report, shapes_graph, shape, SH.name),
        shape_description=_shape_text(report, shapes_graph, shape, SH.description))


def _shape_text(report: Graph, shapes_graph: Graph, shape: Node | None,
                what: URIRef) -> str | None:
    if shape is None:
        return None
    for graph in (report, shapes_graph):
        texts = {getattr(t, "language", None): str(t) for t in graph.objects(shape, what)}
        if texts:
            return texts.get("en") or texts.get(None) or min(texts.values())
    return None


def _node(node: Node | None) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node) if node is not None else ""


def _optional(node: Node | None) -> str | None:
    return None if node is None else _node(node)


def _local(node: Node | None) -> str:
    text = str(node or SH.Violation)
    return text.rsplit("#", 1)[-1]


def _clip(text: str | None, limit: int = 200) -> str | None:
    # A failing value can be a whole embedded image: keep the report readable.
    return text if text is None or len(text) <= limit else text[:limit] + "…"
