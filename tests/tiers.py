"""The test tiers: which real outside part a test drives (a browser, a PostgreSQL or Redis
server, an ACA-Py agent, node), found from the code it runs, so that a new test is put in
its tier without anyone marking it.

A test's tiers are read from the source of the test function, of every fixture it uses
(directly or through other fixtures), and of the functions and classes of tests/ that these
reach by name (a module's helper, `oid4vci_wallet.issue`, ...), each searched for the calls
that start such a part (`throwaway.postgres()`, `["node", ...]`, `sync_playwright()`, ...).
An explicit `@pytest.mark.<tier>` adds to what is found (`slow`, for a test long on its own).

`make test-fast` deselects every tier (`-m "not (browser or postgres or ...)"`); `make test`
runs them all, and under CI a skipped test fails (conftest.py), so no tier can silently
drop out of a green run."""
import inspect
import os
import re
import types
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent

TIERS: dict[str, str] = {
    "browser": "drives Debian's chromium through Playwright",
    "postgres": "starts a throwaway PostgreSQL cluster",
    "redis": "starts a throwaway Redis server",
    "acapy": "starts real ACA-Py agents",
    "node": "runs an independent implementation under node (npm packages of tests/)",
    "slow": "starts s4c itself in another process, or takes long on its own",
}

# What starts each part, in the source of a test, a fixture or a helper of tests/. `slow`
# also has a sign: starting s4c itself in another process (a server, a job worker, the
# command line), each a fresh Python that imports all of s4c and prepares its data.
SIGNS: dict[str, re.Pattern[str]] = {
    "slow": re.compile(r"""\[\s*\*?S4C\b|["']-m["'],\s*["']web\.cli["']|\bstart_worker_process\b"""
                       r"""|\bjob_workers\.worker\b|\bstart_server\b"""),
    "browser": re.compile(r"\bsync_playwright\b|\bplaywright\.sync_api\b|\bCHROMIUM\b"),
    "postgres": re.compile(r"\bthrowaway\.(?:postgres|postgres_cluster)\b|\bpostgres_available\b"),
    "redis": re.compile(r"\bthrowaway\.redis\b|\bredis_available\b"),
    "acapy": re.compile(r"\btemporary_agent\b|\bAgentProcess\b|\baries_world\b"),
    # node itself, or an npm tool of tests/ (mocha of the conformance suites)
    "node": re.compile(r"""\[\s*["']node["']|\bshutil\.which\(\s*["']node["']|["']\.bin["']"""),
}

# The per-test timeout (pytest-timeout) of a test in each tier: generous, since the machine
# running the suite may be busy; a test that hangs still ends, with a traceback of where.
TIER_TIMEOUT_S = {"browser": 600, "postgres": 600, "redis": 600, "acapy": 900, "node": 600,
                  "slow": 1200}


def _in_tests(obj: object) -> bool:
    try:
        source = inspect.getsourcefile(obj)  # type: ignore[arg-type]
    except TypeError:
        return False
    return source is not None and Path(source).resolve().is_relative_to(TESTS_DIR)


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


@cache
def _reached(obj: object) -> tuple[frozenset[str], tuple[object, ...]]:
    """(tiers whose signs are in obj's own source, the tests/ functions and classes it
    names)."""
    try:
        source = inspect.getsource(obj)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return frozenset(), ()
    found = frozenset(tier for tier, sign in SIGNS.items() if sign.search(source))
    functions = [obj] if inspect.isfunction(obj) else [
        f for f in vars(obj).values() if inspect.isfunction(f)] if inspect.isclass(obj) else []
    reached: list[object] = []
    for function in functions:
        names = _code_names(function.__code__)
        scope = function.__globals__
        for name in names:
            target = scope.get(name)
            if isinstance(target, types.ModuleType) and _in_tests(target):
                reached += [getattr(target, attr) for attr in names
                            if _is_own(getattr(target, attr, None), target)]
            elif (inspect.isfunction(target) or inspect.isclass(target)) and _in_tests(target):
                reached.append(target)
    return found, tuple(reached)


def _is_own(obj: object, module: types.ModuleType) -> bool:
    return (inspect.isfunction(obj) or inspect.isclass(obj)) \
        and getattr(obj, "__module__", None) == module.__name__


def tiers_of(functions: Iterable[Callable]) -> set[str]:
    """Every tier whose signs are in these functions or in what they reach in tests/."""
    tiers: set[str] = set()
    seen: set[int] = set()
    todo = [inspect.unwrap(f) for f in functions]
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        found, reached = _reached(obj)
        tiers |= found
        todo.extend(reached)
    return tiers


def on_ci() -> bool:
    return os.environ.get("CI") == "true"


def named_fixtures(function: Callable) -> set[str]:
    """The fixtures a function asks for by name at run time (`request.getfixturevalue(name)`,
    e.g. one per parameter): every string constant it holds; the caller keeps the names that
    are fixtures. A test then counts in the tiers of each of them."""
    code = inspect.unwrap(function).__code__
    if "getfixturevalue" not in _code_names(code):
        return set()
    return _strings(code)


def _strings(code: types.CodeType) -> set[str]:
    found = {c for c in code.co_consts if isinstance(c, str) and c.isidentifier()}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _strings(const)
    return found
