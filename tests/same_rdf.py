"""Rewrites of a JSON-LD document that keep its RDF (so a Data Integrity signature over the
RDF still verifies), for the soundness tests.

Each rewrite is one of the spellings JSON-LD allows for the same data; `rdf_of` decides
whether a rewritten document really carries the same RDF, so a test only ever asserts on
true same-RDF variants.
"""
import copy
import random
from dataclasses import dataclass

from vc._internal.context_cache import ContextCache
from vc._internal.jsonld_walk import Walker
from vc._internal.rdfc import canonicalize
from vc.errors import VCError

XSD = "http://www.w3.org/2001/XMLSchema#"
KEYWORDS = {"id": "@id", "type": "@type"}
# rewrites that change only the JSON spelling, not its JSON-LD meaning: a verifier must
# give exactly the same verdict, never refuse
# (an embedded context or a one-element array keeps the RDF too, but the VC data model and
# our JSON Schemas constrain the JSON itself, so those may be refused as malformed)
MEANING_PRESERVING = frozenset({"reorder", "context-order"})
SPELLING = ("iri", "keyword", "value-object", "array", "embedded-context", "graph", "reorder",
            "context-order")


class _Recorder(Walker):
    """The strict walk, remembering for each JSON path the IRI and definition of its key."""

    def __init__(self, cache: ContextCache) -> None:
        super().__init__(cache)
        self.props: dict[str, tuple[str, dict]] = {}

    def property(self, subject, key, predicate, value, ctx, graph, where, depth):
        self.props[where] = (predicate, ctx["mappings"].get(key) or {})
        return super().property(subject, key, predicate, value, ctx, graph, where, depth)


def lenient_cache(store) -> ContextCache:
    return store.cache(compact_form=False)


def key_table(document: dict, store) -> dict[str, tuple[str, dict]]:
    recorder = _Recorder(lenient_cache(store))
    recorder.node(document, recorder.cache.initial, None, None, "$", 0)
    return recorder.props


def rdf_of(document: dict, store) -> str | None:
    """The canonical N-Quads of the document without its proof (None: not JSON-LD we read)."""
    try:
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        if "@graph" in unsecured:
            unsecured = {**unsecured, "@graph": [
                {k: v for k, v in n.items() if k != "proof"} if isinstance(n, dict) else n
                for n in unsecured["@graph"]]}
        return canonicalize(unsecured, lenient_cache(store))
    except (VCError, KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Site:
    """A node object inside the document: the keys path to it and its JSON path."""

    keys: tuple
    where: str


def sites(document: dict) -> list[Site]:
    out: list[Site] = []

    def visit(value, keys, where):
        if isinstance(value, dict):
            if "@value" in value or "@id" in value and len(value) == 1:
                return
            out.append(Site(keys, where))
            for k, v in value.items():
                if k in ("@context", "proof"):
                    continue
                visit(v, (*keys, k), f"{where}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                visit(v, (*keys, i), where)

    visit(document, (), "$")
    return out


def _at(document, keys):
    for k in keys:
        document = document[k]
    return document


def rewrite(document: dict, kind: str, site_index: int, key_index: int, store) -> dict:
    """One rewrite of `kind` at the `site_index`-th node object (modulo), on a copy."""
    doc = copy.deepcopy(document)
    if kind == "graph":
        inner = {k: v for k, v in doc.items() if k != "@context"}
        return {"@context": doc["@context"], "@graph": [inner]}
    if kind == "context-order":
        ctx = doc["@context"]
        if isinstance(ctx, list) and len(ctx) > 2:
            doc["@context"] = [ctx[0], *reversed(ctx[1:])]
        return doc
    all_sites = sites(doc)
    site = all_sites[site_index % len(all_sites)]
    node = _at(doc, site.keys)
    keys = [k for k in node if k not in ("@context", "proof")]
    if not keys:
        return doc
    key = keys[key_index % len(keys)]
    try:
        table = key_table(document, store)
    except VCError:  # an earlier rewrite already left JSON-LD the walk refuses
        return doc
    if kind == "iri":
        if key in KEYWORDS or f"{site.where}.{key}" not in table:
            return doc
        iri, _ = table[f"{site.where}.{key}"]
        _rename(node, key, iri)
    elif kind == "keyword":
        if key in KEYWORDS:
            _rename(node, key, KEYWORDS[key])
    elif kind == "value-object":
        if key in KEYWORDS or f"{site.where}.{key}" not in table:
            return doc
        _, definition = table[f"{site.where}.{key}"]
        node[key] = _as_value_objects(node[key], definition.get("@type"))
    elif kind == "array":
        value = node[key]
        if isinstance(value, list) and len(value) == 1 and key != "@context":
            node[key] = value[0]
        elif not isinstance(value, list):
            node[key] = [value]
    elif kind == "embedded-context":
        if site.keys:
            node["@context"] = copy.deepcopy(document["@context"])
    elif kind == "reorder":
        items = list(node.items())
        random.Random(key_index).shuffle(items)
        node.clear()
        node.update((k, list(reversed(v)) if isinstance(v, list) and k != "@context" else v)
                    for k, v in items)
    return doc


def _rename(node: dict, old: str, new: str) -> None:
    items = [(new if k == old else k, v) for k, v in node.items()]
    node.clear()
    node.update(items)


def _as_value_objects(value, coercion):
    if isinstance(value, list):
        return [_as_value_objects(v, coercion) for v in value]
    if not isinstance(value, (str, int, float, bool)):
        return value
    if coercion == "@id":
        return {"@id": value}
    if coercion in ("@vocab", "@json"):
        return value
    if coercion is not None:
        return {"@value": value, "@type": coercion}
    if isinstance(value, bool):
        return {"@value": value, "@type": XSD + "boolean"}
    if isinstance(value, int):
        return {"@value": value, "@type": XSD + "integer"}
    return {"@value": value, "@type": XSD + "string"}
