"""Shared test fixtures: where the W3C conformance vectors live.

Without the vectors a vector-driven test is skipped with the reason, on a developer's
machine; under CI (CI=true) it fails, at collection where the cases come from the vector
files, so a missing or shrunken vector set can never pass as a green run."""

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from vc.checks import Check
from vc.findings import Finding

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def vectors_dir() -> Path | None:
    """The W3C vectors folder: $S4C_VECTORS when set (and then only it), else
    ../shared/vectors from the project root; None when it is not a folder."""
    configured = os.environ.get("S4C_VECTORS")
    candidate = Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "vectors"
    return candidate if candidate.is_dir() else None


def on_ci() -> bool:
    return os.environ.get("CI") == "true"


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


@pytest.fixture
def vectors() -> Path:
    found = vectors_dir()
    if found is None:
        if on_ci():
            pytest.fail(f"CI must run the W3C vector tests: {missing_vectors_reason()}",
                        pytrace=False)
        pytest.skip(missing_vectors_reason())
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


# the reason vc._internal.dataintegrity gives, either suite
SIGNATURE_MISMATCH = "proof.signature-mismatch"  # vc.codes.ProofCode.SIGNATURE_MISMATCH


def failed_checks(checks) -> dict[str, str]:
    """The failed checks by id, with what they found (the finding's code, params and detail,
    `vc.checks.Check.technical`): of `vc.verify`'s result, of a verifier report, or of either's
    JSON. A tamper test asserts WHICH check caught the change, and with which code."""
    failed = {}
    for c in checks:
        if isinstance(c, dict):
            found = Check(c["id"], c["outcome"], Finding.from_json(c))
            check_id, outcome, reason = c["id"], c["outcome"], found.technical
        else:
            check = getattr(c, "check", c)  # a verifier's ReportedCheck wraps a vc Check
            check_id, outcome, reason = check.id, check.outcome, check.technical
        if str(outcome) == "failed":
            failed[check_id] = reason
    return failed
