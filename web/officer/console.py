"""The certification officer's console: candidates, assessments, issuing, status, cohorts.

Views translate forms into `IssuerService` calls and show the outcome; the service decides.
Every page needs a logged-in officer, every form carries the CSRF token (`web.plumbing.auth`).
"""
import base64
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response as BaseResponse  # what redirect() returns

from issuer import cohort_jobs
from issuer.assessments import RecordedAttempt
from issuer.batch import COLUMNS
from issuer.cohort_preview import preview_cohort
from issuer.service import IssuerError, NotFound
from issuer.shares import (
    DEFAULT_SHARE_DAYS,
    MAX_SHARE_DAYS,
    ShareError,
    create_share,
    revoke_share,
    shares_of,
)
from vc.findings import FindingError
from vc.qr import qr_png
from web.holder.mail import send_sign_in
from web.holder.pages import share_key, share_url
from web.officer import reads
from web.officer.words import issuer_reason, preview_outcome, role_progress
from web.plumbing.auth import (
    current_officer,
    log_in,
    log_out,
    login_required,
    protect_forms,
    safe_next,
)
from web.plumbing.console_language import keep_language_in_urls, with_language
from web.plumbing.i18n import LANGUAGES, current_language
from web.plumbing.request_bounds import page_number
from web.wallet.oid4vci.offers import offer_uri
from web.wiring.mailer import MailError
from web.wiring.services import current_services

issuer_console = Blueprint("issuer_console", __name__, url_prefix="/issuer")

PAGE_SIZE = 50
MAX_COHORT_BYTES = 16 * 1024 * 1024  # ~150,000 rows; above the app-wide request limit
MAX_FIELD = 1000
STATUS_CHANGES = ("revoke", "suspend", "reinstate")


@issuer_console.before_request
def _allow_large_cohorts() -> None:
    # Must run before the CSRF check below reads (and so size-checks) the form; only a
    # logged-in officer may send more than the app-wide limit.
    if request.endpoint == "issuer_console.cohort" and current_officer():
        request.max_content_length = MAX_COHORT_BYTES


protect_forms(issuer_console)
keep_language_in_urls(issuer_console)  # `?lang=`, kept in every URL (web.plumbing.console_language)


def _service():
    return current_services().issuer


class FormError(ValueError):
    """A form field a person has to correct; the message (in the console's language)
    names it."""


def _why(error: Exception) -> str:
    """Why an action was refused, in the console's language: a refusal of the issuer (or of
    the mailer) from the catalogue by its code; a form's own message as it is."""
    return issuer_reason(error) if isinstance(error, FindingError) else str(error)


def _text(name: str, label: str, *, required: bool = True) -> str | None:
    """The form field `name`; `label` is its label on the page (translated)."""
    value = (request.form.get(name) or "").strip()
    if not value:
        if required:
            raise FormError(_("%(field)s is required", field=label))
        return None
    if len(value) > MAX_FIELD:
        raise FormError(_("%(field)s must be at most %(n)s characters", field=label,
                          n=MAX_FIELD))
    if "\0" in value:  # not text (and PostgreSQL cannot store it)
        raise FormError(_("%(field)s must not contain a NUL character", field=label))
    return value


def _number(name: str, label: str) -> float:
    try:
        return float(_text(name, label) or "")
    except ValueError:
        raise FormError(_("%(field)s must be a number", field=label)) from None


def _date(name: str, label: str) -> date:
    try:
        return date.fromisoformat(_text(name, label) or "")
    except ValueError:
        raise FormError(_("%(field)s must be a date (YYYY-MM-DD)", field=label)) from None


