"""axe-core in a Playwright page: the accessibility findings a browser test must not leave.

axe-core is installed from npm into tests/a11y (pinned by its package-lock.json, by
`.ci/install-test-deps`). Reuse it from any page's browser test:

    from axe import axe_findings
    assert axe_findings(page) == []

No helpers here beyond that; a test asserts what it needs.
"""
import os
from pathlib import Path

import pytest

AXE_FILE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_script() -> str:
    """axe-core's source; a clear failure (in CI) or skip (elsewhere) when not installed."""
    if not AXE_FILE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install axe-core: npm ci --prefix tests/a11y")
        pytest.skip("axe-core is not installed: npm ci --prefix tests/a11y")
    return AXE_FILE.read_text(encoding="utf-8")


def axe_findings(page, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    """Every axe-core violation of the page as it is now, of the given impacts (serious and
    critical by default), one line each: rule, impact, the first offending elements."""
    # evaluated through the DevTools protocol, which the page's CSP (no inline script) allows
    page.evaluate(axe_script() + "\n;undefined")
    results = page.evaluate("""async () => await axe.run(document, {
        resultTypes: ["violations"],
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                        "wcag22aa", "best-practice"]}})""")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in results["violations"] if v.get("impact") in impacts]
