"""The sealed PDF certificate: its words in the holder's language, the page drawn by
`issuer.certificate_pdf`, the credential attached and the whole sealed by `issuer.pdf_seal`.

The words are gettext messages (marked with `N_`, extracted by `make messages`) looked up in
the chosen language's catalogue, like the holder's e-mail, so the same PDF is made from the
holder's page, the officer's console or a worker. What the page states is read from the signed
credential (`certificate_text`), the role's units from the framework in use.
"""
import hashlib
import json
from dataclasses import dataclass, replace

from flask import Response

from issuer.certificate_pdf import CertificateSheet, certificate_pdf
from issuer.edc.service import EdcRefused, EdcSealFailed
from issuer.errors import IssuerError
from issuer.pdf_seal import Attachment, PdfSeal
from issuer.service import IssuerService
from schemas.framework import Framework, FrameworkError, localized
from vc.qr import qr_png
from web.holder.certificate_text import certificate_text
from web.holder.edc_downloads import EDC_MEDIA_TYPE, edc_bytes
from web.officer.reads import CredentialRow
from web.plumbing.file_names import credential_file_name
from web.plumbing.i18n import DEFAULT_LANGUAGE, LANGUAGES, read_catalogues
from web.wiring.services import Services


def N_(text: str) -> str:  # gettext's name for "mark for extraction"
    return text


ROLE_KICKER = N_("Role certificate")
UNIT_KICKER = N_("Competency certificate")
LEAD = N_("This certifies that")
HOLDER_NOTE = N_("The holder's name is in the signed credential: compare it with an "
                 "identity document.")
ROLE_STATEMENT = N_("holds the certified role")
UNIT_STATEMENT = N_("has passed the competency unit")
EQF_LEVEL = N_("EQF level")
EQF_VALUE = N_("%(level)s (European Qualifications Framework)")
RESULT = N_("Result")
ISSUED_BY = N_("Issued by")
VALID_FROM = N_("Valid from")
VALID_UNTIL = N_("Valid until")
NO_END = N_("no end date")
CREDENTIAL_ID = N_("Credential id")
UNITS_HEADING = N_("Competency units of this role")
CHECK_HEADING = N_("Check this certificate online.")
CHECK_TEXT = N_("Scan the QR code or open the link above. The page shows whether the "
                "credential is authentic, still valid and issued by an accredited body. This "
                "PDF is sealed by its issuer and carries the signed credential as an attached "
                "file: the signed credential is what counts.")
VOID_MARKS = {"revoked": N_("REVOKED"), "suspended": N_("SUSPENDED"),
              "expired": N_("EXPIRED")}
VOID_NOTES = {
    "revoked": N_("This credential was revoked by its issuer: this printout no longer "
                  "certifies anything."),
    "suspended": N_("This credential is suspended by its issuer: do not accept it unless it "
                    "is reinstated."),
}
CREDENTIAL_FILE = N_("The signed W3C Verifiable Credential this certificate shows")
SEAL_REASON = N_("Sealed by the issuer of this certificate")
EDC_FILE = N_("The same credential as a European Digital Credential (Europass), sealed by "
              "its issuer")


def sealed_edc(issuer: IssuerService, credential_id: str) -> dict | None:
    """The credential's sealed EDC to attach; None when it gets none now (revoked, suspended,
    expired, no longer in the framework) or the seal cannot be made just now: the PDF is
    still made, with the W3C credential only."""
    try:
        return issuer.edc(credential_id)
    except (EdcRefused, EdcSealFailed, IssuerError):
        return None


def pdf_language(requested: str | None) -> str:
    """One of the partner languages (English when `requested` is none of them)."""
    lang = (requested or "").lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _say(text: str, lang: str) -> str:
    catalogue = read_catalogues().get(lang)
    return catalogue.gettext(text) if catalogue else text


def _units(row: CredentialRow, framework: Framework, lang: str) -> list[str]:
    if row.kind != "role":
        return []
    try:
        return [f"{unit.code} · {localized(unit.name, lang)}"
                for unit in framework.units_of(row.code)]
    except (FrameworkError, KeyError):  # a role of another framework version: no list
        return []


