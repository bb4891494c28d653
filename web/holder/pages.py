"""What a holder takes away: a printable certificate with a QR code, the credential file,
and the public JSON behind a share link.

The QR code on the certificate holds the share link `<public_url>/v/<token>` (the
verifier's page): the credential's current link (`issuer.shares.current_share`), the same in
every session until it is withdrawn or expires. Tokens are derived from a link's id with the
app's secret key, so only this server, not its database alone, can show a link again.
"""
import base64
import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    make_response,
    render_template,
    request,
)
from flask_babel import gettext

from issuer.service import NotFound
from issuer.shares import current_share, lookup_share
from vc.language_maps import language_map, pick_language
from vc.qr import qr_png
from web.holder.certificate_sheets import certificate_pdf_of, pdf_download, pdf_language, pdf_name
from web.holder.certificate_text import certificate_text
from web.holder.edc_downloads import edc_download
from web.officer import reads
from web.plumbing.auth import login_required
from web.plumbing.file_names import credential_file_name
from web.plumbing.i18n import (  # the partner languages, in the order a certificate lists them
    current_language,
)
from web.plumbing.problems import problem
from web.wiring.services import current_services

holder_pages = Blueprint("holder_pages", __name__)

def N_(text: str) -> str:  # gettext's name for "mark for extraction"
    return text


def share_url(token: str) -> str:
    """The public link a holder gives away (the verifier's `/v/<token>` page)."""
    return f"{current_services().settings.public_url}/v/{token}"


def share_key() -> bytes:
    """The key share tokens are derived with: the app's secret key (one per data directory)."""
    key = current_app.secret_key
    return key if isinstance(key, bytes) else str(key).encode()


def role_units(document: dict, lang: str) -> list[tuple[str, str]]:
    """(code, name in `lang`) of the unit credentials a role credential was earned from: the
    ones its signed `relatedResource` names, as this issuer keeps them."""
    service = current_services().issuer
    out = []
    for related in document.get("relatedResource") or []:
        if not isinstance(related, dict) or not isinstance(related.get("id"), str):
            continue
        try:
            unit = service.credential(related["id"]).document
        except NotFound:
            continue
        achievement = (unit.get("credentialSubject") or {}).get("achievement") or {}
        names = language_map(achievement.get("name"))
        out.append((str(achievement.get("humanCode", "")),
                    pick_language(names, lang) or str(achievement.get("humanCode", ""))))
    return sorted(out)


STATE_WORDS = {"revoked": N_("Revoked"), "suspended": N_("Suspended"), "expired": N_("Expired")}


def render_certificate(row: reads.CredentialRow, document: dict, link: str, lang: str) -> str:
    """The printable certificate in `lang`: its words, the title in that language first, and
    for a role the units it was earned from."""
    text = certificate_text(document)
    names = sorted(text.names, key=lambda n: n[0] != lang)  # the reader's language first
    png, _version = qr_png(link, error_correction="M")
    state = STATE_WORDS.get(row.state)
    return render_template(
        "holder/certificate.html", row=row, text=text, names=names, share_link=link,
        qr_data_url=_png_data_url(png), lang=lang,
        units=role_units(document, lang) if row.kind == "role" else [],
        state_word=gettext(state) if state else row.state)


def _png_data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _record(credential_id: str) -> tuple[reads.CredentialRow, dict]:
    service = current_services().issuer
    try:
        return reads.credential_row(service, credential_id), \
            service.credential(credential_id).document
    except NotFound:
        abort(404, description=f"no credential {credential_id!r}")


@holder_pages.get("/credentials/<path:credential_id>/certificate")
@login_required
def certificate(credential_id: str) -> Response:
    row, document = _record(credential_id)
    link = share_url(current_share(current_services().issuer.sessions, credential_id,
                                   share_key(), g.officer))
    response = make_response(render_certificate(row, document, link, current_language()))
    response.headers["Cache-Control"] = "private, no-store"  # it carries a share token
    return response


@holder_pages.get("/credentials/<path:credential_id>/certificate-pdf")
@login_required
def certificate_pdf(credential_id: str) -> Response:
    """The sealed PDF certificate, in `?lang=` (a partner language), else the console's."""
    row, document = _record(credential_id)
    services = current_services()
    link = share_url(current_share(services.issuer.sessions, credential_id, share_key(),
                                   g.officer))
    lang = pdf_language(request.args.get("lang") or current_language())
    return pdf_download(certificate_pdf_of(services, row, document, link, lang),
                        pdf_name(row, lang))


def download_name(row: reads.CredentialRow) -> str:
    """`<role-or-unit code>-<uuid>.json`, safe as a file name on every system."""
    return credential_file_name(row.code, row.id, ".json")


@holder_pages.get("/credentials/<path:credential_id>/download")
@login_required
def download(credential_id: str) -> Response:
    row, document = _record(credential_id)
    body = json.dumps(document, indent=2, ensure_ascii=False)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(row)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@holder_pages.get("/credentials/<path:credential_id>/europass")
@login_required
def europass(credential_id: str) -> Response:
    """The officer's copy of the credential's European Digital Credential."""
    row, _document = _record(credential_id)
    return edc_download(row.id, row.code)


@holder_pages.get("/shares/<token>/credential")
def shared_credential(token: str) -> Response:
    document = lookup_share(current_services().issuer.sessions, token)
    if document is None:
        return problem(404, "This share link is unknown, withdrawn or expired.")
    response = Response(json.dumps(document, ensure_ascii=False),
                        mimetype="application/vc+ld+json")
    # A holder may revoke the link at any moment: never serve it from a cache.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
