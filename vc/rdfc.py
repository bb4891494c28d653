"""RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 2024) of JSON-LD documents.

The dataset comes from `vc.jsonld.to_rdf`; labelling (RDFC-1.0 §4.4) runs in pyoxigraph's
Rust implementation; the result is serialized as canonical N-Quads (RDFC-1.0 §4.6 and
RDF 1.2 N-Quads §canonical form: one quad per line, sorted by code point order).
"""
import pyoxigraph as ox

from vc.errors import CanonicalizationError
from vc.jsonld import ContextCache, Quad, to_rdf

MAX_QUADS = 5000  # a credential has tens of quads; bound the work an input can cause


def _term(t: tuple, cache: dict) -> object:
    hit = cache.get(t)
    if hit is not None:
        return hit
    kind = t[0]
    try:
        if kind == "iri":
            obj = ox.NamedNode(t[1])
        elif kind == "bnode":
            obj = ox.BlankNode(t[1])
        elif t[3] is not None:
            obj = ox.Literal(t[1], language=t[3])
        else:
            obj = ox.Literal(t[1], datatype=ox.NamedNode(t[2]))
    except ValueError as e:
        raise CanonicalizationError(f"invalid RDF term {t[1]!r}: {e}") from None
    cache[t] = obj
    return obj


def canonicalize_quads(quads: list[Quad]) -> str:
    """Canonical N-Quads of a dataset (RDFC-1.0 §4.4 Canonicalization Algorithm)."""
    if len(quads) > MAX_QUADS:
        raise CanonicalizationError(f"the document yields more than {MAX_QUADS} RDF quads")
    terms: dict = {}
    default = ox.DefaultGraph()
    dataset = ox.Dataset(
        ox.Quad(_term(s, terms), _term(p, terms), _term(o, terms),
                default if g is None else _term(g, terms))
        for s, p, o, g in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return "".join(sorted([f"{q} .\n" for q in dataset]))


def canonicalize(document: dict, cache: ContextCache | None = None) -> str:
    """JSON-LD document → canonical N-Quads (the `eddsa-rdfc-2022` transformation)."""
    return canonicalize_quads(to_rdf(document, cache))
