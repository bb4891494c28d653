"""digitalbazaar's rdf-canonize (npm, pinned in tests/interop) as a long-lived process, so a
property-based test can compare many datasets with the reference RDFC-1.0 implementation."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent / "interop" / "rdf_canonize.mjs"


class RdfCanonize:
    def __init__(self) -> None:
        self._process = subprocess.Popen(
            ["node", str(SCRIPT)], cwd=SCRIPT.parent, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def canonize(self, nquads: str) -> str:
        assert self._process.stdin and self._process.stdout
        self._process.stdin.write(json.dumps(nquads) + "\n")
        self._process.stdin.flush()
        answer = json.loads(self._process.stdout.readline())
        if "error" in answer:
            raise ValueError(answer["error"])
        return answer["nquads"]

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)


def start() -> RdfCanonize:
    installed = (SCRIPT.parent / "node_modules" / "rdf-canonize").is_dir()
    if shutil.which("node") is None or not installed:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must compare RDFC-1.0 with rdf-canonize: run .ci/install-test-deps")
        pytest.skip("rdf-canonize is not installed (npm ci --prefix tests/interop)")
    return RdfCanonize()
