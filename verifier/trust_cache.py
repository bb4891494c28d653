"""A trust source remembered for a few seconds, so a busy verifier does not ask the registry
twice a request; a change in the registry shows within `ttl_seconds`. Failures are not
remembered (the next request asks again)."""
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import cast

from vc.trust import Recognition, TrustedIssuer, TrustSource

MAX_ENTRIES = 4096


class RecentTrustSource:
    def __init__(self, inner: TrustSource, ttl_seconds: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: OrderedDict[tuple[str | None, ...], tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def _remembered[T](self, key: tuple[str | None, ...], ask: Callable[[], T]) -> T:
        now = self._clock()
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            # stored from `ask` under this same key, whose first item names the question
            return cast(T, hit[1])
        value = ask()  # TrustSourceUnavailable propagates and is not remembered
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return value

    def issuer(self, did: str) -> TrustedIssuer | None:
        return self._remembered(("issuer", did), lambda: self.inner.issuer(did))

    def recognitions(self, achievement_id: str,
                     country: str | None = None) -> list[Recognition]:
        return list(self._remembered(("recognitions", achievement_id, country),
                                     lambda: self.inner.recognitions(achievement_id, country)))
