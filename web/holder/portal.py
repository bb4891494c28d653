"""The holder's own page, `/holder/`: a certified professional signs in with the
personal link their certification body e-mailed them, and then, for each credential with
its live status, can download it, print the certificate, show its QR codes, make and
withdraw share links, add it to a wallet (OpenID4VCI offer, Aries when an agent is set up)
and add it to their LinkedIn profile.

Every page is the holder's own: a credential of someone else answers 404, as one that does
not exist. Forms carry the CSRF token of the session.
"""
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from issuer import sign_in_limits
from issuer.aries.agent import AgentError
from issuer.aries.local import agent_client
from issuer.errors import NotFound
from issuer.holder_sign_in import choose_language, end_session, holder_for_session, use_link
from issuer.shares import (
    MAX_SHARE_DAYS,
    ShareError,
    create_share,
    current_share,
    revoke_share,
    shares_of,
)
from vc.language_maps import language_map, pick_language
from vc.qr import qr_png
from web.holder.certificate_sheets import certificate_pdf_of, pdf_download, pdf_language, pdf_name
from web.holder.certificate_text import certificate_text
from web.holder.edc_downloads import edc_download
from web.holder.pages import (
    _png_data_url,
    download_name,
    render_certificate,
    share_key,
    share_url,
)
from web.holder.qr import credential_qr
from web.officer import reads
from web.officer.words import issuer_reason
from web.plumbing.auth import CSRF_FIELD, protect_forms, safe_next
from web.plumbing.confirmation import confirmed
from web.plumbing.i18n import LANGUAGES, choose_language_with, current_language
from web.wallet.oid4vci.offers import offer_uri
from web.wiring.job_queue import QueueUnavailable
from web.wiring.services import current_services

holder_portal = Blueprint("holder_portal", __name__, url_prefix="/holder")
protect_forms(holder_portal)
SESSION_KEY = "holder_sid"
NEXT_KEY = "holder_next"
LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
QUEUE_RETRY_SECONDS = 60


def holder_language() -> str:
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        session["holder_lang"] = asked
        return asked
    chosen = session.get("holder_lang")
    if chosen in LANGUAGES:
        return str(chosen)
    holder = g.get("holder")
    if holder is not None and holder.language in LANGUAGES:
        return str(holder.language)
    return request.accept_languages.best_match(list(LANGUAGES), default="en")


choose_language_with(holder_portal, holder_language)


def _now() -> datetime:
    return datetime.now(UTC)


@holder_portal.before_request
def _load_holder() -> None:
    g.holder = holder_for_session(current_services().issuer.sessions,
                                  session.get(SESSION_KEY), _now())


def _signed_in() -> None:
    if g.holder is None:
        abort(redirect(url_for("holder_portal.sign_in_form")))


