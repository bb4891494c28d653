"""The employer's page: `/verify` (scan, upload a photo, or paste) and `/v/<token>` (a
credential its holder shared by link). Photos are decoded on the server (zxing-cpp); the
camera is decoded in the browser by jsQR, installed from npm into
`web/static/verify/node_modules` and served from there (never copied into the repo).

After each check the page redirects (POST, then GET) to the result kept for an hour under a
random id (`verifier.kept_results`, in the database so every worker finds it): reloading does
not check again, and the language can be changed, the page printed, or a signed receipt
downloaded, all from what was checked then. The holder e-mail field posts to the result and
answers on the same page.

"Ask for it from a wallet" (`/verify/wallet`) makes an OpenID4VP request (`web.wallet.oid4vp`) and
shows it as a QR code and a link; the page follows it (`…/status`, polled by wallet.js, or
reloaded) and, once the wallet has answered, goes on to the kept result like any other check.
"""
import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as WerkzeugResponse

from vc.codes import InputCode
from vc.errors import VCError
from vc.findings import Finding, finding
from vc.instants import format_instant
from vc.json_input import MAX_DEPTH, json_depth
from vc.qr import QRPayloadError, qr_png
from verifier.file_input import MAX_FILE_BYTES, parse_file
from verifier.holder_identity import MAX_EMAIL_CHARS, email_matches
from verifier.pdf_seal import with_pdf_seal
from verifier.qr_payload import ScannedInput, parse_text
from verifier.receipts import receipt_document
from verifier.vp_requests import refusal_finding
from web.employer.keep import keep_edc_report, keep_report, kept_results
from web.employer.view import (
    TONES,
    achievement_view,
    check_rows,
    day,
    edc_view,
    headline_words,
    moment,
    recognition_note,
)
from web.employer.words import id_words
from web.plumbing.finding_words import say, without_reprs
from web.plumbing.i18n import (
    LANGUAGES,
    choose_language_with,
    current_language,
    verify_page_language,
)
from web.wallet.oid4vp.endpoints import link_of, presentation_requests, start_request
from web.wallet.oid4vp.requests import RESPONSE_MODES
from web.wiring.services import current_services
from web.wiring.verifier_identity import signed_by_verifier, verifier_did, verifier_did_document
from web.wiring.verifiers import edc_verifier_for_app, sd_jwt_verifier_for_app, verifier_for_app

ShareLookup = Callable[[str], dict | None]
NODE_MODULES = Path(__file__).resolve().parent.parent / "static" / "verify" / "node_modules"
JSQR_FILE = NODE_MODULES / "jsqr" / "dist" / "jsQR.js"

# EU/EEA countries by their own names, so the list needs no translation.
COUNTRIES = {
    "AT": "Österreich", "BE": "België / Belgique", "BG": "България", "CY": "Κύπρος",
    "CZ": "Česko", "DE": "Deutschland", "DK": "Danmark", "EE": "Eesti",
    "ES": "España", "FI": "Suomi", "FR": "France", "GR": "Ελλάδα", "HR": "Hrvatska",
    "HU": "Magyarország", "IE": "Éire / Ireland", "IS": "Ísland", "IT": "Italia",
    "LI": "Liechtenstein", "LT": "Lietuva", "LU": "Luxembourg", "LV": "Latvija",
    "MT": "Malta", "NL": "Nederland", "NO": "Norge", "PL": "Polska", "PT": "Portugal",
    "RO": "România", "SE": "Sverige", "SI": "Slovenija", "SK": "Slovensko",
}


def _country() -> str | None:
    country = (request.values.get("country") or "").upper()
    return country if country in COUNTRIES else None


def _page(status: int = 200, **context: Any) -> tuple[str, int]:
    words = id_words()
    context.setdefault("country", _country())
    return render_template("verify/page.html", word=lambda key: words.get(key, key),
                           lang=current_language(), languages=LANGUAGES,
                           countries=COUNTRIES, **context), status


def _error(found: Finding, status: int) -> tuple[str, int]:
    """A page that says why the input could not be checked, and nothing else: the finding's
    sentence in the page's language, its technical detail (English) under it."""
    return _page(status, error={"text": say(found), "detail": without_reprs(found.detail)})


def _framework():  # the framework in use, for descriptions; None when it cannot be read
    try:
        return current_services().issuer.framework()
    except Exception:  # a description is a courtesy: never let it take the answer down
        current_app.logger.exception("the framework could not be read for the verify page")
        return None


