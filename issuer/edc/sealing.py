"""The seam where an EDC gets the body's electronic seal (JAdES baseline B-T, ETSI TS 119
182-1; `issuer.seal`, `vc.jades.seal`).

`Seal` turns an unsealed EDC into what the holder keeps: the JWS JSON serialisation whose
`payload` is the EDC. `unsealed` hands the EDC out as built (tests of the builder, tools);
`SealOnFirstUse` opens the deployment's seal (a token login, or the demo seal made in the
data directory) when the first EDC is sealed, once per process, so that commands that never
seal never open a token.
"""
import json
import threading
from collections.abc import Callable
from typing import Any

Seal = Callable[[dict[str, Any]], dict[str, Any]]


def unsealed(edc: dict[str, Any]) -> dict[str, Any]:
    """No seal: the EDC as built."""
    return edc


def sealed_payload(sealed: dict[str, Any]) -> dict[str, Any]:
    """The EDC inside a seal (RFC 7797 unencoded payload); an unsealed EDC as it is."""
    payload = sealed.get("payload")
    return json.loads(payload) if isinstance(payload, str) and "signatures" in sealed \
        else sealed


class SealOnFirstUse:
    """A seal opened by `opener` on first use, then kept (thread-safe)."""

    def __init__(self, opener: Callable[[], Seal]) -> None:
        self._opener = opener
        self._seal: Seal | None = None
        self._lock = threading.Lock()

    def __call__(self, edc: dict[str, Any]) -> dict[str, Any]:
        seal = self._seal
        if seal is None:
            with self._lock:
                if self._seal is None:
                    self._seal = self._opener()
                seal = self._seal
        return seal(edc)
