"""Shared test fixtures and the suite's rules.

- Tiers (tests/tiers.py): every test that drives a browser, PostgreSQL, Redis, ACA-Py or
  node is marked so when it is collected, from the code it runs; `make test-fast` leaves
  those out, `make test` runs everything.
- Under CI (CI=true) a skipped test is a failure: a tier whose tools are missing must not
  pass as a green run.
- Every test has a timeout (pytest-timeout; pyproject.toml sets the default, a tier more).
- The W3C vectors: `vectors`, `examples_store` (tests/w3c_vectors.py)."""
from pathlib import Path

import pytest
from tiers import TIER_TIMEOUT_S, TIERS, named_fixtures, on_ci, tiers_of
from w3c_vectors import missing_vectors_reason, vectors_dir

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        function = getattr(item, "function", None)
        if function is None:
            continue
        fixtures = _fixture_functions(item, function)
        marked = {mark.name for mark in item.iter_markers() if mark.name in TIERS}
        found = tiers_of([function, *fixtures])
        for tier in sorted(found - marked):
            item.add_marker(getattr(pytest.mark, tier))
        tiers = found | marked
        if tiers and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(max(TIER_TIMEOUT_S[t] for t in tiers)))


def _fixture_functions(item: pytest.Item, function) -> list:
    """The functions of every fixture the test uses: those it names, those they name, and
    those asked for at run time by name (`request.getfixturevalue`)."""
    manager = item.session._fixturemanager
    functions: list = []
    todo = [*item.fixturenames, *named_fixtures(function)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for definition in manager.getfixturedefs(name, item) or ():
            functions.append(definition.func)
            todo += [*definition.argnames, *named_fixtures(definition.func)]
    return functions


def _skipped_on_ci(report: pytest.TestReport | pytest.CollectReport, what: str) -> None:
    if on_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        reason = str(reason).removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"CI runs every tier, and {what} was skipped: {reason}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    _skipped_on_ci(report, "this test")
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    report = yield
    _skipped_on_ci(report, "this module")
    return report


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