@dataclass(frozen=True)
class CertificateRequest:
    """What a PDF certificate is made of: the credential, its row, where to check it."""

    row: CredentialRow
    document: dict
    link: str  # the share link its QR code holds
    lang: str
    framework: Framework
    edc: dict | None = None  # the sealed European Digital Credential, when it counts now


def certificate_sheet(request: CertificateRequest) -> CertificateSheet:
    row, lang = request.row, request.lang
    text = certificate_text(request.document)
    role = row.kind == "role"
    names = sorted(text.names, key=lambda n: n[0] != lang)  # the holder's language first
    facts = []
    if text.eqf_level:
        facts.append((_say(EQF_LEVEL, lang), _say(EQF_VALUE, lang) % {"level": text.eqf_level}))
    if text.result:
        facts.append((_say(RESULT, lang), text.result))
    facts += [(_say(ISSUED_BY, lang), text.issuer_name),
              (_say(VALID_FROM, lang), text.valid_from),
              (_say(VALID_UNTIL, lang), text.valid_until or _say(NO_END, lang)),
              (_say(CREDENTIAL_ID, lang), row.id)]
    kicker = _say(ROLE_KICKER if role else UNIT_KICKER, lang)
    png, _version = qr_png(request.link, error_correction="M")
    return CertificateSheet(
        title=f"{kicker} · {row.holder} · {row.title}",
        kicker=f"{kicker} · {text.framework}" if text.framework else kicker,
        lead=_say(LEAD, lang), holder=row.holder, holder_note=_say(HOLDER_NOTE, lang),
        statement=_say(ROLE_STATEMENT if role else UNIT_STATEMENT, lang),
        names=[(label, title) for _code, label, title in names], facts=facts,
        units_heading=_say(UNITS_HEADING, lang), units=_units(row, request.framework, lang),
        void_mark=_say(VOID_MARKS[row.state], lang) if row.state in VOID_MARKS else None,
        void_note=_say(VOID_NOTES[row.state], lang) if row.state in VOID_NOTES else None,
        check_heading=_say(CHECK_HEADING, lang), check_text=_say(CHECK_TEXT, lang),
        link=request.link, qr_png=png, author=text.issuer_name, language=lang)


def sealed_certificate(request: CertificateRequest, seal: PdfSeal) -> bytes:
    """The certificate page with the signed credential attached, sealed by the body."""
    credential = json.dumps(request.document, ensure_ascii=False, indent=2).encode()
    attachments = [Attachment("credential.json", credential, "application/vc+ld+json",
                              _say(CREDENTIAL_FILE, request.lang))]
    if request.edc is not None:
        attachments.append(Attachment("europass.jsonld", edc_bytes(request.edc),
                                      EDC_MEDIA_TYPE, _say(EDC_FILE, request.lang)))
    return seal.seal(certificate_pdf(certificate_sheet(request)), attachments,
                     reason=_say(SEAL_REASON, request.lang))


def certificate_key(request: CertificateRequest) -> tuple[str, ...]:
    """What a sealed certificate shows: the signed credential, its state, language and link."""
    digest = hashlib.sha256(json.dumps(request.document, sort_keys=True).encode()).hexdigest()
    return (request.row.id, digest, request.row.state, request.lang, request.link)


def certificate_pdf_of(services: Services, row: CredentialRow, document: dict, link: str,
                       lang: str) -> bytes:
    """The sealed PDF certificate of `row` (its EDC attached while it counts), made once per
    credential, state, language and link (`web.wiring.seal_setup.BodySeal`)."""
    made = CertificateRequest(row, document, link, lang, services.issuer.framework())
    return services.body_seal.certificate(certificate_key(made), lambda seal: sealed_certificate(
        replace(made, edc=sealed_edc(services.issuer, row.id)), seal))


def pdf_name(row: CredentialRow, lang: str) -> str:
    """`<role-or-unit code>-<uuid>-<lang>.pdf`, safe as a file name on every system."""
    return credential_file_name(row.code, row.id, f"-{lang}.pdf")


def pdf_download(pdf: bytes, name: str) -> Response:
    """The PDF as a download; never cached (its QR code carries a share token)."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
