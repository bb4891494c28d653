"""The employer's page: `/verify` (scan, upload a photo, or paste) and `/v/<token>` (a
credential its holder shared by link). Photos are decoded on the server (zxing-cpp); the
camera is decoded in the browser by jsQR, installed from npm into
`web/static/verify/node_modules` and served from there (never copied into the repo)."""
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from vc.errors import VCError
from vc.json_input import MAX_DEPTH, json_depth
from vc.qr import MAX_IMAGE_BYTES, QRPayloadError
from verifier.qr_payload import ScannedInput, parse_image, parse_text
from verifier.service import VerificationReport
from web.verifiers import verifier_for_app
from web.verify_i18n import COUNTRIES, LANGUAGES, language_of, translator

ShareLookup = Callable[[str], dict | None]
NODE_MODULES = Path(__file__).resolve().parent / "static" / "verify" / "node_modules"
JSQR_FILE = NODE_MODULES / "jsqr" / "dist" / "jsQR.js"


def _lang() -> str:
    best = request.accept_languages.best_match(list(LANGUAGES))
    return language_of(request.values.get("lang"), best)


def _country() -> str | None:
    country = (request.values.get("country") or "").upper()
    return country if country in COUNTRIES else None


def _render(report: VerificationReport | None = None, error: str | None = None,
            source: str | None = None, status: int = 200) -> tuple[str, int]:
    lang = _lang()
    return render_template("verify/page.html", t=translator(lang), lang=lang,
                           languages=LANGUAGES, countries=COUNTRIES, country=_country(),
                           report=report.to_json() if report else None, error=error,
                           source=source), status


def _verify(scanned: ScannedInput, lookup: ShareLookup | None) -> tuple[str, int]:
    t = translator(_lang())
    credential = scanned.credential
    if scanned.token is not None:
        lookup = current_app.config.get("S4C_SHARE_LOOKUP") or lookup
        credential = lookup(scanned.token) if lookup is not None else None
        if credential is None:
            return _render(error=t("link_not_found"), status=404)
    if json_depth(credential) > MAX_DEPTH:
        return _render(error=f"{t('error')}: the document is nested too deeply", status=400)
    report = verifier_for_app(current_app).verify_credential(credential, country=_country(),
                                                             lang=_lang())
    return _render(report, source=scanned.source)


def verify_page_blueprint(share_lookup: ShareLookup | None = None) -> Blueprint:
    """The page's blueprint; `share_lookup(token)` returns a shared credential or None."""
    page = Blueprint("verify_page", __name__)

    @page.get("/verify")
    def form() -> tuple[str, int]:
        return _render()

    @page.post("/verify")
    def submit() -> tuple[str, int]:
        request.max_content_length = MAX_IMAGE_BYTES + 64 * 1024  # phone photos are large
        t = translator(_lang())
        try:
            photo = request.files.get("photo")
            if photo is not None and photo.filename:
                scanned = parse_image(photo.stream.read(MAX_IMAGE_BYTES + 1))
            else:
                scanned = parse_text(request.form.get("text", ""))
        except (QRPayloadError, VCError) as e:
            return _render(error=f"{t('error')}: {e}", status=400)
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
