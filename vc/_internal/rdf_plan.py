"""Compiled plans for the JSON-LD to RDF walk: one strict walk per document shape.

Documents of one kind (every role credential of an issuer, every status list) differ only
in their string values. A plan is recorded by walking a proxy of the document whose string
leaves are replaced by unforgeable slot markers; the quads it yields are a template in
which each term is a constant or a slot. Replaying the template for another document of
the same shape substitutes its strings, checking each id as the walk would (absolute IRI,
blank node labels), which gives the same quads as `vc._internal.jsonld_walk.walk` at a
fraction of the cost. The shape keeps everything that steers the walk: keys, types,
contexts, keyword values, numbers and booleans, list lengths, value kinds. Plans are kept
in the ContextCache's bounded `plans` LRU.
"""
import secrets
from typing import Any

from vc._internal.context_cache import ContextCache
from vc._internal.jsonld_walk import MAX_DEPTH, Walker, walk
from vc._internal.pyld_adapter import ActiveContext
from vc._internal.rdf_terms import Quad, Term
from vc.errors import MalformedInputError

SLOT = f"s4c-slot-{secrets.token_hex(8)}:"  # per process: a document cannot forge it
_CONSTANT_KEYS = frozenset({"type", "@type", "@context", "proofPurpose"})


class _NoPlan(Exception):
    """This shape cannot be replayed (e.g. it embeds @json values): walk it every time."""


def decompose(value: object, leaves: list[str], proxy: bool,
              depth: int = 0) -> tuple[object, object]:
    """(shape, proxy document): string leaves go to `leaves` (DFS order) or become slots."""
    if not proxy:
        return _shape(value, leaves, 0), None
    return _shape(value, [], 0), _proxy(value, [0], 0)


def _constant(v: object) -> object:
    # the value itself where hashable and unambiguous; type-tagged so True != 1 != 1.0
    if v.__class__ is str:
        return v
    if v.__class__ is list and all(x.__class__ is str for x in v):
        return ("strs", *v)
    return (v.__class__.__name__, repr(v))


def _shape(value: object, leaves: list[str], depth: int) -> object:
    """The walk-steering part of a document; its string leaves are appended to `leaves`."""
    if depth > MAX_DEPTH:
        raise MalformedInputError(f"the document is nested deeper than {MAX_DEPTH} levels")
    cls = value.__class__
    if cls is dict:
        shape: list[object] = []
        append = shape.append
        for k, v in value.items():  # type: ignore[attr-defined]
            vc = v.__class__
            if k in _CONSTANT_KEYS or k[:1] == "@":
                append((k, _constant(v)))
            elif vc is str:
                leaves.append(v)
                append(k)
            elif vc is dict or vc is list:
                append((k, _shape(v, leaves, depth + 1)))
            else:
                append((k, vc.__name__, repr(v)))
        return tuple(shape)
    if cls is list:
        shape = []
        for v in value:  # type: ignore[attr-defined]
            vc = v.__class__
            if vc is str:
                leaves.append(v)
                shape.append("")
            elif vc is dict or vc is list:
                shape.append(_shape(v, leaves, depth + 1))
            else:
                shape.append((vc.__name__, repr(v)))
        return ("list", *shape)
    if isinstance(value, (dict, list, str)):  # subclasses: normalise, then decompose
        return _shape(dict(value) if isinstance(value, dict) else list(value)
                      if isinstance(value, list) else str(value), leaves, depth)
    return (cls.__name__, repr(value))


def _proxy(value: object, counter: list[int], depth: int) -> object:
    """The document with each string leaf replaced by its slot marker (same DFS order)."""
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for k, v in value.items():
            if k in _CONSTANT_KEYS or k[:1] == "@":
                out[k] = v
            else:
                out[k] = _proxy(v, counter, depth + 1)
        return out
    if isinstance(value, list):
        return [_proxy(v, counter, depth + 1) for v in value]
    if isinstance(value, str):
        n = counter[0]
        counter[0] += 1
        return f"{SLOT}{n}"
    return value


Op = tuple[str, ActiveContext, str]  # how a slot became a term: ("id" | "vocab", ctx, where)
TemplateTerm = tuple[Any, ...]  # a term, ("slot", n, op, ctx, where) or ("slotlit", n, dt, lang)
Template = tuple[TemplateTerm | None, ...]
# quads as (template, its slots: (position, slot term)); described (node, graph, where)
Plan = tuple[list[tuple[Template, tuple[tuple[int, TemplateTerm], ...]]],
             list[tuple[TemplateTerm, TemplateTerm | None, str]]]