def _page(template: str, status: int = 200, **context) -> Response:
    response = make_response(render_template(
        template, lang=current_language(), languages=LANGUAGES, holder=g.holder,
        csrf_field=CSRF_FIELD, demo_outbox=not current_services().settings.smtp_url,
        **context), status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- signing in ------------------------------------------------------------------------------
@holder_portal.get("/sign-in")
def sign_in_form() -> Response:
    return _page("holder/sign_in.html", wallet=request.args.get("wallet") == "1")


@holder_portal.post("/sign-in")
def sign_in_request() -> Response:
    """Asks for a new link to an address. The answer depends only on the form,
    the client's own request count and the deployment, never on the address: the same
    status, words and time whether it is a holder's or not and whether the mail server is
    up, because a job looks the holder up and sends the e-mail. The per-address limit is
    counted by that job, so that it cannot tell anything either."""
    email = request.form.get("email", "").strip()
    if "@" not in email or len(email) > 254 or not email.isprintable() or " " in email:
        return _page("holder/sign_in.html", 400, email=email, problem="email")
    services = current_services()  # without SMTP, the job keeps the e-mail in the outbox
    allowance = sign_in_limits.take_client(services.issuer.sessions, request.remote_addr)
    if not allowance.allowed:  # about this client, whatever address it types
        response = _page("holder/sign_in.html", 429, problem="busy",
                         minutes=-(-allowance.retry_after // 60))
        response.headers["Retry-After"] = str(allowance.retry_after)
        return response
    try:
        services.jobs.request_sign_in(email, current_language())
    except QueueUnavailable as e:
        current_app.logger.error("holder sign-in: the job queue did not take the task: %s", e)
        response = _page("holder/sign_in.html", 503, problem="mail")
        response.headers["Retry-After"] = str(QUEUE_RETRY_SECONDS)
        return response
    return _page("holder/sign_in.html", sent=True, links=sign_in_limits.LINKS_PER_ADDRESS,
                 minutes=int(sign_in_limits.WINDOW.total_seconds()) // 60)


@holder_portal.get("/sign-in/<token>")
def sign_in(token: str) -> BaseResponse:
    used = use_link(current_services().issuer.sessions, token, _now())
    if used is None:
        return _page("holder/sign_in.html", 403, problem="link")
    holder, session_token = used
    next_page = safe_next(session.pop(NEXT_KEY, None), url_for("holder_portal.home"))
    session.clear()  # a new session for the holder (no fixation)
    session[SESSION_KEY] = session_token
    if holder.language in LANGUAGES:
        session["holder_lang"] = holder.language
    return redirect(next_page)


@holder_portal.post("/language")
def email_language() -> BaseResponse:
    """The language of the holder's e-mails, chosen by the signed-in holder."""
    _signed_in()
    language = request.form.get("lang", "")
    if language not in LANGUAGES:
        abort(400, description=f"the language must be one of {', '.join(LANGUAGES)}")
    choose_language(current_services().issuer.sessions, g.holder, language)
    return redirect(url_for("holder_portal.home") + "#email-language")


@holder_portal.post("/sign-out")
def sign_out() -> BaseResponse:
    end_session(current_services().issuer.sessions, session.get(SESSION_KEY))
    session.clear()
    return redirect(url_for("holder_portal.sign_in_form"))


# -- the holder's credentials ----------------------------------------------------------------
def credential_title(document: dict) -> str:
    achievement = (document.get("credentialSubject") or {}).get("achievement") or {}
    names = language_map(achievement.get("name") or document.get("name"))
    return pick_language(names, current_language()) or str(achievement.get("humanCode", ""))


def _own(credential_id: str) -> tuple[reads.CredentialRow, dict]:
    _signed_in()
    service = current_services().issuer
    try:
        row = reads.credential_row(service, credential_id)
    except NotFound:
        abort(404)
    if row.candidate_ref != g.holder.ref:
        abort(404)  # someone else's: not told apart from one that does not exist
    return row, service.credential(credential_id).document


@holder_portal.get("/")
def home() -> Response:
    _signed_in()
    service = current_services().issuer
    rows = reads.credential_rows(service, candidate_ref=g.holder.ref, limit=200)
    titles = {r.id: credential_title(service.credential(r.id).document) for r in rows}
    return _page("holder/home.html", rows=rows, titles=titles)


def linkedin_url(document: dict, row: reads.CredentialRow, verify_link: str) -> str:
    """LinkedIn's add-to-profile link for a certification: its name, the organisation, the
    issue month and the public verification URL (LinkedIn's "Add to Profile" parameters)."""
    issuer = document.get("issuer")
    organisation = issuer.get("name", "") if isinstance(issuer, dict) else str(issuer)
    params = {"startTask": "CERTIFICATION_NAME", "name": credential_title(document),
              "organizationName": organisation, "issueYear": row.issued_at.year,
              "issueMonth": row.issued_at.month, "certUrl": verify_link, "certId": row.id}
    if row.valid_until is not None:
        params |= {"expirationYear": row.valid_until.year,
                   "expirationMonth": row.valid_until.month}
    return f"{LINKEDIN_ADD}?{urlencode(params)}"


@holder_portal.get("/credentials/<path:credential_id>")
def credential(credential_id: str) -> Response:
    row, document = _own(credential_id)
    services = current_services()
    key = share_key()
    shares = shares_of(services.issuer.sessions, row.id, key)
    active = next((s for s in shares if s.state == "active" and s.token), None)
    link = share_url(active.token) if active and active.token else None
    link_qr = _png_data_url(qr_png(link, error_correction="M")[0]) if link else None
    # at once, before any share link: the credential or its signed summary
    shown_qr = credential_qr(services.issuer, document)
    offer = session.pop("holder_offer", None)
    offer_qr = None
    if isinstance(offer, dict) and offer.get("credential") == row.id:
        offer_qr = _png_data_url(qr_png(offer["uri"], error_correction="L")[0])
    else:
        offer = None
    return _page("holder/credential.html", row=row, title=credential_title(document),
                 text=certificate_text(document), shares=shares, share_link=link,
                 link_qr=link_qr, shown_qr=shown_qr, offer=offer, offer_qr=offer_qr,
                 max_days=MAX_SHARE_DAYS, aries=_agent_configured())


def _agent_configured() -> bool:
    """Whether an Aries agent is set up (S4C_AGENT_URL, or `s4c agent start`)."""
    try:
        agent_client(current_services().settings.data_dir)
    except AgentError:
        return False
    return True


@holder_portal.get("/download/<path:credential_id>")
def download(credential_id: str) -> Response:
    row, document = _own(credential_id)
    response = Response(json.dumps(document, indent=2, ensure_ascii=False),
                        mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(row)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@holder_portal.get("/europass/<path:credential_id>")
def europass(credential_id: str) -> Response:
    """The credential as a European Digital Credential, for the holder's Europass profile."""
    row, _document = _own(credential_id)
    return edc_download(row.id, row.code)


def _certificate_link(row: reads.CredentialRow) -> str:
    """The share link a certificate's QR code holds: the active one, else a new one."""
    shares = shares_of(current_services().issuer.sessions, row.id, share_key())
    active = next((s for s in shares if s.state == "active" and s.token), None)
    if active is None or active.token is None:
        token = create_share(current_services().issuer.sessions, row.id, "holder", share_key())
    else:
        token = active.token
    return share_url(token)


@holder_portal.get("/certificate/<path:credential_id>")
def certificate(credential_id: str) -> Response:
    row, document = _own(credential_id)
    response = make_response(render_certificate(row, document, _certificate_link(row),
                                                current_language()))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@holder_portal.get("/certificate-pdf/<path:credential_id>")
def certificate_pdf(credential_id: str) -> Response:
    """The certificate as a PDF sealed by the body, in the holder's page language, with the
    signed credential attached (`web.holder.certificate_sheets`)."""
    row, document = _own(credential_id)
    lang = pdf_language(current_language())
    services = current_services()
    return pdf_download(certificate_pdf_of(services, row, document, _certificate_link(row),
                                           lang), pdf_name(row, lang))


@holder_portal.post("/shares")
def make_share() -> BaseResponse:
    row, _document = _own(request.form.get("credential", ""))
    try:
        days = int(request.form.get("days", "365"))
        if not 1 <= days <= MAX_SHARE_DAYS:
            raise ValueError
    except ValueError:
        abort(400, description=f"the number of days must be between 1 and {MAX_SHARE_DAYS}")
    try:
        create_share(current_services().issuer.sessions, row.id, "holder", share_key(),
                     expires_at=_now() + timedelta(days=days))
    except ShareError as e:
        abort(400, description=issuer_reason(e))
    return redirect(url_for("holder_portal.credential", credential_id=row.id) + "#share")


@holder_portal.get("/linkedin/<path:credential_id>")
def add_to_linkedin(credential_id: str) -> BaseResponse:
    """LinkedIn's add-to-profile page for this credential, with the credential's current share
    link as its verification URL (made now when there is none, as the certificate does: issue
    26, item 8). A link, not a form: the Content-Security-Policy's form-action keeps forms to
    this origin, redirects included."""
    row, document = _own(credential_id)
    try:
        token = current_share(current_services().issuer.sessions, row.id, share_key(), "holder")
    except LookupError:
        abort(404)
    return redirect(linkedin_url(document, row, share_url(token)))


@holder_portal.post("/shares/withdraw")
def withdraw_share() -> BaseResponse:
    row, _document = _own(request.form.get("credential", ""))
    if confirmed(request.form):
        try:
            revoke_share(current_services().issuer.sessions, request.form.get("link", ""),
                         "holder", credential_id=row.id)
        except LookupError:
            abort(404)
    return redirect(url_for("holder_portal.credential", credential_id=row.id) + "#share")


@holder_portal.post("/wallet-offer")
def wallet_offer() -> BaseResponse:
    """An OpenID4VCI offer of this credential for the holder's wallet, with its
    transaction code shown beside it (the holder is signed in on their own screen)."""
    row, _document = _own(request.form.get("credential", ""))
    fmt = request.form.get("format", "dc+sd-jwt")
    if fmt not in ("dc+sd-jwt", "ldp_vc"):
        abort(400, description="the format must be dc+sd-jwt or ldp_vc")
    services = current_services()
    try:
        made = services.issuer.wallets.offer(row.id, [fmt], "holder")
    except NotFound as e:
        abort(400, description=issuer_reason(e))
    session["holder_offer"] = {"credential": row.id, "uri": offer_uri(
        services.settings.public_url, made), "tx_code": made.tx_code, "format": fmt}
    return redirect(url_for("holder_portal.credential", credential_id=row.id) + "#wallet")
