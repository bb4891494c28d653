"""Keeping what the employer's page shows of one check (`verifier.kept_results`): after a scan,
an upload, a shared link or a wallet's answer alike, so that each ends on the same result
view (`/verify/r/<id>`)."""
from collections.abc import Sequence

from flask import Flask, current_app

from vc.checks import Outcome
from verifier.checks.base import Category, ReportedCheck
from verifier.edc import EdcReport
from verifier.facts import read_facts
from verifier.kept_results import KeptResults
from verifier.receipts import credential_digest
from verifier.service import VerificationReport
from verifier.verdict import Verdict
from web.wiring.services import services_of


def kept_results(app: Flask) -> KeptResults:
    return services_of(app).kept


def keep_report(report: VerificationReport, credential: object, source: str | None,
                country: str | None, extra_checks: Sequence[ReportedCheck] = ()) -> str:
    """Keeps what the page shows of one check (`verifier.kept_results`) and returns its id.
    `extra_checks`: shown before the credential's (a presentation's binding to a request)."""
    document = credential if isinstance(credential, dict) else {}
    # the holder's name is shown, and the e-mail hashes compared, only when the signature
    # was verified: an unknown proof (keys unreachable) covers nothing yet, and neither
    # does a report in which no signature check ran at all
    authenticity = [c for c in report.checks if c.category is Category.AUTHENTICITY]
    authentic = report.verdict is not Verdict.FORGED_OR_MALFORMED and all(
        c.outcome is Outcome.PASSED for c in authenticity if c.unknown_matters) and any(
        c.signature and c.outcome is Outcome.PASSED for c in authenticity)
    hashes = read_facts(document).holder_email_hashes if authentic else ()
    credential_id = document.get("id")
    shown = report.to_json()
    shown["checks"] = [c.to_json() for c in extra_checks] + shown["checks"]
    record = {"report": shown, "source": source, "country": country,
              "credentialId": credential_id if isinstance(credential_id, str) else None,
              "credentialDigest": credential_digest(document) if document else None,
              "canCompareEmail": bool(hashes), "authentic": authentic}
    return kept_results(current_app).keep(record, hashes)


def keep_edc_report(report: EdcReport, country: str | None) -> str:
    """Keeps what the page shows of a European Digital Credential (no e-mail to compare:
    an EDC names its holder)."""
    record = {"report": report.to_json(), "source": "edc", "country": country,
              "credentialId": report.facts.id if report.facts else None,
              "credentialDigest": None, "canCompareEmail": False,
              "authentic": report.seal.authentic}
    return kept_results(current_app).keep(record, ())
