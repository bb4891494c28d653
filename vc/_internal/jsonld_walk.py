"""The strict walk: JSON-LD 1.1 Expansion (§5.1.2) fused with Deserialize JSON-LD to RDF
(§8.1.2), over contexts processed once by `vc._internal.context_cache.ContextCache`.

Safe mode: anything the expansion algorithm would silently drop is an error here (a
property or type that the contexts do not define, a relative IRI, an invalid value
object), because a dropped term is not signed and could be changed without breaking a
signature. JSON-LD features credentials do not use (maps, @reverse, @nest, @included)
are refused with a clear message rather than half supported.

Compact form. Many JSON documents carry the same RDF, so the same signature: a property
under its full IRI, `@id` for `id`, a value object for a plain value, an inline context
that renames terms. Readers of the JSON (the verifier's facts, status lists, trust lists)
look facts up by term, so any other spelling could hide a signed fact from them. The walk
therefore accepts only the one compact form the document's contexts define
(`NotCompactError` otherwise): every key is a term of the active context; `@context` holds
only context URLs (the pinned ones); a type or `@vocab` value is a term where one exists;
an id is written as the IRI itself; a value object only where no term coercion applies,
and only for what a plain JSON value cannot say (a language tag, a non-native datatype,
`@json`), never with `@direction` or `@index`.
"""
import math
import re
from typing import Any

from vc._internal.context_cache import ContextCache
from vc._internal.pyld_adapter import ActiveContext
from vc._internal.rdf_terms import (
    RDF_FIRST,
    RDF_JSON,
    RDF_LANGSTRING,
    RDF_NIL,
    RDF_REST,
    RDF_TYPE,
    XSD_BOOLEAN,
    XSD_DOUBLE,
    XSD_INTEGER,
    XSD_STRING,
    Quad,
    Term,
)
from vc.errors import (
    CanonicalizationError,
    ContextError,
    MalformedInputError,
    NotCompactError,
    UndefinedTermError,
)
from vc.jcs import canonicalize

MAX_DEPTH = 32  # of nested nodes the walk follows: stricter than vc.jcs.MAX_DEPTH (JSON text)
MAX_SAFE_INTEGER = 2**53 - 1
SEC_PROOF = "https://w3id.org/security#proof"  # Data Integrity 1.0 §2.1 `proof`
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
ExpandedKeys = dict[str, str | None]  # a node object's keys and their expanded IRIs


def _term(ctx: ActiveContext, key: str | None) -> dict[str, Any] | None:
    definition: dict[str, Any] | None = ctx["mappings"].get(key)
    return definition


# datatypes a plain JSON value already says (JSON-LD 1.1 API §8.6): a value object with one
# of them is the same RDF as the plain value, so only the plain value is compact form
_NATIVE_DATATYPES = frozenset({XSD_STRING, XSD_BOOLEAN, XSD_INTEGER, XSD_DOUBLE})
_COMPACT_HINT = ("; every fact is read from the one compact form the contexts define, so "
                 "other spellings of the same data are refused")


def _not_compact(where: str, what: str) -> NotCompactError:
    return NotCompactError(f"{where}: not in compact form: {what}{_COMPACT_HINT}")


def _compact_name(cache: ContextCache, ctx: ActiveContext, name: str,
                  expanded: str | None) -> bool:
    """Is `name` how compaction writes `expanded`: a term, or (with no term for it) the IRI
    itself or its suffix after @vocab (IRI Compaction, JSON-LD 1.1 API §6.2.2)?"""
    if _term(ctx, name) is not None:
        return True
    if expanded is None or cache.terms_for(ctx, expanded):
        return False
    vocab = ctx.get("@vocab")
    return expanded == name or (isinstance(vocab, str) and expanded == vocab + name)


def _inline_terms(local: object) -> list[str]:
    """The terms an embedded (inline) context defines."""
    items = local if isinstance(local, list) else [local]
    return [k for item in items if isinstance(item, dict) for k in item if k[:1] != "@"]


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


