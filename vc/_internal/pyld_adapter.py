"""The one place s4c calls pyld's private API.

pyld exposes the JSON-LD algorithms whole (expand, to_rdf); `vc._internal.jsonld` needs their steps:
the Context Processing Algorithm (JSON-LD 1.1 API §4.1) and IRI Expansion (§5.2.2) on one
active context at a time. Those are private methods of `JsonLdProcessor`, so pyproject.toml
pins pyld to its minor version (3.3.x), and a pyld upgrade means reading this module
against the new release and running the JSON-LD test suites (`tests/test_jsonld_*`).
"""
from collections.abc import Callable

from pyld import jsonld as _pyld
from pyld.context_resolver import ContextResolver

JsonLdError = _pyld.JsonLdError
RESOLVED_CONTEXTS_KEPT = 1000


class Processor:
    """pyld's context processing and IRI expansion, with s4c's document loader."""

    def __init__(self, document_loader: Callable) -> None:
        self._pyld = _pyld.JsonLdProcessor()
        self._options = {
            "documentLoader": document_loader,
            "base": "",
            "processingMode": "json-ld-1.1",
            # a resolved-context cache of this processor's own (pyld's default is global)
            "contextResolver": ContextResolver(
                _pyld._resolved_context_cache.__class__(RESOLVED_CONTEXTS_KEPT),
                document_loader),
        }

    def initial_context(self) -> dict:
        return self._pyld._get_initial_context(self._options)

    def process_context(self, active: dict, local: object, *, override_protected: bool,
                        propagate: bool) -> dict:
        """§4.1 Context Processing: the active context after `local`."""
        return self._pyld._process_context(active, local, self._options,
                                           override_protected=override_protected,
                                           propagate=propagate)

    def expand_iri(self, active: dict, value: str, *, vocab: bool) -> str | None:
        """§5.2.2 IRI Expansion, without document-relative resolution (base=None: pyld
        would resolve against http://example.org/base/; the walker refuses relative
        IRIs instead)."""
        return self._pyld._expand_iri(active, value, vocab=vocab, base=None)


def is_keyword(value: str) -> bool:
    return _pyld._is_keyword(value)
