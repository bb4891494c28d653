"""Verifying European Digital Credentials (issue 25, "Verify EDCs: any body's"): the EU's own
sealed samples verify and the report names their sealer; a byte changed anywhere in the
payload, the protected header, the signature or the signature time-stamp is "forged or
altered"; a CA not among the anchors held is "sealer not confirmed", never "forged"; a
trusted list (or a list of lists) confirms a qualified eSeal; the CLI, the employer page and
the VC-API say it."""
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from edc_seals import (
    list_of_lists,
    make_ca,
    make_seal_certificate,
    seal,
    trusted_list,
    write_pem,
)
from europass_files import europass_or_skip

from vc.checks import Outcome
from vc.jades.anchors import SealAnchors, anchors_from_folder
from vc.jades.trusted_list import anchors_from_trusted_list
from verifier.edc import EdcVerifier
from verifier.verdict import Verdict
from web.finding_words import say_english

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ("Sample-CertOfPart-signed.jsonld", "Sample-MC-Annex1-signed.jsonld")
NOW = datetime(2026, 12, 1, tzinfo=UTC)  # after the samples' certificate ended (2025-05-10)
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _sample(name: str) -> bytes:
    return (europass_or_skip() / "elm" / "examples" / name).read_bytes()


def _check(report, check_id):
    return next(c for c in report.checks if c.id == check_id)


@pytest.mark.parametrize("name", SAMPLES)
def test_the_eus_sample_seal_verifies_and_names_its_sealer(name: str):
    report = EdcVerifier(SealAnchors(), clock=lambda: NOW).verify(_sample(name))
    assert _check(report, "seal.signature").outcome is Outcome.PASSED
    assert _check(report, "seal.certificate-digest").outcome is Outcome.PASSED
    assert _check(report, "seal.timestamp").outcome is Outcome.PASSED
    assert _check(report, "seal.content-timestamp").outcome is Outcome.PASSED
    sealer = report.summary()["sealer"]
    assert (sealer["organization"], sealer["country"]) == ("ORGANIZACION TEST", "ES")
    assert sealer["notAfter"].startswith("2025-05-10")
    assert report.seal.qc.qualified_eseal  # it says so of itself; no list confirms it here
    assert _check(report, "seal.qualified").detail.code == "seal.qualified-eseal-claimed"
    # valid when the time-stamp says it was sealed (2023), though it has ended since
    validity = _check(report, "seal.certificate-validity")
    assert validity.outcome is Outcome.PASSED
    assert validity.detail.code == "seal.certificate-valid-at-seal"
    assert validity.detail.params["time"].year == 2023
    chain = _check(report, "seal.chain")
    assert chain.outcome is Outcome.UNKNOWN and chain.detail.code == "seal.no-anchors"
    assert report.verdict is Verdict.COULD_NOT_CHECK
    assert report.state == "sealer-not-confirmed"
    assert report.facts is not None and report.facts.is_edc


def test_a_ca_not_among_the_anchors_is_said_plainly_never_forged(tmp_path: Path):
    write_pem(tmp_path / "other-ca.pem", make_ca("Another CA")[1])
    report = EdcVerifier(anchors_from_folder(tmp_path), clock=lambda: NOW).verify(
        _sample(SAMPLES[1]))
    chain = _check(report, "seal.chain")
    assert chain.outcome is Outcome.UNKNOWN and chain.detail.code == "seal.chain-not-anchored"
    assert "is not among the trust anchors held here" in say_english(chain.detail)
    assert "ANF AC Qualified Certificates for eSeal" in say_english(chain.detail)
    assert report.verdict is Verdict.COULD_NOT_CHECK


def _regions(raw: bytes) -> dict[str, tuple[int, int]]:
    signature = json.loads(raw)["signatures"][0]
    found = {}
    for name, text in (("protected", signature["protected"]),
                       ("signature", signature["signature"]),
                       ("sigTst", signature["header"]["etsiU"][0])):
        start = raw.index(text.encode())
        found[name] = (start, start + len(text))
    payload_start = raw.index(b'"payload":"') + len(b'"payload":"')
    found["payload"] = (payload_start, raw.index(b'","signatures"'))
    return found


@pytest.mark.parametrize("region,stride", [("payload", 997), ("protected", 13),
                                           ("signature", 3), ("sigTst", 5)])
def test_a_byte_changed_anywhere_is_forged_or_altered(region: str, stride: int):
    raw = _sample(SAMPLES[0])
    start, end = _regions(raw)[region]
    verifier = EdcVerifier(SealAnchors(), clock=lambda: NOW)
    survivors = []
    for at in range(start, end, stride):
        old = chr(raw[at])
        new = B64URL[(B64URL.index(old) + 17) % 64] if old in B64URL else "x"
        changed = raw[:at] + new.encode() + raw[at + 1:]
        report = verifier.verify(changed, check_format=False)
        if report.verdict is not Verdict.FORGED_OR_MALFORMED:
            survivors.append((at - start, str(report.verdict)))
    assert survivors == []


def test_a_trusted_list_confirms_the_qualified_eseal_of_its_ca(tmp_path: Path):
    ca = make_ca()
    key, certificate = make_seal_certificate(ca)
    payload = {"type": ["VerifiableCredential", "EuropeanDigitalCredential"],
               "issuer": {"eIDASIdentifier": {"notation": "VATBG-123456789"}}}
    document = seal(payload, key, certificate)
    (tmp_path / "BG-TL.xml").write_text(trusted_list(ca[1]))
    (tmp_path / "eu-lotl.xml").write_text(list_of_lists("BG-TL.xml"))
    for path in (tmp_path / "BG-TL.xml", tmp_path / "eu-lotl.xml"):
        anchors = anchors_from_trusted_list(path)
        assert [a.territory for a in anchors.anchors] == ["BG"]
        assert anchors.list_signature_checked is False  # said, not hidden
        report = EdcVerifier(anchors).verify(json.dumps(document))
        assert _check(report, "seal.chain").outcome is Outcome.PASSED
        assert _check(report, "seal.qualified").detail.code == "seal.qualified-eseal-confirmed"
        assert _check(report, "seal.trusted-list").detail.code == \
            "seal.trusted-list-signature-not-checked"
        assert _check(report, "edc.issuer").outcome is Outcome.PASSED
        assert report.verdict is Verdict.VALID, [(c.id, c.outcome) for c in report.checks]
    # the same seal, by a CA the list does not name: sealer not confirmed
    other = EdcVerifier(anchors_from_trusted_list(tmp_path / "BG-TL.xml")).verify(
        json.dumps(seal(payload, *make_seal_certificate(make_ca("Rogue CA")))))
    assert other.state == "sealer-not-confirmed"


def test_the_cli_verifies_an_edc_and_exits_1_when_the_sealer_is_not_confirmed(
        tmp_path: Path):
    sample = europass_or_skip() / "elm" / "examples" / SAMPLES[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "S4C_DATA_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "web.cli", "verify", str(sample)],
                         capture_output=True, text=True, env=env, timeout=300, check=False)
    assert run.returncode == 1, run.stderr
    assert "COULD NOT CHECK: sealer-not-confirmed" in run.stdout
    assert "ORGANIZACION TEST (ES, VATES-A00000000)" in run.stdout
    assert "is a European Digital Credential" in run.stdout
