"""RDFC-1.0 blank node labelling (W3C Recommendation 2024, §4.3-§4.8), on rows of
serialized terms (blank nodes written `_:label`, literals in canonical N-Quads form).

Most credentials need only §4.6 Hash First Degree Quads: every blank node's hash is unique,
and identifiers are issued in hash order (§4.4 step 4). When blank nodes share a hash (a
presentation of several alike credentials, say), §4.8 Hash N-Degree Quads decides, bounded
as §6 asks against poison datasets. pyoxigraph 0.5's RDFC-1.0 labels some such datasets
differently from the reference implementations (rdf-canonize, pyld): a presentation signed
by ACA-Py then failed to verify. This module is checked against pyld in the tests.
"""
import collections
import hashlib
import math
from collections.abc import Callable, Iterator

from vc.errors import CanonicalizationError

MAX_N_DEGREE_CALLS = 2000  # §6: bound the work a poison dataset can cause
MAX_ARRANGEMENTS = 40320  # paths tried at once in §4.8 step 5.4 (8 distinct nodes: 8!)

Row = tuple[str, str, str, str | None]  # (subject, predicate, object, graph), serialized
LineOf = Callable[..., str]


class _Issuer:
    """§4.3 Issue Identifier Algorithm: identifiers kept in the order they were issued."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = {}

    def issue(self, node: str) -> str:
        found = self.issued.get(node)
        if found is None:
            found = self.issued[node] = f"{self.prefix}{len(self.issued)}"
        return found

    def copy(self) -> "_Issuer":
        twin = _Issuer(self.prefix)
        twin.issued = dict(self.issued)
        return twin


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class BlankNodeLabeller:
    """§4.4 Canonicalization Algorithm, steps 1-6: a canonical label per blank node."""

    def __init__(self, rows: list[Row], line: LineOf) -> None:
        self._line = line
        self.mentions: dict[str, list[Row]] = {}  # §4.4 step 2: blank node to quads map
        for row in rows:
            for i in (0, 2, 3):
                term = row[i]
                if term is not None and term[0] == "_":
                    quads_of = self.mentions.setdefault(term, [])
                    if not quads_of or quads_of[-1] is not row:
                        quads_of.append(row)
        self._canonical = _Issuer("_:c14n")
        self._first_degree: dict[str, str] = {}
        self._calls = 0

    def labels(self) -> dict[str, str]:
        by_hash: dict[str, list[str]] = {}
        for node in self.mentions:
            by_hash.setdefault(self._hash_first_degree(node), []).append(node)
        shared = []
        for digest in sorted(by_hash):  # step 4: the unique hashes, in code point order
            if len(by_hash[digest]) == 1:
                self._canonical.issue(by_hash[digest][0])
            else:
                shared.append(digest)
        for digest in shared:  # step 5: the others, by their n-degree hashes
            results = []
            for node in by_hash[digest]:
                if node in self._canonical.issued:
                    continue
                temporary = _Issuer("_:b")
                temporary.issue(node)
                results.append(self._hash_n_degree(node, temporary))
            for _, issuer in sorted(results, key=lambda result: result[0]):
                for node in issuer.issued:
                    self._canonical.issue(node)
        return self._canonical.issued

    def _hash_first_degree(self, node: str) -> str:
        """§4.6: the node's quads with itself as _:a and other blank nodes as _:z."""
        found = self._first_degree.get(node)
        if found is None:
            lines = sorted(self._line(*[("_:a" if t == node else "_:z")
                                        if t is not None and t[0] == "_" else t for t in row])
                           for row in self.mentions[node])
            found = self._first_degree[node] = _sha256("".join(lines))
        return found

    def _hash_related(self, related: str, row: Row, issuer: _Issuer, position: str) -> str:
        """§4.7 Hash Related Blank Node."""
        identifier = (self._canonical.issued.get(related) or issuer.issued.get(related)
                      or self._hash_first_degree(related))
        return _sha256(position + (row[1] if position != "g" else "") + identifier)

    def _hash_n_degree(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """§4.8 Hash N-Degree Quads."""
        self._calls += 1
        if self._calls > MAX_N_DEGREE_CALLS:
            raise CanonicalizationError(
                "the document's blank nodes are too alike to label within bounds "
                "(RDFC-1.0 §6, poison datasets)")
        groups: dict[str, list[str]] = {}  # step 1: related hash to blank nodes
        for row in self.mentions[node]:  # step 3
            for i, position in ((0, "s"), (2, "o"), (3, "g")):
                term = row[i]
                if term is not None and term[0] == "_" and term != node:
                    # once per quad, as the reference implementations (rdf-canonize, pyld)
                    # read "add a mapping": a node related through 4 quads is listed 4 times
                    groups.setdefault(self._hash_related(term, row, issuer, position),
                                      []).append(term)
        data = []
        for related_hash in sorted(groups):  # step 5
            data.append(related_hash)
            chosen_path, chosen_issuer = self._choose_path(groups[related_hash], issuer)
            data.append(chosen_path)
            issuer = chosen_issuer
        return _sha256("".join(data)), issuer

    def _choose_path(self, members: list[str], issuer: _Issuer) -> tuple[str, _Issuer]:
        """§4.8 step 5.4: the least path over every permutation of `members` (a multiset:
        permutations that only swap equal members give the same path, so each distinct
        arrangement is tried once)."""
        if _arrangements(members) > MAX_ARRANGEMENTS:
            raise CanonicalizationError(
                f"{len(set(members))} indistinguishable blank nodes: too many to label "
                "(RDFC-1.0 §6, poison datasets)")
        chosen_path, chosen_issuer = "", issuer
        for permutation in _distinct_permutations(sorted(members)):
            candidate = issuer.copy()
            path, recursion = "", []
            worse = False
            for related in permutation:
                if related in self._canonical.issued:
                    path += self._canonical.issued[related]
                else:
                    if related not in candidate.issued:
                        recursion.append(related)
                    path += candidate.issue(related)
                if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                    worse = True
                    break
            for related in [] if worse else recursion:
                result_hash, result_issuer = self._hash_n_degree(related, candidate)
                path += candidate.issue(related) + f"<{result_hash}>"
                candidate = result_issuer
                if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                    worse = True
                    break
            if not worse and (not chosen_path or path < chosen_path):
                chosen_path, chosen_issuer = path, candidate
        return chosen_path, chosen_issuer


def _arrangements(members: list[str]) -> int:
    """How many distinct orders a multiset has (the multinomial coefficient)."""
    count = math.factorial(len(members))
    for n in collections.Counter(members).values():
        count //= math.factorial(n)
    return count


def _distinct_permutations(items: list[str]) -> Iterator[tuple[str, ...]]:
    """Every distinct order of a sorted multiset, in lexicographic order (Narayana)."""
    current = list(items)
    while True:
        yield tuple(current)
        i = len(current) - 2
        while i >= 0 and current[i] >= current[i + 1]:
            i -= 1
        if i < 0:
            return
        j = len(current) - 1
        while current[j] <= current[i]:
            j -= 1
        current[i], current[j] = current[j], current[i]
        current[i + 1:] = reversed(current[i + 1:])