class Walker:
    """One document's walk: Expansion (§5.1.2) fused with Deserialize to RDF (§8.1.2)."""

    def __init__(self, cache: ContextCache) -> None:
        self.cache = cache
        self.quads: list[Quad] = []
        self._bnodes: dict[str, Term] = {}
        self._counter = 0
        self.described: list[tuple[Term, Term | None, str]] = []  # (node, graph, where)
        self._described_keys: set[tuple[Term, Term | None]] = set()
        self._node_graph: Term | None = None  # the graph of the node being walked
        self._in_claim = False  # inside a credential embedded with its own proof (describe)
        self._is_absolute = cache.is_absolute_iri

    # -- terms -----------------------------------------------------------------------------
    def fresh(self) -> Term:
        self._counter += 1
        return ("bnode", f"b{self._counter}")

    def id_term(self, iri: str, where: str) -> Term:
        if iri.startswith("_:"):
            t = self._bnodes.get(iri)
            if t is None:
                t = self._bnodes[iri] = self.fresh()
            return t
        if not self._is_absolute(iri):
            raise UndefinedTermError(f"{where}: {iri!r} is not an absolute IRI (relative "
                                     "references are dropped by JSON-LD, so they are refused)")
        return ("iri", iri)

    def expand_id(self, ctx: ActiveContext, value: object, where: str) -> Term:
        if not isinstance(value, str):
            raise MalformedInputError(f"{where}: an id must be a string")
        expanded = self.cache.expand_iri(ctx, value, vocab=False)
        if expanded is None:
            raise UndefinedTermError(f"{where}: {value!r} does not expand to an IRI")
        if expanded != value and value[:2] != "_:" and self.cache.compact_form:
            raise _not_compact(where, f"the id {value[:120]!r} stands for {expanded[:120]!r}; "
                                      "write the IRI itself")
        return self.id_term(expanded, where)

    def expand_vocab_value(self, ctx: ActiveContext, value: str, where: str) -> Term:
        """A string value of a property coerced with `"@type": "@vocab"`."""
        expanded = self.cache.expand_iri(ctx, value, vocab=True)
        if expanded is not None and self.cache.compact_form and \
                not _compact_name(self.cache, ctx, value, expanded):
            raise _not_compact(where, f"{value[:120]!r} is written where the context defines "
                                      f"a term for {expanded[:120]!r}")
        return self.id_term(expanded or value, where)

    def json_literal(self, value: object) -> Term:
        return _json_literal(value)

    def expand_vocab(self, ctx: ActiveContext, value: object, where: str) -> Term:
        if not isinstance(value, str):
            raise MalformedInputError(f"{where}: expected a string, got {type(value).__name__}")
        expanded = self.cache.expand_iri(ctx, value, vocab=True)
        if expanded is None or expanded.startswith("@"):
            raise UndefinedTermError(f"{where}: {value!r} is not defined by the contexts")
        if expanded.startswith("_:"):
            raise UndefinedTermError(f"{where}: {value!r} expands to a blank node")
        if not self._is_absolute(expanded):
            raise UndefinedTermError(
                f"{where}: the term {value!r} is not defined by the document's contexts")
        if self.cache.compact_form and not _compact_name(self.cache, ctx, value, expanded):
            raise _not_compact(where, f"the type {value[:120]!r} is written where the context "
                                      f"defines a term for {expanded[:120]!r}")
        return ("iri", expanded)

    def require_new_terms(self, ctx: ActiveContext, local: object, where: str) -> None:
        """Compact form: an inline context may add terms, never a second name for an IRI
        that already has one (a reader looking up the first name would miss the fact)."""
        for term in _inline_terms(local):
            definition = _term(ctx, term)
            iri = definition.get("@id") if definition else None
            if isinstance(iri, str) and len(self.cache.terms_for(ctx, iri)) > 1:
                others = [t for t in self.cache.terms_for(ctx, iri) if t != term]
                raise _not_compact(where, f"the inline context names {iri[:120]!r} "
                                          f"{term[:60]!r}, but it is already {others[0]!r}")

    def describe(self, node: Term, graph: Term | None, where: str) -> None:
        """Compact form: a node is described in one place of its graph. Split over two,
        the graph is the same but a reader of one place misses what is in the other.

        Not inside a credential embedded in the same graph with its own proof (an Open
        Badges 3.0 §B.1 `endorsement`): what it says about a node is its own signer's
        claim, which no reader of the document reads, so it may describe a node the
        document describes too (JSON-LD merges them: same id, same graph). The verifier
        refuses a credential whose read nodes are described in one (`verifier.facts`)."""
        if self._in_claim:
            return
        if (node, graph) in self._described_keys:
            raise _not_compact(where, f"the node {str(node[1])[:120]!r} is already described "
                                      "elsewhere in the document; describe it once")
        self._described_keys.add((node, graph))
        self.described.append((node, graph, where))

    # -- nodes -----------------------------------------------------------------------------
    def node(self, element: dict[str, Any], ctx: ActiveContext, active_property: str | None,
             graph: Term | None, path: str, depth: int,
             from_ctx: ActiveContext | None = None) -> Term | None:
        """Expands one node object, emits its quads, returns its subject (or a value term).

        `from_ctx`: the context the active property was defined in, when it differs from
        `ctx` (the property's own scoped context was applied to `ctx` already)."""
        if depth > MAX_DEPTH:
            raise MalformedInputError(f"{path}: nested deeper than {MAX_DEPTH} levels")
        outer = from_ctx if from_ctx is not None else ctx
        ctx = self._node_context(element, ctx, outer, active_property, path)
        keys, ctx, type_ctx = self._expand_keys(element, ctx)
        if "@value" in keys.values():
            return self._value_object_node(element, keys, ctx, outer, active_property, path)
        if self.cache.compact_form:
            self._require_terms(keys, ctx, type_ctx, path)
        if "@list" in keys.values() or "@set" in keys.values():
            raise ContextError(f"{path}: a list or set object cannot stand here")
        subject, props = self._subject_and_properties(element, keys, ctx, path)
        outer_claim, outer_graph = self._in_claim, self._node_graph
        if depth > 0 and graph == outer_graph and SEC_PROOF in keys.values():
            self._in_claim = True  # a credential embedded in this graph (see `describe`)
        self._node_graph = graph
        if subject is None:
            subject = self.fresh()
        elif self.cache.compact_form and len(keys) > 1:
            self.describe(subject, graph, path)
        self._emit_types(element, keys, subject, type_ctx, graph, path)
        for key, expanded in props:
            value, where = element[key], f"{path}.{key}"
            if expanded == "@graph":
                for item in _as_list(value):
                    if isinstance(item, dict):
                        self.node(item, ctx, key, graph, where, depth + 1)
            else:
                self.property(subject, key, expanded, value, ctx, graph, where, depth)
        self._in_claim, self._node_graph = outer_claim, outer_graph
        return subject

    def _node_context(self, element: dict[str, Any], ctx: ActiveContext,
                      outer: ActiveContext, active_property: str | None,
                      path: str) -> ActiveContext:
        """The active context inside a node object (Expansion §5.1.2 steps 7-9)."""
        definition = _term(outer, active_property) if active_property else None
        if ctx.get("previousContext") and not self._keeps_type_scope(element, ctx):
            ctx = ctx["previousContext"]  # step 7: a type-scoped context does not propagate
        if definition is not None and definition.get("@context") is not None:
            # step 8: the active property's scoped context, as `outer` defines it
            ctx = self.cache.process_scoped(ctx, outer, active_property or "",
                                            override_protected=True)
        if "@context" in element:  # step 9: the node's own (embedded) context
            ctx = self.cache.process_document_context(ctx, element["@context"])
            if self.cache.compact_form:
                self.require_new_terms(ctx, element["@context"], f"{path}.@context")
        return ctx

    def _keeps_type_scope(self, element: dict[str, Any], ctx: ActiveContext) -> bool:
        """§5.1.2 step 7: a value object, or a node that is only an @id, stays in the
        type-scoped context around it."""
        if len(element) > 2 or "@context" in element:
            return False
        for key in sorted(element):
            keyword = self.cache.expand_iri(ctx, key, vocab=True)
            if keyword == "@value" or keyword == "@id" and len(element) == 1:
                return True
        return False

    def _expand_keys(self, element: dict[str, Any], ctx: ActiveContext
                     ) -> tuple[ExpandedKeys, ActiveContext, ActiveContext]:
        """The node's keys and their IRIs under the contexts its types scope (§5.1.2 steps
        10-11); returns them with the active context and the type-scoped context."""
        type_ctx = ctx
        keys: ExpandedKeys = {}
        for key in sorted(element):
            if key == "@context":
                continue
            expanded = keys[key] = self.cache.expand_iri(ctx, key, vocab=True)
            if expanded == "@type":
                for t in sorted(t for t in _as_list(element[key]) if isinstance(t, str)):
                    definition = _term(type_ctx, t)
                    if definition and definition.get("@context") is not None:
                        ctx = self.cache.process_scoped(ctx, type_ctx, t, propagate=False)
        if ctx is not type_ctx:  # keys expanded before a type-scoped context: expand again
            for key, keyword in keys.items():
                if keyword != "@type":
                    keys[key] = self.cache.expand_iri(ctx, key, vocab=True)
        return keys, ctx, type_ctx

    def _value_object_node(self, element: dict[str, Any], keys: ExpandedKeys,
                           ctx: ActiveContext, outer: ActiveContext,
                           active_property: str | None, path: str) -> Term | None:
        definition = _term(outer, active_property) if active_property else None
        if self.cache.compact_form and definition is not None and "@type" in definition:
            raise _not_compact(path, f"{active_property!r} already gives its values a "
                                     "type: write the plain value, not a value object")
        return self.value_object(element, keys, ctx, path)

    def _require_terms(self, keys: ExpandedKeys, ctx: ActiveContext,
                       type_ctx: ActiveContext, path: str) -> None:
        """Compact form: every key of a node object is a term of its contexts."""
        for key, expanded in keys.items():
            if _term(type_ctx, key) is None and (
                    expanded is None or expanded[:1] == "@"
                    or not _compact_name(self.cache, ctx, key, expanded)):
                raise _not_compact(f"{path}.{key}", f"{key[:120]!r} is not a term of the "
                                                    "document's contexts")

    def _subject_and_properties(self, element: dict[str, Any], keys: ExpandedKeys,
                                ctx: ActiveContext, path: str
                                ) -> tuple[Term | None, list[tuple[str, str]]]:
        """The node's @id (§5.1.2 step 13.4.3) and the keys that become properties or a
        graph; safe mode refuses undefined and unsupported keys."""
        subject: Term | None = None
        props: list[tuple[str, str]] = []
        for key, expanded in keys.items():
            where = f"{path}.{key}"
            if expanded is None or not (expanded.startswith("@") or self._is_absolute(expanded)):
                raise UndefinedTermError(
                    f"{where}: the property {key!r} is not defined by the document's contexts")
            if expanded == "@id":
                subject = self.expand_id(ctx, element[key], where)
            elif expanded in ("@type", "@context", "@index"):
                continue
            elif expanded == "@graph":
                props.append((key, expanded))
            elif expanded.startswith("@"):
                raise ContextError(f"{where}: the JSON-LD keyword {expanded} is not "
                                   "supported in credentials")
            elif expanded.startswith("_:"):
                raise UndefinedTermError(f"{where}: {key!r} expands to a blank node property")
            else:
                props.append((key, expanded))
        if any(e == "@graph" for _, e in props) and (subject is not None or len(props) > 1):
            raise ContextError(f"{path}: named graphs (@graph beside other properties) are "
                               "not supported in credentials")
        return subject, props

    def _emit_types(self, element: dict[str, Any], keys: ExpandedKeys, subject: Term,
                    type_ctx: ActiveContext, graph: Term | None, path: str) -> None:
        """rdf:type quads (Object to RDF, §8.1.2 step 1.3.2.3), types expanded in the
        context around the node (§5.1.2 step 13.4.4)."""
        for key, expanded in keys.items():
            if expanded == "@type":
                for t in _as_list(element[key]):
                    self.quads.append((subject, ("iri", RDF_TYPE),
                                       self.expand_vocab(type_ctx, t, f"{path}.{key}"), graph))

    def property(self, subject: Term, key: str, predicate: str, value: object,
                 ctx: ActiveContext, graph: Term | None, where: str, depth: int) -> None:
        """The quads of one property of a node (§5.1.2 step 13.7 onwards, §8.1.2)."""
        td = _term(ctx, key) or {}
        if td.get("reverse"):
            raise ContextError(f"{where}: reverse properties are not supported in credentials")
        if td.get("@type") == "@json":
            # Expansion §5.1.2 step 13.7.4: a JSON literal is the whole value, arrays included
            if value is not None:
                self.quads.append((subject, ("iri", predicate), self.json_literal(value), graph))
            return
        term_ctx = ctx
        if td.get("@context") is not None:
            term_ctx = self.cache.process_scoped(ctx, ctx, key, override_protected=True)
        container = td.get("@container") or ()
        if isinstance(value, dict) and any(c in container for c in
                                           ("@language", "@index", "@id", "@type")):
            raise ContextError(f"{where}: JSON-LD maps ({'/'.join(container)}) are not "
                               "supported in credentials")
        pred = ("iri", predicate)
        if "@list" in container:
            head = self.rdf_list(_as_list(value), term_ctx, key, graph, where, depth, ctx)
            self.quads.append((subject, pred, head, graph))
            return
        is_graph = "@graph" in container
        for item in _as_list(value):
            if item is None:
                continue
            if isinstance(item, list):
                raise ContextError(f"{where}: nested arrays are lists of lists, not supported")
            if is_graph:
                if not isinstance(item, dict):
                    # a string in a @graph container is an IRI reference (§5.3.2 step 4)
                    obj = self.value(item, term_ctx, key, graph, where, depth)
                    if obj is not None:
                        self.quads.append((subject, pred, obj, graph))
                    continue
                name = self.fresh()
                self.node(item, term_ctx, key, name, where, depth + 1, from_ctx=ctx)
                self.quads.append((subject, pred, name, graph))
                continue
            obj = self.value(item, term_ctx, key, graph, where, depth, from_ctx=ctx)
            if obj is not None:
                self.quads.append((subject, pred, obj, graph))

    def value(self, item: object, ctx: ActiveContext, key: str, graph: Term | None, where: str,
              depth: int, from_ctx: ActiveContext | None = None) -> Term | None:
        if isinstance(item, dict):
            lk = next((k for k in item if k == "@list" or (
                len(item) == 1 and self.cache.expand_iri(ctx, k, vocab=True) == "@list")), None)
            if lk is not None:
                if len(item) != 1:
                    raise ContextError(f"{where}: a list object may only hold @list")
                inner = item[lk]
                return self.rdf_list(_as_list(inner), ctx, key, graph, where, depth, ctx)
            return self.node(item, ctx, key, graph, where, depth + 1, from_ctx=from_ctx)
        td = _term(ctx, key) or {}
        coerce = td.get("@type")
        if isinstance(item, str) and coerce == "@id":
            return self.expand_id(ctx, item, where)
        if isinstance(item, str) and coerce == "@vocab":
            return self.expand_vocab_value(ctx, item, where)
        if coerce == "@json":
            return self.json_literal(item)
        if coerce in ("@none",):
            coerce = None
        if coerce is not None:
            return _literal(item, coerce, None, where)
        if isinstance(item, str):
            lang = td["@language"] if "@language" in td else ctx.get("@language")
            return _literal(item, None, lang, where)
        return _literal(item, None, None, where)

    def value_object(self, element: dict[str, Any], keys: ExpandedKeys, ctx: ActiveContext,
                     path: str) -> Term | None:
        # Expansion §5.1.2 step 15: a value object has @value plus @type or @language/@direction
        parts: dict[str, object] = {}
        for key, kw in keys.items():
            if kw is None or kw not in ("@value", "@type", "@language", "@direction", "@index"):
                raise ContextError(f"{path}: a value object cannot contain {key!r}")
            parts[kw] = element[key]
        value = parts["@value"]
        compact = self.cache.compact_form
        if compact and ("@direction" in parts or "@index" in parts):
            # RDFC-1.0 as used by the cryptosuites drops @direction and @index: a signature
            # would not cover them, so they are refused rather than shown unsigned
            raise _not_compact(path, "@direction and @index are not covered by the signature")
        if value is None:
            return None
        dtype = parts.get("@type")
        if compact and dtype is None and "@language" not in parts:
            raise _not_compact(path, "a value object with only @value: write the plain value")
        if dtype is not None and ("@language" in parts or "@direction" in parts):
            raise ContextError(f"{path}: a value object cannot have both @type and @language")
        if dtype is not None:
            if not isinstance(dtype, str):
                raise ContextError(f"{path}: @type of a value object must be a string")
            expanded = self.cache.expand_iri(ctx, dtype, vocab=True)
            if expanded == "@json":
                return self.json_literal(value)
            if expanded is None or expanded.startswith("_:") or not self._is_absolute(expanded):
                raise UndefinedTermError(f"{path}: datatype {dtype!r} is not an absolute IRI")
            if isinstance(value, (dict, list)):
                raise ContextError(f"{path}: @value must not be an object or an array")
            if compact and expanded in _NATIVE_DATATYPES:
                raise _not_compact(path, f"a value typed {dtype!r} is a plain JSON value")
            return _literal(value, expanded, None, path)
        if isinstance(value, (dict, list)):
            raise ContextError(f"{path}: @value must not be an object or an array")
        lang = parts.get("@language")
        direction = parts.get("@direction")
        if direction is not None and direction not in ("ltr", "rtl"):
            raise ContextError(f"{path}: @direction must be 'ltr' or 'rtl'")
        if lang is not None:
            if not isinstance(value, str):
                raise ContextError(f"{path}: only strings may be language-tagged")
            if not isinstance(lang, str) or not _LANGUAGE_TAG.match(lang):
                raise ContextError(f"{path}: {lang!r} is not a valid BCP47 language tag")
            lang = lang.lower()  # Expansion §5.1.2 step 13.4.8.2 lowercases the tag
        return _literal(value, None, lang, path)

    def rdf_list(self, items: list[Any], ctx: ActiveContext, key: str, graph: Term | None,
                 where: str, depth: int, outer: ActiveContext) -> Term:
        # Deserialize JSON-LD to RDF §8.1.2, List Conversion (§8.1.4)
        terms: list[Term] = []
        for item in items:
            if item is None:
                continue
            if isinstance(item, list):
                raise ContextError(f"{where}: lists of lists are not supported")
            t = self.value(item, ctx, key, graph, where, depth, from_ctx=outer)
            if t is not None:
                terms.append(t)
        if not terms:
            return ("iri", RDF_NIL)
        nodes = [self.fresh() for _ in terms]
        for i, (node, t) in enumerate(zip(nodes, terms, strict=True)):
            self.quads.append((node, ("iri", RDF_FIRST), t, graph))
            rest = nodes[i + 1] if i + 1 < len(nodes) else ("iri", RDF_NIL)
            self.quads.append((node, ("iri", RDF_REST), rest, graph))
        return nodes[0]


