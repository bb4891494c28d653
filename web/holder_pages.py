"""What a holder takes away: a printable certificate with a QR code, the credential file,
and the public JSON behind a share link.

The QR code on the certificate holds the share link `<public_url>/v/<token>` (the
verifier's page): the credential's current link (`issuer.shares.current_share`), the same in
every session until it is withdrawn or expires. Tokens are derived from a link's id with the
app's secret key, so only this server, not its database alone, can show a link again.
"""
import base64
import json
import re
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, g, make_response, render_template
from flask_babel import gettext

from issuer.service import NotFound
from issuer.shares import current_share, lookup_share
from vc.language_maps import language_map, pick_language
from vc.qr import qr_png
from web import issuer_reads as reads
from web.auth import login_required
from web.i18n import (
    LANGUAGES,  # the partner languages, in the order a certificate lists them
    current_language,
)
from web.problems import problem
from web.services import current_services

holder_pages = Blueprint("holder_pages", __name__)

EQF_FRAMEWORK = "European Qualifications Framework"


def N_(text: str) -> str:  # gettext's name for "mark for extraction"
    return text


def share_url(token: str) -> str:
    """The public link a holder gives away (the verifier's `/v/<token>` page)."""
    return f"{current_services().settings.public_url}/v/{token}"


def share_key() -> bytes:
    """The key share tokens are derived with: the app's secret key (one per data directory)."""
    key = current_app.secret_key
    return key if isinstance(key, bytes) else str(key).encode()


@dataclass(frozen=True)
class CertificateText:
    """What the certificate prints, read from the signed credential itself."""

    names: list[tuple[str, str, str]]  # (language code, language name, title)
    eqf_level: str | None
    framework: str | None
    issuer_name: str
    valid_from: str
    valid_until: str | None
    result: str | None
    badge: str | None = None  # the signed achievement image, an SVG or PNG data URI


BADGE_PREFIXES = ("data:image/svg+xml;base64,", "data:image/png;base64,")


def achievement_badge(achievement: dict) -> str | None:
    """The achievement's OB 3.0 `image` when it is picture data (shown in an <img>, where an
    SVG runs no script); a link to elsewhere is not fetched by the page."""
    image = achievement.get("image")
    uri = image.get("id") if isinstance(image, dict) else image
    return uri if isinstance(uri, str) and uri.startswith(BADGE_PREFIXES) else None


def certificate_text(document: dict) -> CertificateText:
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    by_lang = language_map(achievement.get("name") or document.get("name"))
    names = [(code, label, by_lang[code]) for code, label in LANGUAGES.items()
             if code in by_lang]
    alignment = [a for a in achievement.get("alignment") or [] if isinstance(a, dict)]
    eqf = next((a.get("targetCode") for a in alignment
                if a.get("targetFramework") == EQF_FRAMEWORK), None)
    framework = next((a.get("targetFramework") for a in alignment if a.get("targetCode")
                      and a.get("targetFramework") not in (EQF_FRAMEWORK, "ESCO")), None)
    issuer = document.get("issuer")
    results = subject.get("result") or []
    return CertificateText(
        names=names, eqf_level=eqf, framework=framework,
        issuer_name=str(issuer.get("name", issuer.get("id", ""))) if isinstance(issuer, dict)
        else str(issuer),
        valid_from=str(document.get("validFrom", ""))[:10],
        valid_until=str(document["validUntil"])[:10] if document.get("validUntil") else None,
        result=results[0].get("value") if results and isinstance(results[0], dict) else None,
        badge=achievement_badge(achievement))


def role_units(document: dict, lang: str) -> list[tuple[str, str]]:
    """(code, name in `lang`) of the unit credentials a role credential was earned from: the
    ones its signed `relatedResource` names, as this issuer keeps them (issue 26, item 9)."""
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
    for a role the units it was earned from (issue 26, item 9)."""
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


def download_name(row: reads.CredentialRow) -> str:
    """`<role-or-unit code>-<uuid>.json`, safe as a file name on every system."""
    suffix = row.id.removeprefix("urn:uuid:")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", f"{row.code}-{suffix}")[:150] + ".json"


@holder_pages.get("/credentials/<path:credential_id>/download")
@login_required
def download(credential_id: str) -> Response:
    row, document = _record(credential_id)
    body = json.dumps(document, indent=2, ensure_ascii=False)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(row)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


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
