"""`s4c bench`: throughput of the hot paths; signing and verification in one process on
one core, batch issuing on every core through the job queue.

Rates are steady-state: contexts are processed once per context set (as in a running
service); every verified credential is a distinct document (its own id, subject, status
index and signature), so no per-document result is reused.
"""
import gc
import json
import os
import statistics
import time
from collections.abc import Callable
from functools import partial

import click

from issuer.demo import cohort_csv, sample_role_credential
from schemas.jsonld_contexts import CONTEXTS_DIR
from vc import api
from vc.contexts import shared_store
from vc.cryptosuites import ALL_SUITES
from vc.did_key import did_key_from_public_key
from vc.did_resolver import DIDResolver
from vc.fetch import StaticFetcher
from vc.multikey import Ed25519Multikey

ROUNDS = 3


def _rate(fn: Callable[[int], object], n: int, budget: float) -> tuple[float, int]:
    """Calls fn(0..n-1) until n calls or `budget` seconds; returns (calls per second, calls)."""
    start = time.perf_counter()
    done = 0
    while done < n:
        fn(done)
        done += 1
        if time.perf_counter() - start > budget:
            break
    return done / (time.perf_counter() - start), done


def _issue_all(docs: list[dict], key: Ed25519Multikey, suite: str, vm: str, budget: float,
               results: dict, name: str) -> list[dict]:
    signed: list[dict] = []
    store = shared_store(CONTEXTS_DIR)
    results[name] = _rate(lambda i: signed.append(
        api.sign(docs[i], key, store=store, suite=suite, verification_method=vm)),
        len(docs), budget)[0]
    return signed


def _verify(document: dict, resolver: DIDResolver) -> None:
    if not api.verify(document, resolver=resolver, store=shared_store(CONTEXTS_DIR),
                      suites=ALL_SUITES).verified:
        raise RuntimeError("a benchmark credential failed to verify")


def _verify_at(documents: list[dict], resolver: DIDResolver, i: int) -> None:
    _verify(documents[i], resolver)


def measure_batch_issue(candidates: int = 2000, database_url: str | None = None,
                        workers: int | None = None) -> dict:
    """End-to-end cohort issuing through the job queue (rules, build, sign, status index,
    store), into a fresh data directory (SQLite, or the PostgreSQL at `database_url`):
    credentials per second from the upload until the job is done, with the workers
    `s4c worker` starts by default (one per core; one more on SQLite). The workers are started and warmed by a small job first, as in a
    running deployment."""
    import tempfile
    from pathlib import Path

    from issuer import cohort_jobs
    from web.cli.context import issuer_service, job_queue
    from web.cli.job_commands import default_workers, start_worker_process, stop_worker_process
    from web.wiring.settings import Settings

    with tempfile.TemporaryDirectory(prefix="s4c-batch-") as tmp:
        env = {"S4C_DATA_DIR": str(Path(tmp) / "data"),
               "S4C_PUBLIC_URL": "https://certify.example.eu",
               "S4C_KEY_PASSPHRASE": "benchmark passphrase"}
        if database_url:
            env["DATABASE_URL"] = database_url
        settings = Settings.from_environment(environ=env)
        workers = workers or default_workers(settings)
        service = issuer_service(settings)
        queue = job_queue(settings)
        fw = service.framework()
        process = start_worker_process(settings, workers, env={**os.environ, **env},
                                       resume=False)  # a fresh queue: nothing to resume
        try:
            def run_job(text: str) -> tuple[float, cohort_jobs.JobProgress]:
                start = time.perf_counter()
                job_id = queue.submit(service, text, "bench.csv", "bench")
                while not (state := cohort_jobs.progress(service, job_id)).finished:
                    if process.poll() is not None:
                        raise RuntimeError("the benchmark's worker exited")
                    time.sleep(0.25)
                return time.perf_counter() - start, state

            run_job(cohort_csv(fw, 100 * workers, prefix="warm"))
            seconds, state = run_job(cohort_csv(fw, candidates))
        finally:
            stop_worker_process(process)
            service.engine.dispose()
    if state.summary.errors:
        raise RuntimeError(f"batch benchmark rows failed: {state.summary.errors[:3]}")
    return {"per_s": round(state.summary.issued / seconds, 1),
            "credentials": state.summary.issued, "seconds": round(seconds, 2),
            "workers": workers}


