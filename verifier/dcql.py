"""DCQL on the verifier's side (OpenID4VP 1.0 §6): does a wallet's `vp_token` answer the query?

- `presentations_by_query` reads the VP Token (§8.1: an object keyed by Credential Query id,
  each value a non-empty array, one element unless `multiple`), refuses ids the query does not
  have, and checks that the Credential Set Queries are met (§6.2: each required set by one of
  its options; without sets, every Credential Query).
- `missing_claims` applies each Claims Query's path (§7.1, claims path pointers on JSON-based
  credentials) to what the verifier verified, and names the claims not there (§6.4.1: all of
  `claims`, or one option of `claim_sets`).
- `types_match` compares a W3C credential's types with `meta.type_values` (Appendix B.1.1).

Every `DcqlError` message says what is wrong, for the wallet and the employer.
"""
from collections.abc import Iterable, Mapping
from typing import Any

MAX_PRESENTATIONS = 16


class DcqlError(ValueError):
    """The VP Token does not answer the DCQL query."""


def credential_queries(query: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in query.get("credentials") or []
            if isinstance(q, dict) and isinstance(q.get("id"), str)}


def _required_sets(query: Mapping[str, Any]) -> list[list[list[str]]]:
    sets = query.get("credential_sets")
    if not sets:
        return [[[i]] for i in credential_queries(query)]
    return [[list(o) for o in s["options"]] for s in sets if s.get("required", True)]


def presentations_by_query(vp_token: object,
                           query: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The presentations of each answered Credential Query, or DcqlError."""
    if not isinstance(vp_token, dict) or not vp_token:
        raise DcqlError("vp_token is not a JSON object keyed by the ids of the credential "
                        "queries (OpenID4VP 1.0 §8.1)")
    queries = credential_queries(query)
    answered: dict[str, list[Any]] = {}
    for key, value in vp_token.items():
        if key not in queries:
            raise DcqlError(f"vp_token answers {str(key)[:60]!r}, which this request did not "
                            "ask for")
        if not isinstance(value, list) or not value:
            raise DcqlError(f"the presentations for {key!r} are not a non-empty array")
        if len(value) > (MAX_PRESENTATIONS if queries[key].get("multiple") else 1):
            raise DcqlError(f"more presentations for {key!r} than the request allows")
        answered[key] = value
    for options in _required_sets(query):
        if not any(all(i in answered for i in option) for option in options):
            wanted = " or ".join("+".join(o) for o in options)
            raise DcqlError(f"the answer does not include a requested credential ({wanted})")
    return answered


def select(credential: object, path: Iterable[object]) -> list[Any]:
    """§7.1.1: the elements the claims path pointer selects; empty when the claim is absent.
    Raises DcqlError for a path that does not fit the credential's shape."""
    selected: list[Any] = [credential]
    for component in path:
        if isinstance(component, str):
            if not all(isinstance(e, dict) for e in selected):
                raise DcqlError(f"the claim path element {component!r} is applied to a "
                                "non-object")
            selected = [e[component] for e in selected if component in e]
        elif component is None:
            if not all(isinstance(e, list) for e in selected):
                raise DcqlError("the claim path selects all elements of a non-array")
            selected = [item for e in selected for item in e]
        elif isinstance(component, int) and not isinstance(component, bool) and component >= 0:
            if not all(isinstance(e, list) for e in selected):
                raise DcqlError("the claim path indexes a non-array")
            selected = [e[component] for e in selected if component < len(e)]
        else:
            raise DcqlError(f"the claim path has an invalid element {component!r}")
    return selected


def _label(path: Iterable[object]) -> str:
    return ".".join("*" if p is None else str(p) for p in path)


def missing_claims(claims: Mapping[str, Any], credential_query: Mapping[str, Any]) -> list[str]:
    """The requested claims (dotted paths) that `claims` does not hold; empty when every claim
    of `claims` (or of one option of `claim_sets`) is present."""
    queries = [c for c in credential_query.get("claims") or [] if isinstance(c, dict)]

    def absent(claim: Mapping[str, Any]) -> bool:
        try:
            return not select(claims, claim["path"])
        except DcqlError:
            return True

    missing = {c.get("id"): _label(c["path"]) for c in queries if absent(c)}
    claim_sets = credential_query.get("claim_sets")
    if not claim_sets:
        return list(missing.values())
    for option in claim_sets:
        if not any(i in missing for i in option):
            return []
    return [missing[i] for i in claim_sets[0] if i in missing]


def types_match(expanded_types: Iterable[str], credential_query: Mapping[str, Any]) -> bool:
    """Appendix B.1.1: one alternative of `meta.type_values` is wholly among the types."""
    have = set(expanded_types)
    alternatives = (credential_query.get("meta") or {}).get("type_values") or []
    return any(set(alternative) <= have for alternative in alternatives)
