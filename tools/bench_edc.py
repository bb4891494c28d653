"""SHACL validation time of European Digital Credentials (benchmark, not a test): every role
and unit EDC of the reference framework, built as `issuer.edc` builds them, validated
against EDC-generic-no-cv.ttl (`vc.elm.shacl`) on one core, after one warm-up validation
(the shapes and the ontology are parsed once per process, as in a running service)."""
import json
import statistics
import time

from issuer.edc.build import AwardingBody, IssuedAchievement, build_edc
from schemas.framework import REFERENCE_FRAMEWORK_PATH, load_framework
from vc.elm.shacl import validate

BODY = AwardingBody(did="did:web:certify.example.eu", legal_name="Bench Certification Body",
                    country="BE", legal_identifier="VATBE-0123456789",
                    homepage="https://certify.example.eu")


def sample_edcs() -> list[dict]:
    """One EDC per role and per unit of the reference framework."""
    fw = load_framework(REFERENCE_FRAMEWORK_PATH)
    items = [("role", r.code) for r in fw.roles] + [("unit", u.code) for u in fw.units]
    return [build_edc(IssuedAchievement(
        credential_id=f"urn:uuid:6a1f0c3e-1b7a-4c55-9a51-{i:012d}", kind=kind, code=code,
        holder_name=f"Candidate {i}", issued="2026-06-01T00:00:00Z",
        valid_from="2026-06-01T00:00:00Z",
        valid_until="2029-06-01T00:00:00Z" if kind == "role" else None,
        result="81/100" if kind == "unit" else None), fw, BODY)
        for i, (kind, code) in enumerate(items)]


def measure_edc_shacl() -> dict:
    """`edc_shacl_ms`: the median milliseconds to validate one EDC (roles and units);
    `edc_shacl_role_ms`: the median for a role's (the largest); `edc_build_ms`: to build one
    (its certificate picture included); `edc_role_bytes`: a role EDC's size."""
    started = time.perf_counter()
    edcs = sample_edcs()
    build_ms = (time.perf_counter() - started) * 1000 / len(edcs)
    validate(edcs[0], "edc-generic")  # warm: shapes and ontology parsed
    times, role_times = [], []
    for edc in edcs:
        start = time.perf_counter()
        violations = validate(edc, "edc-generic")
        elapsed = (time.perf_counter() - start) * 1000
        if violations:
            raise RuntimeError(f"a benchmark EDC does not conform: {violations[0]}")
        times.append(elapsed)
        if "hasPart" in edc["credentialSubject"]["hasClaim"]:
            role_times.append(elapsed)
    return {"edc_shacl_ms": round(statistics.median(times), 1),
            "edc_shacl_role_ms": round(statistics.median(role_times), 1),
            "edc_build_ms": round(build_ms, 1),
            "edc_role_bytes": len(json.dumps(edcs[0], ensure_ascii=False).encode())}
