"""The one place s4c calls pyld's private API.

pyld exposes the JSON-LD algorithms whole (expand, to_rdf); `vc._internal.context_cache`
needs their steps: the Context Processing Algorithm (JSON-LD 1.1 API §4.1) and IRI Expansion
(§5.2.2) on one active context at a time. Those are private methods of `JsonLdProcessor`, so
pyproject.toml pins pyld to its minor version (3.3.x), and a pyld upgrade means reading this
module against the new release and running the JSON-LD test suites (`tests/test_jsonld_*`).
"""
import uuid
from collections.abc import Callable
from typing import Any

from pyld import jsonld as _pyld
from pyld.context_resolver import ContextResolver

JsonLdError = _pyld.JsonLdError
ActiveContext = dict[str, Any]  # pyld's processed context: "mappings", "@vocab", ...
DocumentLoader = Callable[..., dict[str, Any]]


def context_token(ctx: ActiveContext) -> str:
    """The `_uuid` naming this active context, as pyld's own cache of processed contexts
    keys it: never reused (unlike `id()`), so memo tables can key on it without holding the
    context. pyld gives every context it processes one (and freezes it); a context without
    one (a clone) gets one here, as pyld's Context Processing would give it."""
    token: str | None = ctx.get("_uuid")
    if token is None:
        token = ctx["_uuid"] = str(uuid.uuid1())
    return token


class Processor:
    """pyld's context processing and IRI expansion, with s4c's document loader."""

    def __init__(self, document_loader: DocumentLoader, resolved_contexts_kept: int) -> None:
        self._pyld = _pyld.JsonLdProcessor()
        self._options = {
            "documentLoader": document_loader,
            "base": "",
            "processingMode": "json-ld-1.1",
            # a resolved-context cache of this processor's own (pyld's default is global)
            "contextResolver": ContextResolver(
                _pyld._resolved_context_cache.__class__(resolved_contexts_kept),
                document_loader),
        }

    def initial_context(self) -> ActiveContext:
        context: ActiveContext = self._pyld._get_initial_context(self._options)
        return context

    def process_context(self, active: ActiveContext, local: object, *,
                        override_protected: bool, propagate: bool) -> ActiveContext:
        """§4.1 Context Processing: the active context after `local`."""
        context: ActiveContext = self._pyld._process_context(
            active, local, self._options, override_protected=override_protected,
            propagate=propagate)
        return context

    def expand_iri(self, active: ActiveContext, value: str, *, vocab: bool) -> str | None:
        """§5.2.2 IRI Expansion, without document-relative resolution (base=None: pyld
        would resolve against http://example.org/base/; the walker refuses relative
        IRIs instead)."""
        expanded: str | None = self._pyld._expand_iri(active, value, vocab=vocab, base=None)
        return expanded


def is_keyword(value: str) -> bool:
    return bool(_pyld._is_keyword(value))
