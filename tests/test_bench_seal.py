"""The sealing benchmark (`s4c bench`: edc_seal_per_s) counts real seals: a sealed EDC from
its queue workers verifies (jwcrypto, with the x5c certificate) and is time-stamped."""
import base64
import json

from cryptography import x509
from seal_fixtures import etsi_unsigned, protected_of
from test_jades_seal import jwcrypto_verify

from tools.bench_seal import measure_edc_seal


def test_edc_seal_benchmark_seals_through_the_queue():
    sample: list[str] = []
    results = measure_edc_seal(count=30, workers=1, sample=sample)
    assert results["edc_seal_per_s"] > 0 and results["edc_seal_workers"] == 1
    sealed = json.loads(sample[0])
    [signature] = sealed["signatures"]
    leaf = x509.load_der_x509_certificate(base64.b64decode(protected_of(signature)["x5c"][0]))
    assert "DEMO" in leaf.subject.rfc4514_string()
    assert json.loads(jwcrypto_verify(sealed, leaf))["type"] == [
        "VerifiableCredential", "EuropeanDigitalCredential"]
    assert [list(m) for m in etsi_unsigned(signature)] == [["sigTst"]]
