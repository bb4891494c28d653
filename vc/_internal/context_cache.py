"""Processed JSON-LD contexts for one set of accepted contexts, shared across documents.

The expensive part of JSON-LD is context processing. `ContextCache` runs pyld's Context
Processing Algorithm (JSON-LD 1.1 API §4.1) once per pair of active context and local
context and keeps the result, with the IRI Expansions (§5.2.2) made in it; a credential
then costs only the walk (`vc._internal.jsonld_walk`). Every memo the engine keeps is a
bounded LRU attribute of the cache (sizes below), so the cache's owner (its ContextStore)
owns them all: nothing is kept in module globals, and nothing is keyed on `id()` (active
contexts by their `context_token`).
"""
import json
import re
from typing import Any, Protocol

from vc._internal.lru import LRU
from vc._internal.pyld_adapter import (
    ActiveContext,
    JsonLdError,
    Processor,
    context_token,
    is_keyword,
)
from vc._internal.rdf_terms import ABSOLUTE_IRI
from vc.errors import ContextError, ProtectedTermError

# Bounds of the memo tables: generous for a service's few kinds of documents, small enough
# that documents made to be all different cannot grow a process without limit.
MAX_PROCESSED_CONTEXTS = 20_000  # (active context, local context) -> active context
MAX_EXPANDED_IRIS = 200_000  # (active context, value, vocab) -> IRI
MAX_INVERSE_CONTEXTS = 20_000  # active context -> its IRI -> terms table
MAX_ABSOLUTE_IRIS = 50_000  # string -> is it an absolute IRI
MAX_PLANS = 2_000  # document shape -> RDF plan (`vc._internal.rdf_plan`)
MAX_PROOF_CONFIGS = 4_096  # proof options -> canonical bytes (`vc.cryptosuites`)
MAX_CHECKED_SHAPES = 10_000  # document shape whose terms are all defined (`terms`)
RESOLVED_CONTEXTS_KEPT = 1_000  # pyld's own cache of resolved contexts

_KEYWORD_LIKE = re.compile(r"^@[A-Za-z]+$")


class ContextSource(Protocol):
    """Where the cache reads contexts: `vc.contexts.ContextStore`."""

    def load(self, url: str) -> dict[str, Any]: ...

    def document_loader(self, url: str,
                        options: dict[str, Any] | None = None) -> dict[str, Any]: ...


class ContextCache:
    """Processed contexts and the engine's memo tables, for one ContextSource."""

    def __init__(self, store: ContextSource, *, compact_form: bool = True) -> None:
        self.store = store
        # compact form (see `vc._internal.jsonld_walk`): on wherever a reader will look at
        # the JSON; off only to turn arbitrary JSON-LD into RDF (the JSON-LD test suites)
        self.compact_form = compact_form
        self._pyld = Processor(store.document_loader, RESOLVED_CONTEXTS_KEPT)
        self.initial = self._pyld.initial_context()
        self._processed: LRU[tuple[object, ...], ActiveContext] = LRU(MAX_PROCESSED_CONTEXTS)
        self._iris: LRU[tuple[str, str, bool], tuple[str | None]] = LRU(MAX_EXPANDED_IRIS)
        self._inverse: LRU[str, dict[str, tuple[str, ...]]] = LRU(MAX_INVERSE_CONTEXTS)
        self._absolute: LRU[str, bool] = LRU(MAX_ABSOLUTE_IRIS)
        # kept here for the layers above, which alone read and write them
        self.plans: LRU[object, tuple[Any, ...]] = LRU(MAX_PLANS)
        self.proof_configs: LRU[bytes, bytes] = LRU(MAX_PROOF_CONFIGS)
        self.checked_shapes: LRU[object, bool] = LRU(MAX_CHECKED_SHAPES)

    # -- Context Processing (§4.1) -----------------------------------------------------------
    def process_document_context(self, active: ActiveContext, local: object) -> ActiveContext:
        """The active context after a document's own `@context`, keyed by its value (the
        caller may change a list in place between two documents)."""
        return self._process(active, local, ("document", _value_key(local)), False, True)

    def process_scoped(self, active: ActiveContext, definer: ActiveContext, term: str, *,
                       override_protected: bool = False,
                       propagate: bool = True) -> ActiveContext:
        """The active context after the scoped context of `term` in `definer` (a property-
        or type-scoped context, JSON-LD 1.1 §4.1.8), keyed by where it is defined."""
        local = definer["mappings"][term]["@context"]
        key = ("scoped", context_token(definer), term)
        return self._process(active, local, key, override_protected, propagate)

    def _process(self, active: ActiveContext, local: object, local_key: object,
                 override_protected: bool, propagate: bool) -> ActiveContext:
        key = (context_token(active), local_key, override_protected, propagate)
        hit = self._processed.get(key)
        if hit is not None:
            return hit
        try:
            result = self._pyld.process_context(
                active, _drop_noop_null_vocab(active, local, self.store),
                override_protected=override_protected, propagate=propagate)
        except ContextError:
            raise
        except JsonLdError as e:
            raise _context_error(e) from None
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            # pyld can fail this way on unusual contexts (e.g. {"@vocab": null})
            raise ContextError(f"the JSON-LD context cannot be processed: {e!r}") from None
        self._processed[key] = result
        return result

    # -- IRI Expansion (§5.2.2) --------------------------------------------------------------
    def expand_iri(self, ctx: ActiveContext, value: str, vocab: bool) -> str | None:
        """IRI Expansion (§5.2.2); relative IRIs are left relative (the caller rejects them)."""
        if not vocab and value[:1] != "@":
            # §5.2.2 step 6 without the memo: an id that is already an absolute IRI or a
            # blank node identifier (most ids are unique, e.g. urn:uuid:..., so a memo
            # entry would never be read again)
            colon = value.find(":")
            if colon > 0:
                if value.startswith("//", colon + 1) or colon == 1 and value[0] == "_":
                    return value  # step 6.2
                mapping = ctx["mappings"].get(value[:colon])
                if not (mapping and mapping["_prefix"]) and ABSOLUTE_IRI.match(value):
                    return value  # steps 6.4 (no prefix term), 6.5
        key = (context_token(ctx), value, vocab)
        hit = self._iris.get(key)
        if hit is not None:
            return hit[0]
        result = None if _KEYWORD_LIKE.match(value) and not is_keyword(value) else \
            self._pyld.expand_iri(ctx, value, vocab=vocab)
        self._iris[key] = (result,)
        return result

    def is_absolute_iri(self, value: str) -> bool:
        hit = self._absolute.get(value)
        if hit is None:
            hit = self._absolute[value] = bool(ABSOLUTE_IRI.match(value))
        return hit

    def terms_for(self, ctx: ActiveContext, iri: str) -> tuple[str, ...]:
        """The terms of an active context that map to `iri` (or alias the keyword `iri`).

        Compact form (see `vc._internal.jsonld_walk`) uses these to refuse a full IRI, a
        compact IRI or a spelled-out keyword where a term of the context says the same thing.
        """
        token = context_token(ctx)
        table = self._inverse.get(token)
        if table is None:
            inverse: dict[str, list[str]] = {}
            for term, definition in ctx["mappings"].items():
                if definition and isinstance(definition.get("@id"), str):
                    inverse.setdefault(definition["@id"], []).append(term)
            table = self._inverse[token] = {k: tuple(sorted(v)) for k, v in inverse.items()}
        return table.get(iri, ())


