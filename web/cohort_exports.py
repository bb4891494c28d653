"""The console's download of what a finished cohort job issued (issue 14): a CSV for
spreadsheets, one row per candidate and credential, with each holder's share link.

The export makes share links where a credential has none, so it is a POST (with the CSRF
token) by a logged-in officer, with an audit row (`issuer.cohort_export`).
"""
from flask import Blueprint, Response, abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from issuer.cohort_export import export_cohort
from issuer.service import IssuerError, NotFound
from web.auth import login_required, protect_forms
from web.console_language import keep_language_in_urls
from web.holder_pages import share_key, share_url
from web.issuer_words import issuer_reason
from web.services import current_services

cohort_exports = Blueprint("cohort_exports", __name__, url_prefix="/issuer")
protect_forms(cohort_exports)
keep_language_in_urls(cohort_exports)  # the console's language (web.console_language)


@cohort_exports.post("/cohort/jobs/<job_id>/issued.csv")
@login_required
def export_job(job_id: str) -> BaseResponse:
    try:
        export = export_cohort(current_services().issuer, job_id, g.officer, share_key(),
                               share_url)
    except NotFound:
        abort(404)
    except IssuerError as e:
        flash(_("Nothing exported: %(reason)s", reason=issuer_reason(e)), "error")
        return redirect(url_for("issuer_console.cohort_job", job_id=job_id))
    response = Response(export.csv_text().encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{export.download_name}"'
    response.headers["Cache-Control"] = "private, no-store"  # it holds live share links
    return response