# -- login -----------------------------------------------------------------------------------
@issuer_console.route("/login", methods=["GET", "POST"])
def login() -> Any:
    next_url = safe_next(request.values.get("next"), url_for("issuer_console.dashboard"))
    if request.method == "GET":
        if current_officer():
            return redirect(with_language(next_url))
        return render_template("issuer/login.html", next_url=next_url)
    username = (request.form.get("username") or "").strip()[:200]
    password = (request.form.get("password") or "")[:1000]
    result = log_in(username, password)
    if result.retry_after:
        minutes = max(1, round(result.retry_after / 60))
        flash(ngettext("Too many failed logins for this account or from this address. Try "
                       "again in about %(num)d minute.",
                       "Too many failed logins for this account or from this address. Try "
                       "again in about %(num)d minutes.", minutes), "error")
        response = make_response(render_template("issuer/login.html", next_url=next_url,
                                                 username=username), 429)
        response.headers["Retry-After"] = str(result.retry_after)
        return response
    if result.officer is None:
        flash(_("Wrong username or password."), "error")
        return render_template("issuer/login.html", next_url=next_url, username=username), 401
    return redirect(with_language(next_url))


@issuer_console.post("/logout")
def logout() -> BaseResponse:
    log_out()
    flash(_("You are logged out."), "info")
    return redirect(url_for("issuer_console.login"))


# -- dashboard and candidates -----------------------------------------------------------------
@issuer_console.get("/")
@login_required
def dashboard() -> str:
    service = _service()
    return render_template("issuer/dashboard.html", counts=reads.counts(service),
                           recent=reads.credential_rows(service, limit=10,
                                                        lang=current_language()))


@issuer_console.get("/candidates")
@login_required
def candidates() -> str:
    search = request.args.get("q", "").strip()[:200]
    return render_template("issuer/candidates.html", search=search,
                           candidates=_service().candidates(search or None))


@issuer_console.post("/candidates")
@login_required
def add_candidate() -> BaseResponse:
    email = request.form.get("email", "")
    existing = _service().candidate_by_email(email) if "@" in email else None
    if existing is not None:  # not registered again: the officer sees who it is
        name = request.form.get("name", "").strip()
        if name and name != existing.name:
            flash(_("%(email)s is already registered, as %(name)s. Nothing was changed (the "
                    "name you typed, %(typed)s, was not saved). Record the results on this "
                    "page, or register the new person with their own e-mail address.",
                    email=existing.email, name=existing.name, typed=name), "info")
        else:
            flash(_("%(email)s is already registered, as %(name)s. Nothing was changed. "
                    "Record the results on this page, or register the new person with their "
                    "own e-mail address.", email=existing.email, name=existing.name), "info")
        return redirect(url_for("issuer_console.candidate", ref=existing.ref))
    try:
        ref = _service().add_candidate(_text("name", _("Full name")) or "",
                                       _text("email", _("E-mail address")) or "",
                                       _text("did", "DID", required=False), g.officer)
    except (FormError, IssuerError) as e:
        flash(_("Candidate not added: %(reason)s", reason=_why(e)), "error")
        return redirect(url_for("issuer_console.candidates"))
    flash(_("Candidate registered."), "success")
    return redirect(url_for("issuer_console.candidate", ref=ref))


@issuer_console.get("/candidates/<ref>")
@login_required
def candidate(ref: str) -> str:
    service = _service()
    try:
        person = reads.candidate(service, ref)
    except NotFound:
        abort(404)
    return render_template(
        "issuer/candidate.html", candidate=person, framework=service.framework(),
        roles=service.role_progress(ref),
        assessments=reads.assessments(service, ref),
        credentials=reads.credential_rows(service, candidate_ref=ref, limit=500,
                                          lang=current_language()),
        today=service.clock().date().isoformat(),
        exam_body=current_services().settings.issuer_name, languages=LANGUAGES,
        role_progress=role_progress)


@issuer_console.post("/candidates/<ref>/invite")
@login_required
def invite_holder(ref: str) -> BaseResponse:
    """E-mails the holder a personal sign-in link in the chosen language."""
    service = _service()
    try:
        person = reads.candidate(service, ref)
        sent = send_sign_in(current_services().settings, service.sessions, person.email,
                            g.officer, request.form.get("lang") or None)
    except (NotFound, MailError, ValueError) as e:
        flash(_("No e-mail sent: %(reason)s", reason=_why(e)), "error")
    else:
        if sent.outbox is not None:  # a demo without SMTP
            flash(_("DEMO: no e-mail server, so the sign-in e-mail to %(email)s is in the "
                    "outbox.", email=person.email), "success")
        else:
            flash(_("Sign-in link sent to %(email)s.", email=person.email), "success")
    return redirect(url_for("issuer_console.candidate", ref=ref))


