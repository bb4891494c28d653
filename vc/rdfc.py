"""RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 2024) of JSON-LD documents.

The dataset comes from `vc.jsonld.to_rdf`. Credentials give datasets whose blank nodes all
have distinct first-degree hashes, so labelling needs only §4.6 (Hash First Degree Quads)
and §4.4 step 5 (issue canonical identifiers in hash order); that path runs here. When two
blank nodes share a first-degree hash, the full algorithm (with §4.8 Hash N-Degree Quads)
runs in pyoxigraph's Rust implementation. Output is canonical N-Quads (RDFC-1.0 §4.4 step 7
and RDF 1.2 N-Quads canonical form): one quad per line, lines in code point order.
"""
import hashlib
import re

import pyoxigraph as ox

from vc.errors import CanonicalizationError
from vc.jsonld import XSD_STRING, ContextCache, Quad, to_rdf

MAX_QUADS = 5000  # a credential has tens of quads; bound the work an input can cause

# RDF 1.2 N-Triples §canonical: ECHAR for \b \t \n \f \r " \ ; UCHAR (upper-case hex) for
# the other control characters U+0000-U+001F and U+007F.
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')
_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"',
          "\\": "\\\\"}


def _escape_char(m: re.Match) -> str:
    c = m.group(0)
    return _ECHAR.get(c) or f"\\u{ord(c):04X}"


def _literal(t: tuple) -> str:
    value = t[1]
    if _NEEDS_ESCAPE.search(value):
        value = _NEEDS_ESCAPE.sub(_escape_char, value)
    if t[3] is not None:
        return f'"{value}"@{t[3]}'
    if t[2] == XSD_STRING:
        return f'"{value}"'
    return f'"{value}"^^<{t[2]}>'


def _serialize_terms(quads: list[Quad]) -> list[tuple[str, str, str, str | None]]:
    names: dict[tuple, str] = {}

    def name(t: tuple) -> str:
        s = names.get(t)
        if s is None:
            kind = t[0]
            s = names[t] = (f"<{t[1]}>" if kind == "iri" else f"_:{t[1]}" if kind == "bnode"
                            else _literal(t))
        return s

    return [(name(s), name(p), name(o), None if g is None else name(g))
            for s, p, o, g in quads]


def _line(s: str, p: str, o: str, g: str | None) -> str:
    return f"{s} {p} {o} .\n" if g is None else f"{s} {p} {o} {g} .\n"


def canonicalize_quads(quads: list[Quad]) -> str:
    """Canonical N-Quads of a dataset (RDFC-1.0 §4.4 Canonicalization Algorithm)."""
    if len(quads) > MAX_QUADS:
        raise CanonicalizationError(f"the document yields more than {MAX_QUADS} RDF quads")
    rows = list(dict.fromkeys(_serialize_terms(quads)))  # a dataset is a set of quads
    # §4.4 step 2: the blank node to quads map
    mentions: dict[str, list[tuple]] = {}
    for row in rows:
        for i in (0, 2, 3):
            term = row[i]
            if term is not None and term[0] == "_":
                quads_of = mentions.setdefault(term, [])
                if not quads_of or quads_of[-1] is not row:
                    quads_of.append(row)
    if not mentions:
        return "".join(sorted(_line(*row) for row in rows))
    # §4.6 Hash First Degree Quads, for every blank node
    by_hash: dict[str, str] = {}
    for node, node_quads in mentions.items():
        lines = sorted(_line(*[("_:a" if t == node else "_:z") if t is not None and t[0] == "_"
                               else t for t in row]) for row in node_quads)
        digest = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
        if digest in by_hash:
            return _canonicalize_in_rust(quads)  # shared hash: §4.8 N-degree hashing needed
        by_hash[digest] = node
    # §4.4 step 5: canonical identifiers issued in code point order of the hashes
    labels = {by_hash[h]: f"_:c14n{i}" for i, h in enumerate(sorted(by_hash))}
    return "".join(sorted(
        _line(*[labels[t] if t is not None and t[0] == "_" else t for t in row])
        for row in rows))


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


def _canonicalize_in_rust(quads: list[Quad]) -> str:
    """The complete RDFC-1.0 algorithm (pyoxigraph), for datasets with shared hashes."""
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
