"""The console's corrections of results: voiding an assessment recorded in error.

Voiding is the service's (`issuer.voiding`); this view asks for the reason and the
confirmation, and says plainly that credentials already issued from the result are not
changed, naming them, so that the officer can revoke them on their own pages.
"""
from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from issuer.service import IssuerError, NotFound
from issuer.voiding import MAX_REASON, AlreadyVoided, VoidedAssessment, reason_problem
from web.officer.words import issuer_reason
from web.plumbing.auth import login_required, protect_forms
from web.plumbing.console_language import keep_language_in_urls
from web.wiring.services import current_services

issuer_corrections = Blueprint("issuer_corrections", __name__, url_prefix="/issuer")
protect_forms(issuer_corrections)
keep_language_in_urls(issuer_corrections)  # the console's language (web.plumbing.console_language)


@issuer_corrections.post("/candidates/<ref>/assessments/<assessment_ref>/void")
@login_required
def void_assessment(ref: str, assessment_ref: str) -> Response:
    back = url_for("issuer_console.candidate", ref=ref) + "#assessments"
    reason = (request.form.get("reason") or "").strip()[:MAX_REASON + 1]
    problem = reason_problem(reason)
    if problem is not None:
        flash(_("Assessment not voided: give the reason (at most %(n)s characters).",
                n=MAX_REASON), "error")
        return redirect(back)
    if request.form.get("confirm_void") != "1":
        flash(_("Assessment not voided: voiding cannot be undone; tick the box that confirms "
                "it, then press Void again."), "error")
        return redirect(back)
    try:
        voided = current_services().issuer.void_assessment(assessment_ref, reason, g.officer)
    except NotFound:
        flash(_("Assessment not voided: there is no such assessment."), "error")
    except AlreadyVoided as e:
        flash(_("Assessment not voided: %(reason)s", reason=issuer_reason(e)), "info")
    except IssuerError as e:
        flash(_("Assessment not voided: %(reason)s", reason=issuer_reason(e)), "error")
    else:
        for message, category in void_messages(voided):
            flash(message, category)
    return redirect(back)


def void_messages(voided: VoidedAssessment) -> list[tuple[str, str]]:
    """What the officer is told after voiding: done, what was withdrawn, and which issued
    credentials still stand."""
    messages = [(_("Attempt %(attempt)s of %(unit)s voided: it no longer counts for "
                   "certification. Record the corrected result, if there is one, below.",
                   attempt=voided.attempt, unit=voided.unit), "success")]
    if voided.withdrawn:
        messages.append((_("Decisions not issued yet, withdrawn with it: %(decisions)s.",
                           decisions=", ".join(f"{kind} {code}"
                                               for kind, code in voided.withdrawn)), "info"))
    standing = [c for c in voided.credentials if not c.revoked]
    if standing:
        messages.append((_("Credentials issued from this result are NOT changed: %(ids)s. "
                           "If they should no longer count, revoke each of them on its page "
                           "(the result's row links to them).",
                           ids=", ".join(f"{c.kind} {c.code} ({c.id})" for c in standing)),
                         "error"))
    return messages
