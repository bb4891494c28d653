"""Where the W3C conformance vectors live, and the cases of a test driven by them.

Without the vectors a vector-driven test is skipped with the reason, on a developer's
machine; under CI (CI=true) it fails, at collection where the cases come from the vector
files, so a missing or shrunken vector set can never pass as a green run."""
import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from tiers import on_ci

PROJECT_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["PROJECT_ROOT", "missing_vectors_reason", "on_ci", "vector_cases", "vectors_dir"]


def vectors_dir() -> Path | None:
    """The W3C vectors folder: $S4C_VECTORS when set (and then only it), else
    ../shared/vectors from the project root; None when it is not a folder."""
    configured = os.environ.get("S4C_VECTORS")
    candidate = Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "vectors"
    return candidate if candidate.is_dir() else None


def missing_vectors_reason() -> str:
    configured = os.environ.get("S4C_VECTORS")
    where = f"$S4C_VECTORS ({configured})" if configured else "../shared/vectors"
    return (f"the W3C vectors are missing: {where} is not a folder "
            "(README, Conformance: set S4C_VECTORS to where they are)")


def vector_cases(cases: Sequence[str], minimum: int, what: str) -> list:
    """The parameters of a test driven by the vector files, checked when it is collected.

    Without the vectors: one placeholder that is skipped with the reason, or under CI a
    collection error. With fewer than `minimum` cases (today's count: the vector set is
    pinned) a collection error too, since a test that shrank stopped testing."""
    if vectors_dir() is None:
        if on_ci():
            pytest.fail(f"CI must run the W3C vector tests: {missing_vectors_reason()}",
                        pytrace=False)
        return [pytest.param("no-vectors", marks=pytest.mark.skip(
            reason=missing_vectors_reason()))]
    if len(cases) < minimum:
        pytest.fail(f"{len(cases)} {what} in the W3C vectors, expected at least {minimum}: "
                    "the vector set is incomplete", pytrace=False)
    return list(cases)
