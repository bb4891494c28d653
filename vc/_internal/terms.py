"""Safe mode at issue and verify time: every term of a document is defined by its contexts.

The strict walk (`vc._internal.jsonld.to_rdf`) refuses undefined terms; this runs it once per
document shape, so that documents of one kind are checked at the cost of computing a key.
Shapes that passed are kept in the ContextCache's bounded `checked_shapes` LRU.
"""
import re
from typing import Any

from vc._internal.context_cache import ContextCache
from vc._internal.jsonld import to_rdf
from vc._internal.rdf_plan import decompose

# A canonical JSON text with its plain string values blanked keeps what a document's shape
# (`vc._internal.rdf_plan.decompose`) keeps:
# structure, keys, numbers, strings in arrays, and the values of the keys below, which are
# protected first by a NUL after their colon (JSON text never holds a raw NUL, and a quote
# inside a string is always escaped, so the marker cannot be forged). Used when the
# canonical text exists anyway (eddsa-jcs-2022).
_STRING_VALUE = re.compile(r':"[^"\\]*+(?:\\.[^"\\]*+)*+"')  # possessive: no backtracking
_PROTECTED = tuple((f'"{k}":"', f'"{k}":\x00"') for k in
                   ("type", "@type", "@context", "proofPurpose", "@language", "@direction"))


def _json_shape_key(text: str) -> str:
    for plain, marked in _PROTECTED:
        if plain in text:
            text = text.replace(plain, marked)
    return _STRING_VALUE.sub(':""', text)


def check_terms(document: dict[str, Any], cache: ContextCache,
                canonical_json: str | None = None) -> None:
    """Safe mode: raises UndefinedTermError/ContextError unless every term is defined.

    The strict walk runs once per document shape (`vc._internal.rdf_plan.decompose`);
    `canonical_json`, the document's JCS text when the caller has it, gives the shape more
    cheaply.
    """
    # a text key (JSON shape) and a tuple key (document shape) never collide
    key = _json_shape_key(canonical_json) if canonical_json is not None else \
        decompose(document, [], False)[0]
    if key in cache.checked_shapes:
        return
    to_rdf(document, cache)
    cache.checked_shapes[key] = True
