"""The employer's page: `/verify` (scan, upload a photo, or paste) and `/v/<token>` (a
credential its holder shared by link). Photos are decoded on the server (zxing-cpp); the
camera is decoded in the browser by jsQR, installed from npm into
`web/static/verify/node_modules` and served from there (never copied into the repo)."""
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file
from flask_babel import gettext as _

from vc.errors import VCError
from vc.json_input import MAX_DEPTH, json_depth
from vc.qr import MAX_IMAGE_BYTES, QRPayloadError
from verifier.qr_payload import ScannedInput, parse_image, parse_text
from verifier.service import VerificationReport
from web.i18n import LANGUAGES, choose_language_with, current_language, verify_page_language
from web.verifiers import verifier_for_app
from web.verify_words import id_words

ShareLookup = Callable[[str], dict | None]
NODE_MODULES = Path(__file__).resolve().parent / "static" / "verify" / "node_modules"
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


def _render(report: VerificationReport | None = None, error: str | None = None,
            source: str | None = None, status: int = 200) -> tuple[str, int]:
    words = id_words()
    return render_template("verify/page.html", word=lambda key: words.get(key, key),
                           lang=current_language(), languages=LANGUAGES,
                           countries=COUNTRIES, country=_country(),
                           report=report.to_json() if report else None, error=error,
                           source=source), status


def _verify(scanned: ScannedInput, lookup: ShareLookup | None) -> tuple[str, int]:
    credential = scanned.credential
    if scanned.token is not None:
        lookup = current_app.config.get("S4C_SHARE_LOOKUP") or lookup
        credential = lookup(scanned.token) if lookup is not None else None
        if credential is None:
            return _render(error=_("This link is unknown, was withdrawn by its holder, or has "
                                    "expired."), status=404)
    if json_depth(credential) > MAX_DEPTH:
        return _render(error=f"{_('This could not be read')}: the document is nested too "
                             "deeply", status=400)
    report = verifier_for_app(current_app).verify_credential(credential, country=_country(),
                                                             lang=current_language())
    return _render(report, source=scanned.source)


def verify_page_blueprint(share_lookup: ShareLookup | None = None) -> Blueprint:
    """The page's blueprint; `share_lookup(token)` returns a shared credential or None."""
    page = Blueprint("verify_page", __name__)
    choose_language_with(page, verify_page_language)

    @page.get("/verify")
    def form() -> tuple[str, int]:
        return _render()

    @page.post("/verify")
    def submit() -> tuple[str, int]:
        request.max_content_length = MAX_IMAGE_BYTES + 64 * 1024  # phone photos are large
        try:
            photo = request.files.get("photo")
            if photo is not None and photo.filename:
                scanned = parse_image(photo.stream.read(MAX_IMAGE_BYTES + 1))
            else:
                scanned = parse_text(request.form.get("text", ""))
        except (QRPayloadError, VCError) as e:
            return _render(error=f"{_('This could not be read')}: {e}", status=400)
        return _verify(scanned, share_lookup)

    @page.get("/v/<token>")
    def shared(token: str) -> tuple[str, int]:
        return _verify(ScannedInput(token=token, source="link"), share_lookup)

    @page.get("/verify/vendor/jsQR.js")
    def jsqr() -> Response:
        if not JSQR_FILE.is_file():
            abort(404, "jsQR is not installed: run `npm ci --prefix web/static/verify`")
        response = send_file(JSQR_FILE, mimetype="text/javascript", max_age=86400)
        return response

    return page