@issuer_console.post("/candidates/<ref>/assessments")
@login_required
def record_assessment(ref: str) -> BaseResponse:
    try:
        unit = _text("unit", _("Competency unit")) or ""
        recorded = _service().record_attempt(
            ref, unit, _number("score", _("Score")), _number("max_score", _("Maximum score")),
            _date("assessed_on", _("Assessed on")), _text("exam_body", _("Exam body")) or "",
            _text("assessor", _("Assessor")) or "", g.officer)
    except (FormError, IssuerError) as e:
        flash(_("Assessment not recorded: %(reason)s", reason=_why(e)), "error")
    else:
        flash(attempt_message(recorded), "success" if recorded.passed else "info")
    return redirect(url_for("issuer_console.candidate", ref=ref))


def attempt_message(recorded: RecordedAttempt) -> str:
    """What recording one result did: its attempt, its outcome, and whether it can still
    earn the unit's credential."""
    outcome = pgettext("assessment", "passed") if recorded.passed \
        else pgettext("assessment", "not passed")
    if not recorded.new:
        return _("This result of %(unit)s was already recorded, as attempt %(attempt)s "
                 "(%(outcome)s): nothing changed.", unit=recorded.unit,
                 attempt=recorded.attempt, outcome=outcome)
    message = _("Attempt %(attempt)s at %(unit)s recorded: %(outcome)s.",
                attempt=recorded.attempt, unit=recorded.unit, outcome=outcome)
    if recorded.passed and recorded.unit_passed_on is not None:
        message += " " + _("%(unit)s was already passed on %(day)s: this pass is kept on "
                           "record, but it earns no second unit credential.",
                           unit=recorded.unit, day=recorded.unit_passed_on.isoformat())
    return message


@issuer_console.post("/candidates/<ref>/certify")
@login_required
def certify(ref: str) -> BaseResponse:
    service = _service()
    try:
        result = service.certify_and_issue(ref, g.officer)
    except IssuerError as e:
        flash(_("Nothing issued: %(reason)s", reason=_why(e)), "error")
    else:
        flash(ngettext("%(num)d credential issued.", "%(num)d credentials issued.",
                       len(result.issued)) + " " +
              ngettext("%(num)d was issued before.", "%(num)d were issued before.",
                       len(result.existing)), "success" if result.issued else "info")
        roles = service.role_progress(ref)
        if not any(r.certified for r in roles):  # say why, role by role
            # Translators: between the roles' reasons (";" is a question mark in Greek)
            separator = pgettext("list separator", "; ")
            flash(_("No role is certified yet: %(why)s.",
                    why=separator.join(role_progress(r) for r in roles)), "info")
    return redirect(url_for("issuer_console.candidate", ref=ref))


# -- credentials -----------------------------------------------------------------------------
@issuer_console.get("/credentials")
@login_required
def credentials() -> str:
    kind = request.args.get("kind") if request.args.get("kind") in reads.KINDS else None
    state = request.args.get("state") if request.args.get("state") in reads.STATES else None
    page = page_number(request.args.get("page"), PAGE_SIZE)
    rows = reads.credential_rows(_service(), kind=kind, state=state, limit=PAGE_SIZE + 1,
                                 offset=(page - 1) * PAGE_SIZE, lang=current_language())
    return render_template("issuer/credentials.html", rows=rows[:PAGE_SIZE], kind=kind,
                           state=state, page=page, has_next=len(rows) > PAGE_SIZE,
                           kinds=reads.KINDS, states=reads.STATES)


@issuer_console.get("/credentials/<path:credential_id>")
@login_required
def credential(credential_id: str) -> Response:
    service = _service()
    try:
        row = reads.credential_row(service, credential_id, current_language())
    except NotFound:
        abort(404)
    document = service.credential(credential_id).document
    shares = shares_of(service.sessions, credential_id, share_key())
    today = datetime.now(UTC).date()
    response = make_response(render_template(
        "issuer/credential.html", row=row, document_json=json.dumps(
            document, indent=2, ensure_ascii=False),
        audit=reads.audit_trail(service, credential_id),
        shares=[(s, share_url(s.token) if s.token else None) for s in shares],
        default_share_days=DEFAULT_SHARE_DAYS, first_expiry=today + timedelta(days=1),
        last_expiry=today + timedelta(days=MAX_SHARE_DAYS - 1), offer=_shown_offer(row.id)))
    response.headers["Cache-Control"] = "private, no-store"  # it shows live share links
    return response