def _result_page(result_id: str, record: dict[str, Any], status: int = 200,
                 email: str | None = None) -> tuple[str, int]:
    """The kept result in the page's language."""
    lang = current_language()
    report = record["report"]
    headline = report.get("headline") or {}
    state = str(headline.get("state"))
    title, advice = headline_words(headline)
    summary = report.get("summary") or {}
    forged = report.get("verdict") == "forged-or-malformed"
    edc = report.get("kind") == "edc"
    settings = current_services().settings
    return _page(
        status, result_id=result_id, state=state,
        tone=TONES.get(state, "unknown"), title=title, advice=advice, forged=forged,
        verdict=report.get("verdict"), s=None if forged or edc else summary,
        edc=edc_view(report, lang), is_edc=edc,
        achievement=None if forged or edc else achievement_view(summary, _framework(), lang),
        recognition_note=recognition_note(summary, lang), checks=check_rows(report),
        source=record.get("source"), country=record.get("country"),
        checked_at=moment(report.get("checkedAt")), credential_id=record.get("credentialId"),
        valid_from=day(summary.get("validFrom")), valid_until=day(summary.get("validUntil")),
        verifier_address=settings.public_url + url_for("verify_page.form"),
        verifier_did=verifier_did(settings), email=email,
        authentic=bool(record.get("authentic")),
        can_compare_email=bool(record.get("canCompareEmail")))


def _keep_and_show(scanned: ScannedInput, lookup: ShareLookup | None,
                   country: str | None) -> tuple[str, int] | WerkzeugResponse:
    credential = scanned.credential
    if scanned.sealed is not None:  # a European Digital Credential: its seal, not a proof
        sealed = edc_verifier_for_app(current_app).verify(scanned.sealed)
        return redirect(url_for("verify_page.result", result_id=keep_edc_report(sealed, country),
                                lang=current_language()), 303)
    if scanned.token is not None:
        lookup = current_app.config.get("S4C_SHARE_LOOKUP") or lookup
        credential = lookup(scanned.token) if lookup is not None else None
        if credential is None:
            return _page(404, error_text=_(
                "This link is unknown, was withdrawn by its holder, or has expired."))
    if scanned.sd_jwt is not None:
        report = sd_jwt_verifier_for_app(current_app).verify(
            scanned.sd_jwt, country=country, lang=current_language())
        credential = None
    elif json_depth(credential) > MAX_DEPTH:
        return _error(finding(InputCode.TOO_DEEP), 400)
    else:
        report = verifier_for_app(current_app).verify_credential(
            credential, country=country, lang=current_language(), related=scanned.related)
    if scanned.sealed_pdf is not None:  # a PDF certificate: its seal is checked too
        report = with_pdf_seal(report,
                               current_services().pdf_seal_checker.check(scanned.sealed_pdf))
    result_id = keep_report(report, credential, scanned.source, country)
    return redirect(url_for("verify_page.result", result_id=result_id,
                            lang=current_language()), 303)


def _kept(result_id: str) -> dict[str, Any] | None:
    return kept_results(current_app).get(result_id)


def _gone() -> tuple[str, int]:
    return _page(404, error_text=_("This result is no longer kept (results are kept for an "
                                   "hour). Check the credential again."))


def _refusal(stored: str | None, detail_key: str, text_key: str) -> dict[str, str | None]:
    """Why the last answer was refused: its words in the page's language (from the catalogue,
    by code) and the verifier's English reason as the technical detail."""
    found = refusal_finding(stored)
    if found is None:
        return {detail_key: None, text_key: None}
    return {detail_key: found.detail or found.code, text_key: say(found)}


