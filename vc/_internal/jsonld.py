"""JSON-LD 1.1 to RDF for credentials, fast, strict, with contexts processed once.

The top of the engine's one-way chain of imports:

    context_cache (contexts processed once, memo tables)
      -> jsonld_walk (the strict walk: Expansion §5.1.2 fused with Deserialize to RDF §8.1.2)
        -> rdf_plan (the walk recorded once per document shape, replayed for the others)
          -> jsonld.to_rdf (this entry point)

Safe mode and compact form are the walk's (see `vc._internal.jsonld_walk`).
"""
from typing import Any

from vc._internal.context_cache import ContextCache
from vc._internal.rdf_plan import quads_by_plan
from vc._internal.rdf_terms import Quad
from vc.errors import MalformedInputError


def to_rdf(document: dict[str, Any], cache: ContextCache) -> list[Quad]:
    """Deserializes a compacted JSON-LD document to RDF quads, strictly (JSON-LD 1.1 API
    §8.1.2 over the Expansion of §5.1.2; see `vc._internal.jsonld_walk`)."""
    if not isinstance(document, dict):
        raise MalformedInputError("a JSON-LD document must be a JSON object")
    return quads_by_plan(document, cache)
