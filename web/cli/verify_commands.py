"""`s4c verify` (a credential file, '-', a QR text or a QR image, or a verification receipt)
and `s4c qr` (print a link QR or a self-contained QR as PNG). Exit codes of verify: 0
verified, 1 not (or a forged receipt), 2 unusable; for a receipt also 3, 4 and 5
(`web.cli.receipt_check`)."""
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from sqlalchemy.orm import sessionmaker

from issuer.service import IssuerError
from issuer.shares import create_share
from vc.errors import VCError
from vc.qr import QRPayloadError, qr_version_for
from vc.trust import TrustSource, TrustSourceUnavailable
from verifier.file_input import parse_file
from verifier.pdf_seal import PdfSealChecker, with_pdf_seal
from verifier.qr_payload import (
    SELF_CONTAINED_MAX_VERSION,
    ScannedInput,
    link_png,
    link_text,
    parse_text,
    self_contained_png,
    self_contained_text,
)
from verifier.receipts import is_receipt
from verifier.service import VerificationReport, Verifier
from web.cli.context import issuer_service
from web.cli.edc_report import verify_edc
from web.cli.receipt_check import report_receipt
from web.cli.vc_commands import read_json_input
from web.employer.verify_api import InputProblem, bounded_json
from web.officer.words import issuer_reason_english
from web.plumbing.finding_words import reason_english, with_reasons
from web.plumbing.i18n import LANGUAGES
from web.wiring import verifiers
from web.wiring.datadir import secret_key
from web.wiring.db import make_engine
from web.wiring.seal_setup import seal_anchors
from web.wiring.settings import Settings
from web.wiring.verifier_identity import verifier_did

MAX_INPUT_BYTES = 10 * 1024 * 1024
VERDICT_WORDS = {"valid": "VALID", "forged-or-malformed": "FORGED OR MALFORMED",
                 "not-valid-now": "AUTHENTIC BUT NOT VALID NOW",
                 "could-not-check": "COULD NOT CHECK"}


