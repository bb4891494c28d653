"""A bounded mapping that forgets its least recently used entry first.

The JSON-LD engine memoises what repeats across documents (processed contexts, expanded
IRIs, RDF plans, proof configurations); each memo is one of these, owned by the
`ContextCache` it belongs to, so that its size is bounded and its lifetime is the cache's.
"""
from collections import OrderedDict
from collections.abc import Hashable


class LRU[K: Hashable, V]:
    """At most `maxsize` entries; a hit makes its entry the most recently used.

    Safe to share between threads: each step is one operation of the C OrderedDict, and an
    entry another thread evicted in between is simply a miss.
    """

    __slots__ = ("_data", "maxsize")

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("an LRU holds at least one entry")
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, default: V | None = None) -> V | None:
        data = self._data
        try:
            value = data[key]
            data.move_to_end(key)
        except KeyError:
            return default
        return value

    def __contains__(self, key: K) -> bool:
        return key in self._data

    def __setitem__(self, key: K, value: V) -> None:
        data = self._data
        data[key] = value
        try:
            data.move_to_end(key)
            if len(data) > self.maxsize:
                data.popitem(last=False)
        except KeyError:
            pass  # evicted meanwhile by another thread

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        self._data.clear()
