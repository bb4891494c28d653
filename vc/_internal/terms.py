"""Safe mode at issue and verify time: every term of a document is defined by its contexts.

The strict walk (`vc._internal.jsonld.to_rdf`) refuses undefined terms; this runs it once per
document shape, so that documents of one kind are checked at the cost of computing a key.
"""
import re

from vc._internal.jsonld import ContextCache, default_cache, to_rdf
from vc._internal.rdf_plan import decompose

_PASSED_SHAPES: dict[tuple, bool] = {}


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


def check_terms(document: dict, cache: ContextCache | None = None,
                canonical_json: str | None = None) -> None:
    """Safe mode: raises UndefinedTermError/ContextError unless every term is defined.

    The strict walk runs once per document shape (`vc._internal.rdf_plan.decompose`); `canonical_json`, the
    document's JCS text when the caller has it, gives the shape more cheaply.
    """
    cache = cache or default_cache()
    if canonical_json is not None:
        key = (id(cache), _json_shape_key(canonical_json))
    else:
        key = (id(cache), decompose(document, [], False)[0])
    if key in _PASSED_SHAPES:
        return
    to_rdf(document, cache)
    if len(_PASSED_SHAPES) > 10000:
        _PASSED_SHAPES.clear()
    _PASSED_SHAPES[key] = True
