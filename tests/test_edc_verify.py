"""Verifying European Digital Credentials ("Verify EDCs: any body's"): the EU's own
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
from web.plumbing.finding_words import say_english

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
    # the OCSP answer it carries, signed by the CA's responder (both in its xVals)
    revocation = _check(report, "seal.revocation")
    assert revocation.detail.code == "seal.not-revoked", revocation.detail
    assert revocation.detail.params["source"].startswith("ANF AC Qualified Certificates")
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


def test_s4cs_own_bt_seal_verifies_with_its_anchors_and_its_time_stamp(tmp_path: Path):
    from cryptography.hazmat.primitives.asymmetric import rsa
    from seal_fixtures import seal_ca, seal_certificate

    from vc.jades.seal import PrivateKeySigner, dumps, seal_document
    from vc.tsa import make_demo_tsa

    ca = seal_ca()
    key = rsa.generate_private_key(65537, 2048)
    signer = PrivateKeySigner(key, [seal_certificate(ca, key.public_key())])
    tsa, tsa_root = make_demo_tsa()
    text = dumps(seal_document({"type": ["VerifiableCredential", "EuropeanDigitalCredential"],
                                "validFrom": "2026-01-01T00:00:00Z"}, signer, tsa))
    write_pem(tmp_path / "seal-ca.pem", ca.certificate)
    write_pem(tmp_path / "tsa-ca.pem", tsa_root)
    report = EdcVerifier(anchors_from_folder(tmp_path)).verify(text)
    assert report.verdict is Verdict.VALID, [(c.id, c.outcome, c.check.reason)
                                             for c in report.checks]
    assert _check(report, "seal.timestamp-authority").outcome is Outcome.PASSED
    assert _check(report, "seal.qualified").detail.code == "seal.not-qualified"
    # without the TSA's CA: while the certificate is valid, its time changes nothing ...
    (tmp_path / "tsa-ca.pem").unlink()
    report = EdcVerifier(anchors_from_folder(tmp_path)).verify(text)
    assert _check(report, "seal.timestamp-authority").outcome is Outcome.UNKNOWN
    assert report.verdict is Verdict.VALID
    # ... once it has ended, the seal is good only if the time-stamp's time can be trusted
    later = datetime.now(UTC).replace(year=datetime.now(UTC).year + 2)
    report = EdcVerifier(anchors_from_folder(tmp_path), clock=lambda: later).verify(text)
    assert _check(report, "seal.certificate-validity").detail.code == \
        "seal.certificate-valid-at-seal"
    assert (report.verdict, report.state) == (Verdict.COULD_NOT_CHECK,
                                              "sealing-time-not-confirmed")


WRONG = (None, 1, "x", [], {}, [1], {"a": 1}, "=", True)


def _mutations(document: dict):
    """The sealed JWS with one member of each level replaced by a value of another kind."""
    signature = document["signatures"][0]
    for key in [*document, "extra"]:
        for value in WRONG:
            yield {**document, key: value}
    for key in [*signature, "extra"]:
        for value in WRONG:
            yield {**document, "signatures": [{**signature, key: value}]}
    for value in WRONG:
        yield {**document, "signatures": [{**signature, "header": {"etsiU": value}}]}
        yield {**document, "signatures": [{**signature, "header": {"etsiU": [value]}}]}


def test_a_seal_of_the_wrong_shape_is_refused_without_an_error():
    document = json.loads(_sample(SAMPLES[0]))
    verifier = EdcVerifier(SealAnchors(), clock=lambda: NOW)
    for mutated in _mutations(document):
        report = verifier.verify(mutated, check_format=False)
        assert report.verdict in (Verdict.FORGED_OR_MALFORMED, Verdict.NOT_VALID_NOW,
                                  Verdict.COULD_NOT_CHECK)
        if report.verdict is not Verdict.FORGED_OR_MALFORMED:
            # only dropping every time-stamp keeps the seal; then its certificate has ended
            assert _check(report, "seal.timestamp").outcome is Outcome.UNKNOWN


def test_signed_trusted_lists_are_checked_and_a_changed_one_stops_the_start(tmp_path: Path):
    from edc_seals import list_of_lists_with_signer, signed_list

    from vc.jades.anchor_sources import load_anchors
    from vc.jades.anchors import AnchorsError

    ca = make_ca()
    commission_key, commission = make_ca("European Commission LOTL signer")
    operator_key, operator = make_ca("BG scheme operator")
    (tmp_path / "BG-TL.xml").write_bytes(signed_list(trusted_list(ca[1]), operator_key,
                                                     operator))
    (tmp_path / "eu-lotl.xml").write_bytes(signed_list(
        list_of_lists_with_signer("BG-TL.xml", operator), commission_key, commission))
    write_pem(tmp_path / "oj-signers.pem", commission)
    anchors = load_anchors(None, str(tmp_path / "eu-lotl.xml"),
                           str(tmp_path / "oj-signers.pem"))
    assert anchors.list_signature_checked is True
    assert [a.territory for a in anchors.anchors] == ["BG"]
    key, certificate = make_seal_certificate(ca)
    report = EdcVerifier(anchors).verify(json.dumps(seal(
        {"type": ["VerifiableCredential", "EuropeanDigitalCredential"]}, key, certificate)))
    assert _check(report, "seal.trusted-list").detail.code == \
        "seal.trusted-list-signature-checked"
    assert report.verdict is Verdict.VALID
    # the national list changed after it was signed (a CA added): refused, with its name
    national = (tmp_path / "BG-TL.xml").read_bytes()
    (tmp_path / "BG-TL.xml").write_bytes(national.replace(b"Test QTSP CA", b"Test QTSP CB"))
    with pytest.raises(AnchorsError, match="BG-TL.xml"):
        load_anchors(None, str(tmp_path / "eu-lotl.xml"), str(tmp_path / "oj-signers.pem"))
    # the list of lists signed by someone the Official Journal does not name: refused
    (tmp_path / "BG-TL.xml").write_bytes(national)
    write_pem(tmp_path / "oj-signers.pem", operator)
    with pytest.raises(AnchorsError, match="eu-lotl.xml"):
        load_anchors(None, str(tmp_path / "eu-lotl.xml"), str(tmp_path / "oj-signers.pem"))


def test_an_authentic_edc_that_does_not_count_says_why_never_forged(tmp_path: Path):
    ca = make_ca()
    key, certificate = make_seal_certificate(ca, identifier="VATBG-123456789")
    write_pem(tmp_path / "ca.pem", ca[1])
    verifier = EdcVerifier(anchors_from_folder(tmp_path))
    edc = {"type": ["VerifiableCredential", "EuropeanDigitalCredential"],
           "issuer": {"eIDASIdentifier": {"notation": "VATBG-123456789"}}}
    expired = verifier.verify(json.dumps(seal({**edc, "validUntil": "2024-01-01T00:00:00Z"},
                                              key, certificate)))
    assert (expired.verdict, expired.state) == (Verdict.NOT_VALID_NOW, "expired")
    assert expired.headline()["date"] == "2024-01-01T00:00:00Z"
    # sealed by one organisation, naming another as its issuer: not that issuer's
    other = {**edc, "issuer": {"eIDASIdentifier": {"notation": "VATBG-999999999"}}}
    borrowed = verifier.verify(json.dumps(seal(other, key, certificate)))
    assert (borrowed.verdict, borrowed.state) == (Verdict.NOT_VALID_NOW,
                                                  "issuer-not-confirmed")
    assert "VATBG-999999999" in say_english(_check(borrowed, "edc.issuer").detail)


def test_a_large_sealed_document_is_not_format_checked(tmp_path: Path):
    from verifier.edc import MAX_FORMAT_BYTES
    from verifier.edc_format import edc_format_check

    ca = make_ca()
    key, certificate = make_seal_certificate(ca)
    calls = []

    def counted(content):  # the real SHACL check, counted
        calls.append(1)
        return edc_format_check(content)

    verifier = EdcVerifier(SealAnchors(), format_check=counted)
    small = {"type": ["VerifiableCredential", "EuropeanDigitalCredential"]}
    verifier.verify(json.dumps(seal(small, key, certificate)))
    assert calls == [1]
    large = {**small, "note": "x" * MAX_FORMAT_BYTES}
    report = verifier.verify(json.dumps(seal(large, key, certificate)))
    assert calls == [1]  # anyone can seal a large document: SHACL is not run on it
    assert _check(report, "edc.format").detail.code == "edc.format-not-checked"


@pytest.mark.parametrize("changes,why", [
    ({"crit": ["b64", "sigT", "sigD"], "sigD": {}}, "sigD"),  # detached content: not ours
    ({"crit": ["sigT"]}, "b64 is false but not listed in crit"),
    ({"crit": ["b64", "sigT", "alg"]}, "registered parameter alg"),
    ({"alg": "HS256"}, None),
    ({"alg": "none"}, None),
    ({"x5t#S256": None}, "x5t#S256"),
    ({"sigT": None}, "sigT"),
])
def test_a_header_this_verifier_cannot_rely_on_is_malformed(changes: dict, why: str | None):
    ca = make_ca()
    key, certificate = make_seal_certificate(ca)
    edc = {"type": ["VerifiableCredential", "EuropeanDigitalCredential"]}
    report = EdcVerifier(SealAnchors()).verify(json.dumps(seal(edc, key, certificate,
                                                               **changes)))
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    failed = [c for c in report.checks if c.outcome is Outcome.FAILED]
    assert failed and (why is None or why in (failed[0].detail.detail or ""))


def test_an_intermediate_ca_the_seal_carries_in_xvals_leads_to_the_anchor(tmp_path: Path):
    from edc_seals import with_carried

    root = make_ca("Test QTSP root")
    intermediate = make_ca("Test QTSP eSeal CA", parent=root)
    key, certificate = make_seal_certificate(intermediate)
    write_pem(tmp_path / "root.pem", root[1])
    verifier = EdcVerifier(anchors_from_folder(tmp_path))
    sealed = seal({"type": ["VerifiableCredential", "EuropeanDigitalCredential"]}, key,
                  certificate)
    alone = verifier.verify(json.dumps(sealed))
    assert _check(alone, "seal.chain").detail.code == "seal.chain-not-anchored"
    carried = verifier.verify(json.dumps(with_carried(sealed, intermediate[1])))
    assert _check(carried, "seal.chain").outcome is Outcome.PASSED
    assert carried.verdict is Verdict.VALID


def test_the_revocation_data_a_seal_carries_is_read():
    from datetime import timedelta

    from edc_seals import revocation_list, with_carried

    root = make_ca("Test QTSP root")
    ca = make_ca("Test QTSP eSeal CA", parent=root)
    key, certificate = make_seal_certificate(ca)
    sealed = seal({"type": ["VerifiableCredential", "EuropeanDigitalCredential"]}, key,
                  certificate)
    verifier = EdcVerifier(SealAnchors())
    now = datetime.now(UTC)

    def revocation(crl):
        report = verifier.verify(json.dumps(with_carried(sealed, ca[1], crls=(crl,))))
        return report, _check(report, "seal.revocation")

    _report, good = revocation(revocation_list(ca))
    assert (good.outcome, good.detail.code) == (Outcome.PASSED, "seal.not-revoked")
    report, before = revocation(revocation_list(ca, certificate, now - timedelta(days=1)))
    assert (before.outcome, before.detail.code) == (Outcome.FAILED, "seal.revoked-before-seal")
    assert report.verdict is Verdict.NOT_VALID_NOW  # authentic, but its seal does not count
    _report, after = revocation(revocation_list(ca, certificate, now + timedelta(hours=1)))
    assert (after.outcome, after.detail.code) == (Outcome.PASSED, "seal.revoked-after-seal")
    # a CRL the CA did not sign is not relied on
    _report, other = revocation(revocation_list((make_ca("Rogue")[0], ca[1]), certificate))
    assert other.detail.code == "seal.revocation-not-carried"