def _value_key(local: object) -> object:
    if isinstance(local, str):
        return local
    if isinstance(local, list) and all(isinstance(x, str) for x in local):
        return tuple(local)
    return json.dumps(local, sort_keys=True)


def _drop_noop_null_vocab(active: ActiveContext, local: object, store: ContextSource) -> object:
    """`{"@vocab": null}` with no @vocab set is a no-op that pyld 3.3 crashes on (KeyError)."""
    items = local if isinstance(local, list) else [local]
    vocab_set = "@vocab" in active
    out = []
    for item in items:
        if isinstance(item, dict) and "@vocab" in item:
            if item["@vocab"] is None and not vocab_set:
                item = {k: v for k, v in item.items() if k != "@vocab"}
            else:
                vocab_set = item["@vocab"] is not None
        elif item is None:
            vocab_set = False
        elif isinstance(item, str):
            try:
                remote = store.load(item).get("@context")
            except ContextError:
                remote = None  # pyld reports the unknown context itself
            sets = remote if isinstance(remote, list) else [remote]
            vocab_set = vocab_set or any(isinstance(c, dict) and c.get("@vocab") for c in sets)
        out.append(item)
    return out if isinstance(local, list) else out[0]


def _context_error(e: Exception) -> ContextError:
    cause: Any = e
    while cause is not None:
        if isinstance(cause, ContextError):
            return cause
        cause = getattr(cause, "cause", None) or cause.__cause__ or (
            cause.details.get("cause") if isinstance(getattr(cause, "details", None), dict)
            else None)
    code = getattr(e, "code", "") or ""
    text = str(e).split("\n")[0].strip("(),'\"")
    if code == "protected term redefinition":
        details = getattr(e, "details", None) or {}
        term = details.get("term")
        if term is None and isinstance(details.get("context"), dict):
            term = ", ".join(k for k in details["context"] if not k.startswith("@")) or None
        return ProtectedTermError(
            f"the context redefines the protected term {term or '(unnamed)'!r}: a credential "
            "may not change the meaning of terms its base contexts protect")
    if code in ("loading remote context failed", "loading document failed"):
        url = (getattr(e, "details", None) or {}).get("url", "?")
        return ContextError(
            f"unknown JSON-LD context {url!r}: only the pinned contexts are accepted")
    return ContextError(f"invalid JSON-LD context ({code or 'error'}): {text}")
