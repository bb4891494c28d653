"""`edc_seal_per_s` of `s4c bench`: European Digital Credentials built and sealed (JAdES B-T)
through a job queue, with each signature time-stamped by a TSA over HTTP on 127.0.0.1.

As a cohort's EDC export would run: a Huey queue (the embedded SQLite broker of
`web.wiring.job_queue`) and one worker process per core, each sealing chunks of EDCs with the
data directory's seal (the demo seal: RSA 2048, RS256 as the EU samples) and asking the
demo TSA, served by the benchmark process, for each seal's two time-stamps (adoTst over the
EDC, sigTst over the signature). No SHACL check:
that is measured apart. When the EDC builder (`issuer.edc.build`) is installed, each EDC is
built from a role credential (certificate picture included); otherwise a fixed EDC-sized
document is sealed, and `edc_seal_built` says which.

Run as `python -m tools.bench_seal JOBS_FILE WORKERS` it is the worker side.
"""
import base64
import hashlib
import importlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from huey import SqliteHuey
from huey.api import Huey, TaskWrapper
from huey.consumer import Consumer

from issuer.seal.demo import demo_tsa, ensure_demo_seal
from vc.jades.seal import dumps
from vc.tsa import serve_tsa
from web.wiring.settings import Settings

TASK = "s4c.bench.seal_edcs"
CHUNK = 25
_state: dict[str, Any] = {}  # the worker process's seal and builder, made once


def _queue(jobs_file: str) -> tuple[Huey, TaskWrapper]:
    huey = SqliteHuey("s4c-bench-seal", filename=jobs_file, results=True, utc=True)
    return huey, huey.task(name=TASK)(_seal_chunk)


_PICTURE = base64.b64encode(b"".join(hashlib.sha256(b"%d" % n).digest()
                                     for n in range(900))).decode()


def fixed_edc(i: int) -> dict[str, Any]:
    """An EDC-sized document (~40 KB, most of it a certificate picture, as a built EDC)."""
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1",
                     "http://data.europa.eu/snb/model/context/edc-ap"],
        "id": f"urn:credential:bench-{i}",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialSubject": {"id": f"urn:s4c:person:bench-{i}", "type": "Person",
                              "fullName": {"en": f"Candidate {i}"}},
        "displayParameter": {"type": "DisplayParameter", "individualDisplay": {
            "type": "IndividualDisplay", "displayDetail": {"type": "DisplayDetail", "page": 1,
                                                           "image": {"type": "MediaObject",
                                                                     "content": _PICTURE}}}},
        "issued": "2026-12-07T10:00:00Z", "validFrom": "2026-12-07T10:00:00Z",
    }


def _builder() -> tuple[Callable[[int], dict[str, Any]], bool]:
    """Builds the EDC of role credential i with `issuer.edc.build` when it is there."""
    try:
        build = importlib.import_module("issuer.edc.build")
        from schemas.framework import load_reference_framework

        framework = load_reference_framework()
        role = framework.roles[0].code
        body = build.AwardingBody(did="did:web:certify.example.eu",
                                  legal_name="Bench Certification Body (DEMO)",
                                  country="BE", legal_identifier="DEMO-0000000000",
                                  homepage="https://certify.example.eu")

        def built(i: int) -> dict[str, Any]:
            achievement = build.IssuedAchievement(
                credential_id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}", kind="role",
                code=role, holder_name=f"Candidate {i}", issued="2026-12-07T10:00:00Z",
                valid_from="2026-12-07T10:00:00Z", valid_until="2029-12-07T10:00:00Z")
            return dict(build.build_edc(achievement, framework, body))
        built(0)
        return built, True
    except (ImportError, AttributeError, TypeError, KeyError, IndexError):
        return fixed_edc, False


def _seal_chunk(start: int, count: int) -> tuple[int, str, float]:
    """Seals EDCs start..start+count-1 in this worker: the sealed files' total size, the
    first of them (the caller may check it) and the CPU seconds it took here."""
    if "seal" not in _state:
        from web.wiring.datadir import issuer_seal

        _state["seal"] = issuer_seal(Settings.from_environment())
        _state["build"] = _builder()[0]
    seal, build = _state["seal"], _state["build"]
    cpu = time.process_time()
    sealed = [dumps(seal(build(i))) for i in range(start, start + count)]
    return sum(len(text) for text in sealed), sealed[0], time.process_time() - cpu


def measure_edc_seal(count: int = 2000, workers: int = 2,
                     sample: list[str] | None = None) -> dict[str, Any]:
    """EDCs built and sealed per second through the queue, from the first enqueued chunk to
    the last result, after warm-up chunks. `sample` receives one sealed EDC."""
    with tempfile.TemporaryDirectory(prefix="s4c-seal-bench-") as tmp:
        env = {**os.environ, "S4C_DATA_DIR": str(Path(tmp) / "data"),
               "S4C_KEY_PASSPHRASE": "benchmark passphrase"}
        settings = Settings.from_environment(environ=env)
        passphrase = env["S4C_KEY_PASSPHRASE"].encode()
        files = ensure_demo_seal(settings.data_dir, settings.issuer_name, passphrase)
        jobs_file = str(Path(tmp) / "jobs.sqlite3")
        _, task = _queue(jobs_file)
        with serve_tsa(demo_tsa(files, passphrase)) as url:
            process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
                [sys.executable, "-m", "tools.bench_seal", jobs_file, str(workers)],
                env={**env, "S4C_TSA_URL": url}, stdout=subprocess.DEVNULL)
            try:
                for result in [task(0, 2) for _ in range(workers * 2)]:  # warm every worker
                    result.get(blocking=True, timeout=120)
                started, cpu = time.perf_counter(), time.process_time()
                results = [task(i, min(CHUNK, count - i)) for i in range(0, count, CHUNK)]
                done = [r.get(blocking=True, timeout=600) for r in results]
                seconds = time.perf_counter() - started
                # here: the TSA's answers (and enqueueing, waiting); there: build and seal
                cpu = time.process_time() - cpu + sum(c for _, _, c in done)
            finally:
                process.terminate()
                process.wait(30)
    if sample is not None:
        sample.append(done[0][1])
    return {"edc_seal_per_s": round(count / seconds, 1), "edc_seal_seconds": round(seconds, 2),
            "edc_seal_workers": workers, "edc_seal_built": _builder()[1],
            # CPU per EDC, TSA included: what the cores allow when nothing else runs
            "edc_seal_cpu_ms": round(1000 * cpu / count, 2),
            "edc_seal_cpu_per_s": round(workers * count / cpu, 1),
            "edc_sealed_bytes": sum(size for size, _, _ in done) // count}


def _run_worker(jobs_file: str, workers: int) -> None:
    huey, _ = _queue(jobs_file)
    Consumer(huey, workers=workers, worker_type="process", initial_delay=0.01, backoff=1.0,
             max_delay=0.01).run()


if __name__ == "__main__":
    # through the module's own name: Huey names a task after the module that defines it
    importlib.import_module("tools.bench_seal")._run_worker(sys.argv[1], int(sys.argv[2]))
