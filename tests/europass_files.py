"""Where the EU's ELM files live for the tests: $S4C_EUROPASS when set (and then only it),
else ../shared/europass from the project root. Without them a test is skipped on a
developer's machine and fails under CI (CI=true), like the W3C vectors."""
import os
from pathlib import Path

import pytest
from tiers import on_ci

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def europass_dir() -> Path | None:
    configured = os.environ.get("S4C_EUROPASS")
    candidate = Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "europass"
    return candidate if (candidate / "elm").is_dir() else None


def europass_or_skip() -> Path:
    """The europass folder (holding elm/), or a skip (a failure under CI)."""
    found = europass_dir()
    if found is None:
        where = os.environ.get("S4C_EUROPASS") or "../shared/europass"
        reason = f"the EU's ELM files are missing: {where} has no elm/ (set S4C_EUROPASS)"
        if on_ci():
            pytest.fail(f"CI must run the ELM tests: {reason}", pytrace=False)
        pytest.skip(reason)
    return found
