"""The seam where an EDC gets the body's electronic seal (JAdES, ETSI TS 119 182-1).

`Seal` turns an unsealed EDC into what the holder keeps. Until the body's seal is wired in
(`vc.jades.seal`, issue 25 "Seal them"), `unsealed` hands the EDC out as it is built: the
Europass profile accepts it for display, but nothing vouches for it until it is sealed.
"""
from collections.abc import Callable
from typing import Any

Seal = Callable[[dict[str, Any]], dict[str, Any]]


def unsealed(edc: dict[str, Any]) -> dict[str, Any]:
    """No seal: the EDC as built."""
    return edc