def _shown_offer(credential_id: str) -> dict | None:
    """The wallet offer made a moment ago for this credential (shown once)."""
    offer = session.pop("console_offer", None)
    if not isinstance(offer, dict) or offer.get("credential") != credential_id:
        return None
    png, _version = qr_png(offer["uri"], error_correction="L")
    return {**offer, "qr": "data:image/png;base64," + base64.b64encode(png).decode()}


@issuer_console.post("/credentials/<path:credential_id>/wallet-offer")
@login_required
def wallet_offer(credential_id: str) -> BaseResponse:
    """An OpenID4VCI offer of this credential, as `s4c offer` makes."""
    fmt = request.form.get("format", "dc+sd-jwt")
    services = current_services()
    try:
        made = services.issuer.wallets.offer(credential_id, [fmt], g.officer)
    except (NotFound, ValueError) as e:
        flash(_("No offer made: %(reason)s", reason=_why(e)), "error")
    else:
        session["console_offer"] = {"credential": credential_id, "tx_code": made.tx_code,
                                    "uri": offer_uri(services.settings.public_url, made)}
    return redirect(url_for("issuer_console.credential", credential_id=credential_id)
                    + "#wallet")


@issuer_console.post("/credentials/<path:credential_id>/status")
@login_required
def change_status(credential_id: str) -> BaseResponse:
    service = _service()
    action = request.form.get("action")
    changes = {"revoke": service.revoke, "suspend": service.suspend,
               "reinstate": service.reinstate}
    try:
        if action not in changes:
            raise FormError(_("unknown action; use one of %(actions)s",
                              actions=", ".join(STATUS_CHANGES)))
        if action == "revoke" and request.form.get("confirm_revoke") != "1":
            raise FormError(_("revoking cannot be undone: tick the box that confirms it, "
                              "then press Revoke again"))
        changes[action](credential_id, _text("reason", _("Reason")) or "", g.officer)
    except NotFound:
        abort(404)
    except (FormError, IssuerError) as e:
        flash(_("Status not changed: %(reason)s", reason=_why(e)), "error")
    else:
        done = {"revoke": _("Credential revoked."), "suspend": _("Credential suspended."),
                "reinstate": _("Credential reinstated.")}
        flash(done[action], "success")
    return redirect(url_for("issuer_console.credential", credential_id=credential_id))


@issuer_console.post("/credentials/<path:credential_id>/share")
@login_required
def create_share_link(credential_id: str) -> BaseResponse:
    try:
        expires_on = (request.form.get("expires_on") or "").strip()
        expires_at = None  # the default: one year from now
        if expires_on:
            try:
                expires_at = datetime.combine(date.fromisoformat(expires_on), time.min, UTC)
            except ValueError:
                raise FormError(_("the expiry must be a date (YYYY-MM-DD)")) from None
        create_share(_service().sessions, credential_id, g.officer, share_key(), expires_at)
    except LookupError:
        abort(404)
    except (FormError, ShareError) as e:
        flash(_("Share link not created: %(reason)s.", reason=_why(e)), "error")
    else:
        flash(_("Share link created; the printable certificate now shows it."), "success")
    return redirect(url_for("issuer_console.credential", credential_id=credential_id))


@issuer_console.post("/credentials/<path:credential_id>/shares/withdraw")
@login_required
def withdraw_share_link(credential_id: str) -> BaseResponse:
    link_id = (request.form.get("link") or "")[:MAX_FIELD]
    try:
        withdrawn = revoke_share(_service().sessions, link_id, g.officer, credential_id)
    except LookupError:
        flash(_("No such share link for this credential."), "error")
    else:
        if withdrawn:
            flash(_("Share link withdrawn: it no longer opens the credential."), "success")
        else:
            flash(_("This share link was already withdrawn."), "info")
    return redirect(url_for("issuer_console.credential", credential_id=credential_id))


