"""Shared test fixtures: where the W3C conformance vectors live."""

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def vectors_dir() -> Path | None:
    """The W3C vectors folder: $S4C_VECTORS if set, else ../shared/vectors from the project root."""
    candidates = []
    if os.environ.get("S4C_VECTORS"):
        candidates.append(Path(os.environ["S4C_VECTORS"]))
    candidates.append(PROJECT_ROOT.parent / "shared" / "vectors")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


@pytest.fixture
def vectors() -> Path:
    found = vectors_dir()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the W3C vector tests: ../shared/vectors is missing")
        pytest.skip("W3C vectors not found at ../shared/vectors or $S4C_VECTORS")
    return found


EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


@pytest.fixture
def examples_store(vectors: Path):
    """The pinned contexts plus the W3C examples context the vectors use."""
    from vc.contexts import ContextStore

    return ContextStore({EXAMPLES_V2: vectors / "contexts" / "credentials-examples-v2.jsonld"})


def leaf_paths(value, path=()):
    """Every path to a scalar in a JSON value (for the single-change tamper tests)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaf_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaf_paths(v, (*path, i))
    else:
        yield path
