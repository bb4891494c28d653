"""RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 2024) of JSON-LD documents.

The dataset comes from `vc._internal.jsonld.to_rdf`; blank nodes are labelled by
`vc._internal.rdfc_labels`. Output is canonical N-Quads (RDFC-1.0 §4.4 step 7 and RDF 1.2 N-Quads
canonical form): one quad per line, lines in code point order.
"""
import re
from typing import Any

from vc._internal.context_cache import ContextCache
from vc._internal.jsonld import to_rdf
from vc._internal.rdf_terms import XSD_STRING, Quad, Term
from vc._internal.rdfc_labels import BlankNodeLabeller
from vc.errors import CanonicalizationError

MAX_QUADS = 5000  # a credential has tens of quads; bound the work an input can cause

# RDF 1.2 N-Triples §canonical: ECHAR for \b \t \n \f \r " \ ; UCHAR (upper-case hex) for
# the other control characters U+0000-U+001F and U+007F.
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')
_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"',
          "\\": "\\\\"}


def _escape_char(m: re.Match[str]) -> str:
    c = m.group(0)
    return _ECHAR.get(c) or f"\\u{ord(c):04X}"


def _literal(t: Term) -> str:
    value = t[1]
    if _NEEDS_ESCAPE.search(value):
        value = _NEEDS_ESCAPE.sub(_escape_char, value)
    if t[3] is not None:
        return f'"{value}"@{t[3]}'
    if t[2] == XSD_STRING:
        return f'"{value}"'
    return f'"{value}"^^<{t[2]}>'


def _serialize_terms(quads: list[Quad]) -> list[tuple[str, str, str, str | None]]:
    names: dict[Term, str] = {}

    def name(t: Term) -> str:
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
    labeller = BlankNodeLabeller(rows, _line)
    if not labeller.mentions:
        return "".join(sorted(_line(*row) for row in rows))
    labels = labeller.labels()
    return "".join(sorted(
        _line(labels[s] if s[0] == "_" else s, labels[p] if p[0] == "_" else p,
              labels[o] if o[0] == "_" else o,
              g if g is None or g[0] != "_" else labels[g])
        for s, p, o, g in rows))


def canonicalize(document: dict[str, Any], cache: ContextCache) -> str:
    """JSON-LD document → canonical N-Quads (the `eddsa-rdfc-2022` transformation)."""
    return canonicalize_quads(to_rdf(document, cache))