# -- cohorts ---------------------------------------------------------------------------------
@issuer_console.route("/cohort", methods=["GET", "POST"])
@login_required
def cohort() -> Any:
    """Upload a cohort: it becomes a background job (`web.wiring.job_queue`); the job's page
    follows it with a live progress bar."""
    jobs = cohort_jobs.recent_jobs(_service(), limit=10)
    if request.method == "GET":
        return render_template("issuer/cohort.html", jobs=jobs)
    upload: FileStorage | None = request.files.get("cohort")
    if upload is None or not upload.filename:
        flash(_("Choose a CSV file to upload."), "error")
        return render_template("issuer/cohort.html", jobs=jobs), 400
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        flash(_("The file is not UTF-8 text (line %(line)s, byte %(byte)s: probably saved as "
                "Windows-1252 or Latin-1). In your spreadsheet, save it as “CSV UTF-8”.",
                line=line, byte=e.start), "error")
        return render_template("issuer/cohort.html", jobs=jobs), 400
    if request.form.get("dry_run") == "1":  # what would happen, row by row; nothing written
        try:
            preview = preview_cohort(_service(), text)
        except IssuerError as e:
            flash(_("The file cannot be used: %(reason)s", reason=_why(e)), "error")
            return render_template("issuer/cohort.html", jobs=jobs), 400
        return render_template("issuer/cohort.html", jobs=jobs, preview=preview,
                               filename=upload.filename, outcome=preview_outcome,
                               reason=issuer_reason)
    try:
        job_id = current_services().jobs.submit(
            _service(), text, upload.filename, g.officer,
            notify_holders=request.form.get("notify_holders") == "1")
    except (IssuerError, MailError) as e:
        flash(_("Nothing issued: %(reason)s", reason=_why(e)), "error")
        return render_template("issuer/cohort.html", jobs=jobs), 400
    return redirect(url_for("issuer_console.cohort_job", job_id=job_id), code=303)


@issuer_console.get("/cohort/template.csv")
@login_required
def cohort_template() -> Response:
    """A cohort file to fill in: the header and one example row of the framework in use."""
    fw = _service().framework()
    unit = fw.units[0]
    body = (",".join(COLUMNS) + "\r\n" + f"Maria Example,maria@example.org,,{unit.code},"
            f"{max(unit.pass_threshold, 75):g},100,{date.today().isoformat()},"
            "Exam centre name,Assessor name\r\n")
    response = Response("\ufeff" + body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="s4c-cohort-template.csv"'
    return response


def _job(job_id: str) -> cohort_jobs.JobProgress:
    try:
        return cohort_jobs.progress(_service(), job_id)
    except NotFound:
        abort(404)


@issuer_console.get("/cohort/jobs/<job_id>")
@login_required
def cohort_job(job_id: str) -> str:
    return render_template("issuer/cohort_job.html", job=_job(job_id), reason=issuer_reason)


@issuer_console.get("/cohort/jobs/<job_id>/progress")
@login_required
def cohort_job_progress(job_id: str) -> Response:
    """The job's progress as JSON (the page's progress bar polls it); the refused rows are
    said in the page's language."""
    job = _job(job_id)
    progress = job.to_json()
    # the rows refused, in words and as findings (code, params) for a script
    progress["findings"] = progress["errors"]
    progress["errors"] = [issuer_reason(e) for e in job.summary.errors]
    response = jsonify(progress)
    response.headers["Cache-Control"] = "no-store"
    return response


@issuer_console.post("/cohort/jobs/<job_id>/resume")
@login_required
def resume_cohort_job(job_id: str) -> BaseResponse:
    """Enqueue the job's unfinished chunks again (when its worker was lost)."""
    service = _service()
    job = _job(job_id)
    numbers = cohort_jobs.chunk_numbers(service, job_id)
    current_services().jobs.enqueue(job_id, numbers)
    flash(ngettext("%(num)d part of %(file)s queued again.",
                   "%(num)d parts of %(file)s queued again.", len(numbers), file=job.filename)
          if numbers else _("This job is complete."), "success")
    return redirect(url_for("issuer_console.cohort_job", job_id=job_id), code=303)