def _canonical_double(value: float) -> str:
    # JSON-LD 1.1 API §8.6 (Object to RDF): xsd:double canonical form, e.g. 1.1E0, 1.0E21
    text = f"{value:.15E}"
    mantissa, exp = text.split("E")
    mantissa = mantissa.rstrip("0")
    if mantissa.endswith("."):
        mantissa += "0"
    return f"{mantissa}E{int(exp)}"


def _literal(value: object, datatype: str | None, language: str | None, where: str) -> Term:
    # Object to RDF Conversion (JSON-LD 1.1 API §8.1.5 / §8.6)
    if isinstance(value, bool):
        return ("literal", "true" if value else "false", datatype or XSD_BOOLEAN, None)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise MalformedInputError(f"{where}: NaN and Infinity are not JSON numbers")
        if value.is_integer() and abs(value) < 1e21 and datatype != XSD_DOUBLE:
            return ("literal", str(int(value)), datatype or XSD_INTEGER, None)
        return ("literal", _canonical_double(value), datatype or XSD_DOUBLE, None)
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalizationError(
                f"{where}: the integer {value} is outside the range a JSON number can carry "
                "exactly (±2^53-1); write it as a string")
        if datatype == XSD_DOUBLE or abs(value) >= 10**21:
            return ("literal", _canonical_double(float(value)), datatype or XSD_DOUBLE, None)
        return ("literal", str(value), datatype or XSD_INTEGER, None)
    if isinstance(value, str):
        if language is not None and datatype is None:
            return ("literal", value, RDF_LANGSTRING, language)
        return ("literal", value, datatype or XSD_STRING, None)
    raise MalformedInputError(f"{where}: unsupported value of type {type(value).__name__}")


def _json_literal(value: Any) -> Term:
    return ("literal", canonicalize(value).decode("utf-8"), RDF_JSON, None)


def walk(document: dict[str, Any], cache: ContextCache) -> list[Quad]:
    """The full strict walk of a document (what `to_rdf` replays from a plan when it can)."""
    walker = Walker(cache)
    walker.node(document, cache.initial, None, None, "$", 0)
    return walker.quads
