"""`edc_verify_per_s` of `s4c bench`: European Digital Credentials verified per second on one
core, without the SHACL format check (about a second per EDC; `edc_shacl_ms` measures it).
Every EDC is a distinct document sealed here as s4c seals them (JAdES B-T, RS256 like the
EU's samples, a time-stamp from an in-process TSA) and carrying a rendered page of the size
the EU's samples carry, so no per-document result is reused; the anchors hold the seal's and
the TSA's CA, so every check runs to the end (verdict VALID)."""
import base64
import datetime as dt
import gc
import os
import time
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from vc.x509_chain import CertificateAuthority

IMAGE_BYTES = 90_000  # the EU samples' displayParameter image is about this size


def _edc(i: int, image: str) -> dict[str, object]:
    return {"@context": ["https://www.w3.org/2018/credentials/v1",
                         "http://data.europa.eu/snb/model/context/edc-ap"],
            "id": f"urn:credential:bench-{i}",
            "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": f"urn:epass:person:{i}", "type": "Person",
                                  "fullName": {"en": f"Candidate {i}"},
                                  "hasClaim": {"id": f"urn:epass:learningAchievement:{i}",
                                               "type": "LearningAchievement",
                                               "title": {"en": "Smart City Project Manager"}}},
            "displayParameter": {"image": {"content": image}}}


def measure_edc_verify(n: int = 300, budget: float = 4.0) -> dict[str, float]:
    import tempfile

    from cryptography.hazmat.primitives import serialization

    from vc.jades.anchors import anchors_from_folder
    from vc.jades.seal import PrivateKeySigner, dumps, seal_document
    from vc.tsa import make_demo_tsa
    from vc.x509_chain import make_demo_ca
    from verifier.edc import EdcVerifier
    from verifier.verdict import Verdict

    ca = make_demo_ca("bench seal CA", organization="s4c bench (DEMO)")
    key = rsa.generate_private_key(65537, 2048)
    signer = PrivateKeySigner(key, [_seal_certificate(ca, key)])
    tsa, tsa_root = make_demo_tsa()
    image = base64.b64encode(os.urandom(IMAGE_BYTES * 3 // 4)).decode()
    texts = [dumps(seal_document(_edc(i, image), signer, tsa)) for i in range(n)]
    with tempfile.TemporaryDirectory(prefix="s4c-bench-edc-") as tmp:
        for name, cert in (("seal-ca.pem", ca.certificate), ("tsa-ca.pem", tsa_root)):
            Path(tmp, name).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        verifier = EdcVerifier(anchors_from_folder(Path(tmp)))
    if verifier.verify(texts[0], check_format=False).verdict is not Verdict.VALID:
        raise RuntimeError("a benchmark EDC failed to verify")
    gc.collect()
    gc.freeze()
    rate, cpu_rate = _rate(lambda i: verifier.verify(texts[i], check_format=False),
                           len(texts), budget)
    # per second of this process's own CPU time too: what one core does when no other
    # process shares it (the wall-clock rate falls on a busy machine)
    results = {"edc_verify_per_s": round(rate, 1), "edc_verify_cpu_per_s": round(cpu_rate, 1)}
    return results


def _rate(fn: Callable[[int], object], n: int, budget: float) -> tuple[float, float]:
    """(calls per second of wall time, calls per second of this process's CPU time)."""
    start, cpu = time.perf_counter(), time.process_time()
    done = 0
    while done < n and time.perf_counter() - start < budget:
        fn(done)
        done += 1
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


def _seal_certificate(ca: CertificateAuthority, key: rsa.RSAPrivateKey) -> x509.Certificate:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    certificate: x509.Certificate = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench eSeal"),
                                     x509.NameAttribute(NameOID.COUNTRY_NAME, "EU")]))
            .issuer_name(ca.certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca.private_key.public_key()), critical=False)
            .sign(ca.private_key, hashes.SHA256()))
    return certificate