def _unusable(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def read_input(value: str) -> ScannedInput:
    """A file (credential or presentation JSON, SD-JWT VC, PDF certificate, PNG/JPEG with a QR
    code), '-' for stdin, or the QR text itself."""
    if value == "-":
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    elif Path(value).is_file():
        with open(value, "rb") as f:
            raw = f.read(MAX_INPUT_BYTES + 1)
    else:
        return parse_text(value)
    if len(raw) > MAX_INPUT_BYTES:
        raise QRPayloadError(f"the input is larger than {MAX_INPUT_BYTES} bytes")
    return parse_file(raw)  # told by content, like the page's upload


def _status_lists(paths: tuple[str, ...]) -> list[object]:
    lists = []
    for path in paths:
        try:
            lists.append(bounded_json(Path(path).read_bytes(), f"status list {path}"))
        except OSError as e:
            _unusable(f"cannot read {path}: {e.strerror}")
        except InputProblem as e:  # not JSON, too large, too deep
            _unusable(str(e))
    return lists


def _trust(settings: Settings, trust_list: str | None, operator_did: str | None
           ) -> TrustSource | None:
    try:
        # the highest trust-list sequence seen, kept across runs: an older list is refused
        sequences = settings.data_dir / "trust-list-sequences.json" \
            if settings.data_dir.is_dir() else None
        return verifiers.open_trust_source(settings.database_url, settings.public_url,
                                           trust_list or settings.trust_list,
                                           operator_did or settings.trust_operator_did,
                                           sequences)
    except TrustSourceUnavailable as e:
        _unusable(str(e))
        raise


def build_verifier(settings: Settings, trust_list: str | None, operator_did: str | None,
                   offline: bool, status_lists: list[object]) -> Verifier:
    trust = _trust(settings, trust_list, operator_did)
    return verifiers.build_verifier(settings, trust, offline=offline, status_lists=status_lists)


def _print_report(report: VerificationReport) -> None:
    headline = report.headline
    date = f" ({headline.date_meaning}: {headline.date})" if headline.date else ""
    reached = f" (could not reach: {', '.join(headline.unreachable)})" \
        if headline.unreachable else ""
    click.echo(f"{VERDICT_WORDS[str(report.verdict)]}: {headline.state}{date}{reached}")
    s = report.summary
    if s:
        issuer = s["issuer"]
        if s["holder"].get("name"):
            click.echo(f"  holder:      {s['holder']['name']}")
            click.echo(f"               {s['holder']['nameNotice']}")
        else:
            click.echo(f"  holder:      {s['holder']['display']}")
        click.echo(f"  achievement: {s['achievement']['name'] or s['achievement']['id']} "
                   f"({s['achievement']['kind'] or '?'}, EQF {s['achievement']['eqfLevel']})")
        unnamed = "(no name registered)" if issuer["registered"] else "(not in the registry)"
        click.echo(f"  issuer:      {issuer['name'] or unnamed} {issuer['id']}")
        accreditation = issuer.get("accreditation") or {}
        if accreditation.get("nameByAnchor") not in (None, issuer["name"]):
            click.echo(f"               as named by {accreditation['anchorName']}: "
                       f"\"{accreditation['nameByAnchor']}\"")
        click.echo(f"  valid:       {s['validFrom']} .. {s['validUntil'] or 'no expiry'}")
        click.echo(f"  status:      {s['status']}")
        if s.get("country"):
            r = s["recognition"]
            click.echo(f"  recognition: {s['country']}: " + (
                f"{r['nqfLevel']} (EQF {r['eqfLevel']})" if r else "none recorded"))
            if r and r.get("note"):  # the registry's words, no longer in the check's sentence
                click.echo(f"               {r['note']}")
    for c in report.checks:
        mark = {"passed": "ok", "failed": "FAIL", "unknown": "??"}[str(c.outcome)]
        click.echo(f"  [{mark:>4}] {c.id}: {reason_english(c.check.finding)}")


@click.command("verify")
@click.argument("source", metavar="INPUT")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--country", metavar="CC", help="Show how this country (ISO code) recognises it.")
@click.option("--lang", default="en", show_default=True, help="Language of names shown.")
@click.option("--trust-list", type=click.Path(dir_okay=False),
              help="A signed trust-list file [default: S4C_TRUST_LIST].")
@click.option("--operator-did", metavar="DID",
              help="The registry operator that signed it [default: S4C_TRUST_OPERATOR_DID].")
@click.option("--offline", is_flag=True,
              help="No network: issuer keys from the trust list (--trust-list), revocation "
                   "and suspension only from --status-list files. Give the credential's "
                   "status lists with --status-list (fetch them while online, e.g. from "
                   "<issuer>/status/revocation/1): without them its status reads 'could not "
                   "check' and the exit code is 1.")
@click.option("--status-list", "status_list_files", multiple=True,
              type=click.Path(dir_okay=False), help="A signed status list credential (repeatable).")
@click.option("--related", "related_files", multiple=True, type=click.Path(dir_okay=False),
              help="A unit credential a role credential was earned from (repeatable).")
@click.option("--verifier", "expected_verifier", metavar="DID",
              help="Receipts: the verifier that must have signed it [default: this "
                   "deployment's, <issuer DID>:verifier].")
@click.option("--credential", "credential_file", type=click.Path(dir_okay=False),
              help="Receipts: the credential (JSON or its QR code) it must be about.")
@click.pass_obj
def verify(settings: Settings, source: str, as_json: bool, country: str | None, lang: str,
           trust_list: str | None, operator_did: str | None, offline: bool,
           status_list_files: tuple[str, ...], related_files: tuple[str, ...],
           expected_verifier: str | None, credential_file: str | None) -> None:
    """Verify INPUT: a credential JSON file, '-' (stdin), a QR text (S4C1:... or a share
    link) or a PNG/JPEG image of the QR code; a European Digital Credential (Europass EDC,
    sealed; anchors from S4C_SEAL_ANCHORS_DIR / S4C_TRUSTED_LIST); or a verification
    receipt downloaded from a verify page: is it genuine, signed by this deployment's verifier (or --verifier), and
    about the --credential file?

    \b
    Exit codes:
      0  verified; a genuine receipt (about --credential, when given)
      1  not verified (forged, not valid now, or could not check); a forged or altered
         receipt
      2  unusable input
      3  a receipt signed by another verifier than this one (or --verifier)
      4  a genuine receipt about another credential than --credential
      5  a receipt whose verifier's keys could not be fetched
    """
    if country is not None and not (len(country) == 2 and country.isalpha()):
        _unusable("--country must be a two-letter ISO 3166-1 code, e.g. BG")
    if expected_verifier is not None and not expected_verifier.startswith("did:"):
        _unusable("--verifier must be a DID, e.g. did:web:certify.example.eu:verifier")
    try:
        scanned = read_input(source)
    except (QRPayloadError, VCError) as e:
        _unusable(reason_english(e.finding))
    except OSError as e:
        _unusable(str(e))
    if scanned.sealed is not None:  # a European Digital Credential (Europass), sealed
        try:
            edc_verifier = verifiers.build_edc_verifier(settings)
        except ValueError as e:
            _unusable(str(e))
        verify_edc(edc_verifier, scanned.sealed, lang if lang in LANGUAGES else "en", as_json)
    if (expected_verifier or credential_file) and not is_receipt(scanned.credential):
        _unusable("--verifier and --credential are for checking a verification receipt")
    if scanned.sd_jwt is not None:
        trust = _trust(settings, trust_list, operator_did)
        report = _with_seal(settings, scanned, verifiers.build_sd_jwt_verifier(
            settings, trust).verify(scanned.sd_jwt, country=country, lang=lang))
        if as_json:
            click.echo(json.dumps(with_reasons(report.to_json()), indent=2, ensure_ascii=False))
        else:
            _print_report(report)
        sys.exit(0 if report.verified else 1)
    if scanned.credential is None:
        _unusable("a share link is checked on the page it opens (or with the credential file); "
                  "the command line cannot look it up")
    related = [*scanned.related, *(read_json_input(path) for path in related_files)]
    verifier = build_verifier(settings, trust_list, operator_did, offline,
                              _status_lists(status_list_files))
    if is_receipt(scanned.credential):
        credential = _credential_file(credential_file) if credential_file else None
        report_receipt(verifier, scanned.credential, expected_verifier or verifier_did(settings),
                       expected_verifier is not None, credential, as_json)
    report = _with_seal(settings, scanned, verifier.verify_credential(
        scanned.credential, country=country, lang=lang, related=related))
    if as_json:
        click.echo(json.dumps(with_reasons(report.to_json()), indent=2, ensure_ascii=False))
    else:
        _print_report(report)
    sys.exit(0 if report.verified else 1)


def _with_seal(settings: Settings, scanned: ScannedInput,
               report: VerificationReport) -> VerificationReport:
    """A PDF certificate's seal, checked against S4C_SEAL_ANCHORS_DIR, as its own check."""
    if scanned.sealed_pdf is None:
        return report
    try:
        checker = PdfSealChecker(seal_anchors(settings))
    except (ValueError, OSError) as e:
        _unusable(str(e))
    return with_pdf_seal(report, checker.check(scanned.sealed_pdf))


def _credential_file(path: str) -> object:
    """The credential a receipt must be about, read as INPUT is (its JSON, or a QR code of
    it), so that its digest is computed over the same JSON the verify page had."""
    if not Path(path).is_file():
        _unusable(f"--credential: cannot read {path}")
    try:
        scanned = read_input(path)
    except (QRPayloadError, VCError) as e:
        _unusable(f"--credential: {reason_english(e.finding)}")
    except OSError as e:
        _unusable(f"--credential: {e}")
    if scanned.credential is None:
        _unusable("--credential must be the credential (JSON, or a QR code of it) the receipt "
                  "is about")
    return scanned.credential


def _signed_summary(settings: Settings, credential: dict) -> dict:
    """The compact summary, signed by this instance's issuer (which records it)."""
    try:
        return issuer_service(settings).signed_summary(credential, actor="s4c qr")
    except IssuerError as e:
        _unusable(f"the credential does not fit a QR code of version {SELF_CONTAINED_MAX_VERSION}"
                  f", and {issuer_reason_english(e)}; use --mode link")
        raise


def _share_token(settings: Settings, credential: dict, expires_days: int | None) -> str:

    expires = datetime.now(UTC) + timedelta(days=expires_days) if expires_days else None
    sessions = sessionmaker(make_engine(settings.database_url))
    try:
        # the web app's key, so that the console can show (and withdraw) this link too
        return create_share(sessions, str(credential.get("id")), actor="s4c qr",
                            key=secret_key(settings.data_dir), expires_at=expires)
    except LookupError as e:
        _unusable(f"{e}: a link can only be made for a credential issued here")
        raise


@click.command("qr")
@click.argument("credential_file", metavar="CREDENTIAL.json")
@click.option("--mode", type=click.Choice(["link", "self-contained"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="Where to write the PNG.")
@click.option("--expires-days", type=click.IntRange(1, 1830),  # shares.MAX_SHARE_DAYS
              help="Link mode: the link stops working after this many days (default 365).")
@click.pass_obj
def qr(settings: Settings, credential_file: str, mode: str, output: str,
       expires_days: int | None) -> None:
    """Write CREDENTIAL.json as a QR code PNG and print its QR version.

    link: a short link to this verifier's page (a new share link, which the console lists
    and can withdraw; version <= 6).
    self-contained: the signed credential itself (S4C1:), verifiable offline (version <= 25);
    a credential too large for that becomes a compact summary signed by this issuer.
    """
    credential = read_json_input(credential_file)
    try:
        if mode == "link":
            token = _share_token(settings, credential, expires_days)
            png, version = link_png(settings.public_url, token)
            click.echo(link_text(settings.public_url, token))
        else:
            text = self_contained_text(credential)
            if qr_version_for(text) > SELF_CONTAINED_MAX_VERSION:
                credential = _signed_summary(settings, credential)
                click.echo("the credential is too large: writing its signed compact summary")
            png, version = self_contained_png(credential)
    except (QRPayloadError, VCError) as e:
        _unusable(str(e))
    Path(output).write_bytes(png)
    click.echo(f"QR version {version} (error correction M) written to {output}")


COMMANDS = (verify, qr)
