"""ACA-Py's own issue and verify rates over its admin API, for `s4c bench --peers`.

One local agent (fresh wallet, no ledger), `Ed25519Signature2020` on VC DM 2.0: first
`/vc/credentials/issue` for `budget` seconds, then `/vc/credentials/verify` on what it issued,
every credential a distinct document. The HTTP round trip on 127.0.0.1 is included: it is
how a controller such as s4c uses the agent.
"""
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from issuer.aries.process import ISSUER_FLAGS, temporary_agent

MAX_CALLS = 100_000


def _rate(fn: Callable[[int], object], n: int, budget: float) -> float:
    start = time.perf_counter()
    done = 0
    while done < n and time.perf_counter() - start < budget:
        fn(done)
        done += 1
    return done / (time.perf_counter() - start)


def measure_acapy(make_credential: Callable[[int, str], dict], budget: float = 5.0) -> dict:
    """`make_credential(i, issuer_did)` gives the i-th unsigned credential."""
    with tempfile.TemporaryDirectory() as tmp, \
            temporary_agent(Path(tmp) / "agent", label="s4c bench", flags=ISSUER_FLAGS) as agent:
        did = agent.create_did_key()
        agent.verify_ldp(agent.issue_ldp(make_credential(MAX_CALLS, did)))  # warm up
        issued: list[dict] = []
        issue_rate = _rate(lambda i: issued.append(agent.issue_ldp(make_credential(i, did))),
                           MAX_CALLS, budget)

        def verify(i: int) -> None:
            if agent.verify_ldp(issued[i]).get("verified") is not True:
                raise RuntimeError("ACA-Py did not verify a credential it issued")

        verify_rate = _rate(verify, len(issued), budget)
    return {"acapy_issue_per_s": issue_rate, "acapy_verify_per_s": verify_rate,
            "acapy_credentials": len(issued)}