class _Tracer(Walker):
    """The walk over a proxy document, recording how each slot became a term."""

    def __init__(self, cache: ContextCache) -> None:
        super().__init__(cache)
        self.ops: dict[str, Op] = {}

    def expand_id(self, ctx: ActiveContext, value: object, where: str) -> Term:
        if isinstance(value, str) and value.startswith(SLOT):
            self.ops[value] = ("id", ctx, where)
            return ("iri", value)
        return super().expand_id(ctx, value, where)

    def expand_vocab_value(self, ctx: ActiveContext, value: str, where: str) -> Term:
        if value.startswith(SLOT):
            self.ops[value] = ("vocab", ctx, where)
            return ("iri", value)
        return super().expand_vocab_value(ctx, value, where)

    def json_literal(self, value: object) -> Term:
        raise _NoPlan()


class _Replayer(Walker):
    def fresh(self) -> Term:  # labels distinct from the template's own blank nodes
        self._counter += 1
        return ("bnode", f"r{self._counter}")


def _slot(text: str) -> int | None:
    return int(text[len(SLOT):]) if text.startswith(SLOT) else None


def _template_term(t: Term | None, ops: dict[str, Op]) -> TemplateTerm | None:
    if t is None or t[0] == "bnode":
        return t
    n = _slot(t[1])
    if n is None:
        if SLOT in t[1] or (t[0] == "literal" and t[2] and SLOT in t[2]):
            raise _NoPlan()
        return t
    if t[0] == "iri":
        op, ctx, where = ops[t[1]]
        return ("slot", n, op, ctx, where)
    return ("slotlit", n, t[2], t[3])


def _build(document: dict[str, Any], cache: ContextCache) -> Plan | None:
    _, proxy = decompose(document, [], True)
    tracer = _Tracer(cache)
    tracer.node(proxy, cache.initial, None, None, "$", 0)  # type: ignore[arg-type]
    try:
        quads = [tuple(_template_term(t, tracer.ops) for t in quad) for quad in tracer.quads]
        described = [(_template_term(node, tracer.ops), _template_term(graph, tracer.ops),
                      where) for node, graph, where in tracer.described]
    except _NoPlan:
        return None
    # each quad once with the positions to fill: a quad without slots is used as it is
    compiled = [(quad, tuple((i, t) for i, t in enumerate(quad)
                             if t is not None and t[0] in ("slot", "slotlit")))
                for quad in quads]
    return compiled, described  # type: ignore[return-value]


def _replay(plan: Plan, leaves: list[str], cache: ContextCache) -> list[Quad]:
    walker = _Replayer(cache)
    out: list[Quad] = []
    resolved: dict[int, Term] = {}
    templates, described = plan
    for quad, slots in templates:
        if not slots:
            out.append(quad)  # type: ignore[arg-type]
            continue
        terms = list(quad)
        for i, t in slots:
            if t[0] == "slotlit":
                terms[i] = ("literal", leaves[t[1]], t[2], t[3])
                continue
            term = resolved.get(t[1])
            if term is None:
                _, n, op, ctx, where = t
                term = walker.expand_id(ctx, leaves[n], where) if op == "id" else \
                    walker.expand_vocab_value(ctx, leaves[n], where)
                resolved[n] = term
            terms[i] = term
        out.append(tuple(terms))  # type: ignore[arg-type]
    if len(described) > 1 and cache.compact_form:  # each node described once per graph
        # a described node's id slot was resolved above (its own quads name it)
        keys = [(resolved[node[1]] if node[0] == "slot" else node,
                 graph if graph is None or graph[0] != "slot" else resolved[graph[1]])
                for node, graph, _ in described]
        if len(set(keys)) != len(keys):
            for (_, _, where), key in zip(described, keys, strict=True):
                walker.describe(*key, where)  # raises at the second description
    return out


def quads_by_plan(document: dict[str, Any], cache: ContextCache) -> list[Quad]:
    """`vc._internal.jsonld_walk.walk`, replayed from the plan of the document's shape when
    there is one."""
    leaves: list[str] = []
    shape, _ = decompose(document, leaves, False)
    hit = cache.plans.get(shape)
    if hit is None:
        try:
            plan = _build(document, cache)
        except _NoPlan:
            plan = None
        cache.plans[shape] = hit = (plan,)
    plan = hit[0]
    if plan is None:
        return walk(document, cache)
    return _replay(plan, leaves, cache)