def verify_page_blueprint(share_lookup: ShareLookup | None = None) -> Blueprint:
    """The page's blueprint; `share_lookup(token)` returns a shared credential or None."""
    page = Blueprint("verify_page", __name__)
    choose_language_with(page, verify_page_language)

    @page.get("/verify")
    def form() -> tuple[str, int]:
        return _page()

    @page.post("/verify")
    def submit() -> tuple[str, int] | WerkzeugResponse:
        request.max_content_length = MAX_FILE_BYTES + 64 * 1024  # phone photos are large
        try:
            # the file is told by its content, never by its name or declared type
            upload = request.files.get("photo")
            if upload is not None and upload.filename:
                scanned = parse_file(upload.stream.read(MAX_FILE_BYTES + 1))
            else:
                scanned = parse_text(request.form.get("text", ""))
        except (QRPayloadError, VCError) as e:
            return _error(e.finding, 400)
        except RequestEntityTooLarge:  # the body as a whole, before any file is read
            # the form cannot be read: the page forgets it (its language is in the query)
            # rather than trying again, which would fail the same way and lose the words
            request.__dict__.update(form=ImmutableMultiDict(), files=ImmutableMultiDict())
            return _error(finding(InputCode.FILE_TOO_LARGE, n=MAX_FILE_BYTES // (1024 * 1024)),
                          413)
        return _keep_and_show(scanned, share_lookup, _country())

    @page.get("/v/<token>")
    def shared(token: str) -> tuple[str, int] | WerkzeugResponse:
        return _keep_and_show(ScannedInput(token=token, source="link"), share_lookup,
                              _country())

    @page.get("/verify/r/<result_id>")
    def result(result_id: str) -> tuple[str, int]:
        record = _kept(result_id)
        return _gone() if record is None else _result_page(result_id, record)

    @page.post("/verify/r/<result_id>/email")
    def compare_email(result_id: str) -> tuple[str, int]:
        record = _kept(result_id)
        if record is None:
            return _gone()
        typed = request.form.get("email", "")[:MAX_EMAIL_CHARS + 1]
        hashes = kept_results(current_app).email_hashes(result_id)
        if hashes is None:
            return _result_page(result_id, record, 429, email="exhausted")
        match = email_matches(hashes, typed)
        answer = "none" if match is None else ("yes" if match else "no")
        return _result_page(result_id, record, email=answer)

    @page.get("/verify/r/<result_id>/receipt.json")
    def receipt(result_id: str) -> Response | tuple[str, int]:
        record = _kept(result_id)
        if record is None:
            return _gone()
        report = record["report"]
        settings = current_services().settings
        document = receipt_document(
            verifier_did=verifier_did(settings), report=report,
            checked_at=report.get("checkedAt"),
            checked_by=settings.public_url + url_for("verify_page.form"),
            credential_id=record.get("credentialId"),
            credential_digest=record.get("credentialDigest"))
        signed = signed_by_verifier(current_app, document,
                                    verifier_for_app(current_app).store)
        response = jsonify(signed)
        response.headers["Content-Disposition"] = \
            f'attachment; filename="verification-receipt-{day(report.get("checkedAt"))}.json"'
        return response

    @page.post("/verify/wallet")
    def ask_wallet() -> WerkzeugResponse:
        # the page's box (checked by default) asks for an encrypted answer, as HAIP 1.0 does
        mode = request.form.get("response_mode", "direct_post")
        if mode not in RESPONSE_MODES:
            mode = "direct_post"
        transaction_id, _link = start_request(mode, _country(), current_language())
        return redirect(url_for("verify_page.wallet_request", transaction_id=transaction_id,
                                lang=current_language()), 303)

    @page.get("/verify/wallet/<transaction_id>")
    def wallet_request(transaction_id: str) -> tuple[str, int] | WerkzeugResponse:
        found = presentation_requests(current_app).by_transaction(transaction_id)
        if found is None:
            return _page(404, error_text=_("This request to a wallet is unknown or no longer "
                                           "kept. Ask again."))
        if found.result_id is not None:
            return redirect(url_for("verify_page.result", result_id=found.result_id,
                                    lang=current_language()), 303)
        link = link_of(found)
        png, _version = qr_png(link, error_correction="L")
        return _page(wallet={
            "link": link, "qr": "data:image/png;base64," + base64.b64encode(png).decode(),
            "expired": found.expired, "closed": found.closed,
            # the reader's own time zone: wallet.js rewrites it from the ISO instant; the
            # server's words (UTC) stay for a page without script
            "expires": Markup('<time id="wallet-expires" datetime="{}">{}</time>').format(
                format_instant(found.expires_at), moment(format_instant(found.expires_at))),
            **_refusal(found.refusal, "refusal", "refusal_text"),
            "encrypted":
                found.request.get("response_mode") == "direct_post.jwt",
            "status_url": url_for("verify_page.wallet_status", transaction_id=transaction_id,
                                  lang=current_language())})

    @page.get("/verify/wallet/<transaction_id>/status")
    def wallet_status(transaction_id: str) -> Response:
        """For the page's script (it polls until the wallet answers)."""
        found = presentation_requests(current_app).by_transaction(transaction_id)
        answer: dict[str, Any] = {"state": "unknown"}
        if found is not None and found.result_id is not None:
            answer = {"state": "answered", "result": url_for(
                "verify_page.result", result_id=found.result_id, lang=current_language())}
        elif found is not None:
            answer = {"state": "expired" if found.expired else
                      "closed" if found.closed else "waiting",
                      **_refusal(found.refusal, "refusal", "refusalText"),
                      "link": link_of(found)}
        response = jsonify(answer)
        response.headers["Cache-Control"] = "no-store"
        return response

    @page.get("/verifier/did.json")
    def verifier_did_json() -> Response:
        response = jsonify(verifier_did_document(current_app))
        response.mimetype = "application/did+json"
        response.headers["Access-Control-Allow-Origin"] = "*"  # public, fetched by anyone
        return response

    @page.get("/verify/vendor/jsQR.js")
    def jsqr() -> Response:
        if not JSQR_FILE.is_file():
            abort(404, "jsQR is not installed: run `npm ci --prefix web/static/verify`")
        return send_file(JSQR_FILE, mimetype="text/javascript", max_age=86400)

    return page
