"""JSON-LD 1.1 to RDF for credentials, fast, strict, with contexts processed once.

The expensive part of JSON-LD is context processing. `ContextCache` runs pyld's context
processing (JSON-LD 1.1 API §4.1, Context Processing Algorithm) once per pair of active
context and local context, and keeps the result: a credential then costs only the walk in
`to_rdf`, which follows the Expansion Algorithm (§5.1.2) and the Deserialize JSON-LD to RDF
Algorithm (§8.1.2) directly, without building the expanded form.

Safe mode: anything the expansion algorithm would silently drop is an error here (a
property or type that the contexts do not define, a relative IRI, an invalid value
object), because a dropped term is not signed and could be changed without breaking a
signature. JSON-LD features credentials do not use (maps, @reverse, @nest, @included)
are refused with a clear message rather than half supported.
"""
import re

from vc._internal.pyld_adapter import JsonLdError, Processor, is_keyword
from vc.contexts import ContextStore, default_store
from vc.errors import (
    ContextError,
    MalformedInputError,
    ProtectedTermError,
)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = RDF + "type", RDF + "first", RDF + "rest", RDF + "nil"
RDF_JSON, RDF_LANGSTRING = RDF + "JSON", RDF + "langString"
XSD_STRING, XSD_BOOLEAN = XSD + "string", XSD + "boolean"
XSD_INTEGER, XSD_DOUBLE = XSD + "integer", XSD + "double"

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_KEYWORD_LIKE = re.compile(r"^@[A-Za-z]+$")
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
MAX_DEPTH = 32
MAX_SAFE_INTEGER = 2**53 - 1

# Terms of an RDF dataset, kept as tuples so that canonicalization can use them directly:
# ("iri", value) | ("bnode", label) | ("literal", lexical, datatype, language | None)
Term = tuple
Quad = tuple[Term, Term, Term, Term | None]


_ABSOLUTE_SEEN: dict[str, bool] = {}


def is_absolute_iri(value: str) -> bool:
    hit = _ABSOLUTE_SEEN.get(value)
    if hit is None:
        hit = bool(_ABSOLUTE_IRI.match(value))
        if len(_ABSOLUTE_SEEN) > 50000:
            _ABSOLUTE_SEEN.clear()
        _ABSOLUTE_SEEN[value] = hit
    return hit


class ContextCache:
    """Processed JSON-LD contexts for one set of accepted contexts, shared across documents."""

    def __init__(self, store: ContextStore | None = None, *, compact_form: bool = True) -> None:
        self.store = store or default_store()
        # compact form (see `vc._internal.jsonld_walk`): on wherever a reader will look at the JSON;
        # off only to turn arbitrary JSON-LD into RDF (the JSON-LD test suites)
        self.compact_form = compact_form
        self._pyld = Processor(self.store.document_loader)
        self.initial = self._pyld.initial_context()
        self._processed: dict[tuple, tuple] = {}
        self._local_keys: dict[int, tuple] = {}
        self._iris: dict[tuple, str | None] = {}
        self._inverse: dict[int, tuple[dict, dict[str, tuple[str, ...]]]] = {}

    def _local_key(self, local: object) -> object:
        if isinstance(local, str):
            return local
        hit = self._local_keys.get(id(local))
        if hit is not None and hit[0] is local:
            return hit[1]
        import json

        key = json.dumps(local, sort_keys=True)
        if len(self._local_keys) > 20000:
            self._local_keys.clear()
        self._local_keys[id(local)] = (local, key)  # holds `local`, so its id stays unique
        return key

    def process(self, active: dict, local: object, *, override_protected: bool = False,
                propagate: bool = True, from_document: bool = False) -> dict:
        # A document's own @context is keyed by value (the caller may change the list in
        # place); scoped contexts from the pinned, immutable contexts by identity.
        local_key = _value_key(local) if from_document else self._local_key(local)
        key = (id(active), local_key, override_protected, propagate)
        hit = self._processed.get(key)
        if hit is not None:
            return hit[1]
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
        if len(self._processed) > 20000:
            self._processed.clear()
        # The entry holds `active` so that its id is not reused while cached.
        self._processed[key] = (active, result)
        return result

    def expand_iri(self, ctx: dict, value: str, vocab: bool) -> str | None:
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
                if not (mapping and mapping["_prefix"]) and _ABSOLUTE_IRI.match(value):
                    return value  # steps 6.4 (no prefix term), 6.5
        key = (id(ctx), value, vocab)
        try:
            return self._iris[key]
        except KeyError:
            pass
        if _KEYWORD_LIKE.match(value) and not is_keyword(value):
            result = None
        else:
            result = self._pyld.expand_iri(ctx, value, vocab=vocab)
        if len(self._iris) > 200000:
            self._iris.clear()
        self._iris[key] = result
        return result


    def terms_for(self, ctx: dict, iri: str) -> tuple[str, ...]:
        """The terms of an active context that map to `iri` (or alias the keyword `iri`).

        Compact form (see `vc._internal.jsonld_walk`) uses these to refuse a full IRI, a compact IRI
        or a spelled-out keyword where a term of the context says the same thing.
        """
        hit = self._inverse.get(id(ctx))
        if hit is None or hit[0] is not ctx:
            inverse: dict[str, list[str]] = {}
            for term, definition in ctx["mappings"].items():
                if definition and isinstance(definition.get("@id"), str):
                    inverse.setdefault(definition["@id"], []).append(term)
            if len(self._inverse) > 20000:
                self._inverse.clear()
            hit = self._inverse[id(ctx)] = (ctx, {k: tuple(sorted(v))
                                                  for k, v in inverse.items()})
        return hit[1].get(iri, ())


def _value_key(local: object) -> object:
    if isinstance(local, str):
        return local
    if isinstance(local, list) and all(isinstance(x, str) for x in local):
        return tuple(local)
    import json

    return json.dumps(local, sort_keys=True)


def _drop_noop_null_vocab(active: dict, local: object, store: ContextStore) -> object:
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
    cause = e
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
            f"unknown JSON-LD context {url!r}: s4c only accepts its pinned contexts")
    return ContextError(f"invalid JSON-LD context ({code or 'error'}): {text}")


def to_rdf(document: dict, cache: ContextCache | None = None) -> list[Quad]:
    """Deserializes a compacted JSON-LD document to RDF quads, strictly (see module doc)."""
    if not isinstance(document, dict):
        raise MalformedInputError("a JSON-LD document must be a JSON object")
    cache = cache or default_cache()
    from vc._internal.rdf_plan import quads_by_plan

    return quads_by_plan(document, cache)


def walk(document: dict, cache: ContextCache) -> list[Quad]:
    """The full strict walk (what `to_rdf` replays from a plan when it can)."""
    from vc._internal.jsonld_walk import _Walker

    walker = _Walker(cache)
    walker.node(document, cache.initial, None, None, "$", 0)
    return walker.quads


_CACHES: dict[tuple, ContextCache] = {}


def default_cache(store: ContextStore | None = None, *,
                  compact_form: bool = True) -> ContextCache:
    """One ContextCache per set of accepted contexts, reused by every document."""
    store = store or default_store()
    key = (id(store), compact_form)
    hit = _CACHES.get(key)
    if hit is None or hit.store is not store:
        hit = _CACHES[key] = ContextCache(store, compact_form=compact_form)
    return hit
