"""The seal of an uploaded PDF certificate (PAdES, ETSI EN 319 142-1), checked with pyhanko
against the seal anchors this deployment holds (S4C_SEAL_ANCHORS_DIR), as its own check beside
the checks of the credential the PDF carries.

The seal must cover the whole file: a revision added after sealing could replace the attached
credential or the page while the seal over the earlier revision still verifies (ISO 32000-2
§7.5.6 incremental updates), so anything appended is "changed after sealing". A broken seal or
time-stamp is an authenticity failure (the file is not what the body sealed); a seal whose CA
is not among the anchors held is information, never "forged": the credential's own proof and
the registry say who issued it.
"""
import io
import logging
import warnings
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from vc.checks import Check, Outcome
from vc.findings import Finding, finding
from verifier.checks.base import Category, ReportedCheck
from verifier.pdf_seal_codes import PdfSealCode
from verifier.service import VerificationReport
from verifier.verdict import Verdict, decide

# pyhanko imports the DSA types cryptography deprecates (we never use DSA): its warning
# would land in every command's output, e.g. in the middle of `s4c verify --json`
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")

CHECK_ID = "pdf-seal"
_log = logging.getLogger(__name__)


def _common_name(name: object) -> str:
    native = getattr(name, "native", None)
    if isinstance(native, dict):
        return str(native.get("common_name") or native.get("organization_name") or "?")
    return "?"


class PdfSealChecker:
    """Checks PDF seals against `anchors` (CA certificates); offline: nothing is fetched."""

    def __init__(self, anchors: Sequence[x509.Certificate] = ()) -> None:
        self._anchors = [asn1_x509.Certificate.load(a.public_bytes(Encoding.DER))
                         for a in anchors]

    def check(self, data: bytes) -> ReportedCheck:
        try:
            return self._check(data)
        except Exception as e:  # noqa: BLE001 - a stranger's file: any parser failure is a finding
            _log.info("a PDF seal could not be read", exc_info=True)
            return _reported(Outcome.FAILED, finding(PdfSealCode.UNREADABLE, detail=str(e)[:200]))

    def _check(self, data: bytes) -> ReportedCheck:
        # deferred on purpose: pyhanko loads only when a sealed PDF is checked
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko.sign.validation.status import SignatureCoverageLevel
        from pyhanko_certvalidator import ValidationContext

        reader = PdfFileReader(io.BytesIO(data), strict=False)
        seals = reader.embedded_signatures
        if not seals:
            return _reported(Outcome.UNKNOWN, finding(PdfSealCode.NONE))
        seal = seals[-1]  # the last one: the one that must cover the whole file
        context = ValidationContext(trust_roots=self._anchors, allow_fetching=False,
                                    revocation_mode="soft-fail")
        status = validate_pdf_signature(seal, signer_validation_context=context,
                                        ts_validation_context=context)
        signer = _common_name(status.signing_cert.subject) if status.signing_cert else "?"
        if not status.intact or not status.valid:
            return _reported(Outcome.FAILED, finding(PdfSealCode.ALTERED, signer=signer))
        if status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
            return _reported(Outcome.FAILED,
                             finding(PdfSealCode.CHANGED_AFTER_SEALING, signer=signer))
        stamp = status.timestamp_validity
        if stamp is not None and not (stamp.intact and stamp.valid):
            return _reported(Outcome.FAILED, finding(PdfSealCode.TIME_STAMP_BROKEN,
                                                     signer=signer))
        if not status.trusted:
            ca = _common_name(status.signing_cert.issuer) if status.signing_cert else "?"
            return _reported(Outcome.UNKNOWN, finding(PdfSealCode.NOT_AMONG_ANCHORS,
                                                      signer=signer, ca=ca))
        if stamp is None:
            return _reported(Outcome.PASSED, finding(PdfSealCode.VALID_WITHOUT_TIME_STAMP,
                                                     signer=signer))
        sealed_at: datetime = stamp.timestamp
        return _reported(Outcome.PASSED, finding(PdfSealCode.VALID, signer=signer,
                                                 sealed_at=sealed_at))


def _reported(outcome: Outcome, found: Finding) -> ReportedCheck:
    # only a failure counts against the credential: the seal wraps the PDF, the credential
    # carries its own proof (ARCHITECTURE.md: the verdict rests on signed data)
    category = Category.AUTHENTICITY if outcome is Outcome.FAILED else Category.INFO
    return ReportedCheck(Check(CHECK_ID, outcome, found), category, unknown_matters=False,
                         detail=found)


def with_pdf_seal(report: VerificationReport, seal: ReportedCheck) -> VerificationReport:
    """`report` of the credential a PDF carries, with the PDF's seal as its first check. A
    broken seal makes it "forged or altered", and then nothing it says is summarised."""
    checks = (seal, *report.checks)
    verdict = decide(checks) if report.checks else report.verdict
    summary = {} if verdict is Verdict.FORGED_OR_MALFORMED else report.summary
    return replace(report, verdict=verdict, checks=checks, summary=summary)