def run(n: int = 2000, budget: float = 4.0, batch_candidates: int = 2000,
        api_seconds: float = 10, peers: bool = False, oid4vci_seconds: float = 10,
        seal_edcs: int = 0, edc_shacl: bool = True) -> dict:
    key = Ed25519Multikey.generate()
    did = did_key_from_public_key(key.public_key)
    vm = f"{did}#{key.public_key_multibase}"
    results: dict = {"n": n}
    started = time.perf_counter()
    message = os.urandom(1024)
    signature = key.sign(message)
    raw_sign, raw_verify = [], []

    def measure_raw() -> None:  # the physical limit, measured between the other rounds
        raw_sign.append(_rate(lambda i: key.sign(message), n * 5, budget / 6)[0])
        raw_verify.append(_rate(lambda i: key.public_key.verify(signature, message), n * 5,
                                budget / 6)[0])

    docs = [sample_role_credential(i, did) for i in range(n)]
    resolver = DIDResolver(fetcher=StaticFetcher({}))  # did:key: resolved offline
    # warm: contexts processed once
    _verify(api.sign(docs[0], key, store=shared_store(CONTEXTS_DIR), verification_method=vm),
            resolver)
    gc.collect()
    gc.freeze()  # the setup's objects are long-lived, as a service's would be
    for suite, tag in (("eddsa-rdfc-2022", "rdfc"), ("eddsa-jcs-2022", "jcs")):
        issue_rates, verify_rates = [], []
        for _ in range(ROUNDS):  # the median of a few rounds resists a passing disturbance
            measure_raw()
            sink: dict = {}
            signed = _issue_all(docs, key, suite, vm, budget / ROUNDS, sink, "rate")
            issue_rates.append(sink["rate"])
            gc.collect()
            gc.freeze()  # the credentials to verify are input, not garbage of the verifier
            verify_rates.append(_rate(partial(_verify_at, signed, resolver), len(signed),
                                      budget / ROUNDS)[0])
        results[f"issue_{tag}_per_s"] = statistics.median(issue_rates)
        results[f"verify_{tag}_per_s"] = statistics.median(verify_rates)
    results["ed25519_sign_per_s"] = statistics.median(raw_sign)
    results["ed25519_verify_per_s"] = statistics.median(raw_verify)
    results["credential_bytes"] = len(json.dumps(signed[0]).encode())
    # sealed European Digital Credentials verified on one core, without SHACL
    from tools.bench_edc_verify import measure_edc_verify

    results.update(measure_edc_verify(min(n, 1000), budget))
    if batch_candidates:
        batch = measure_batch_issue(batch_candidates)
        results.update({"batch_issue_per_s": batch["per_s"],
                        "batch_credentials": batch["credentials"],
                        "batch_seconds": batch["seconds"], "batch_workers": batch["workers"]})
        from tools import throwaway

        if throwaway.postgres_available():
            with throwaway.postgres() as url:
                batch = measure_batch_issue(batch_candidates, database_url=url)
            results.update({"batch_issue_pg_per_s": batch["per_s"],
                            "batch_pg_seconds": batch["seconds"]})
    if api_seconds:
        from tools.bench_api import measure_verify_api

        api_rates = measure_verify_api(n_seconds=api_seconds)
        results["verify_api_per_s"] = api_rates["verify_api_per_s"]
        results["verify_api_p99_ms"] = api_rates["verify_api_p99_ms"]
        from tools.bench_api import measure_verify_api_cold

        results.update(measure_verify_api_cold())
    if oid4vci_seconds:
        from tools.bench_oid4vci import measure_oid4vci_issue

        results.update(measure_oid4vci_issue(n_seconds=oid4vci_seconds))
    if seal_edcs:
        from tools.bench_seal import measure_edc_seal

        results.update(measure_edc_seal(seal_edcs, workers=os.cpu_count() or 2))
    if edc_shacl:  # the format check of European Digital Credentials
        from tools.bench_edc import measure_edc_shacl

        results.update(measure_edc_shacl())
    if peers:  # a local ACA-Py agent: its own rates, next to ours (needs the `agent` extra)
        from issuer.aries.benchmark import measure_acapy

        results.update(measure_acapy(sample_role_credential))
    for k, v in list(results.items()):
        if k.endswith("_per_s"):
            results[k] = round(v, 1)
    results["seconds"] = round(time.perf_counter() - started, 2)
    return results


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("-n", "n", default=2000, show_default=True, help="Credentials per measurement.")
@click.option("--budget", default=4.0, show_default=True,
              help="Seconds at most per measurement.")
@click.option("--batch-candidates", default=2000, show_default=True,
              help="Cohort size for batch_issue_per_s (0 to skip).")
@click.option("--api-seconds", default=10.0, show_default=True,
              help="wrk load time for verify_api_per_s through gunicorn (0 to skip).")
@click.option("--oid4vci-seconds", default=10.0, show_default=True,
              help="Load time for oid4vci_issue_per_s: complete OpenID4VCI pre-authorized "
                   "flows (token, nonce, SD-JWT VC) through gunicorn (0 to skip).")
@click.option("--seal-edcs", default=2000, show_default=True,
              help="European Digital Credentials for edc_seal_per_s: built and sealed (JAdES "
                   "B-T, demo seal, a local TSA over HTTP) through a job queue, one worker "
                   "per core (0 to skip).")
@click.option("--peers", is_flag=True,
              help="Also measure a local ACA-Py agent: acapy_issue_per_s, acapy_verify_per_s.")
@click.option("--edc-shacl/--no-edc-shacl", default=True, show_default=True,
              help="edc_shacl_ms: SHACL validation time per European Digital Credential.")
def bench(as_json: bool, n: int, budget: float, batch_candidates: int,
          api_seconds: float, oid4vci_seconds: float, seal_edcs: int, peers: bool,
          edc_shacl: bool) -> None:
    """Measure signing and verification rates (one process, one core), batch issuing
    through the job queue (one worker per core; SQLite, and PostgreSQL when installed), and
    the verification API through the production server: under wrk, and cold after a
    start; OpenID4VCI issuing of SD-JWT VCs to wallets through the same server; European
    Digital Credentials sealed through a job queue; and their SHACL format check."""
    results = run(n, budget, batch_candidates, api_seconds, peers, oid4vci_seconds,
                  seal_edcs, edc_shacl)
    if as_json:
        click.echo(json.dumps(results))
        return
    for k, v in results.items():
        click.echo(f"{k:24} {v}")
