"""The console's download of what a finished cohort job issued: a CSV for
spreadsheets, one row per candidate and credential, with each holder's share link.

The export makes share links where a credential has none, so it is a POST (with the CSRF
token) by a logged-in officer, with an audit row (`issuer.cohort_export`). The job's European
Digital Credentials, one per credential that counts now, come as a zip.
"""
import tempfile

from flask import Blueprint, Response, abort, flash, g, redirect, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from issuer.cohort_export import export_cohort
from issuer.edc.cohort import write_cohort_edcs
from issuer.service import IssuerError, NotFound
from web.holder.pages import share_key, share_url
from web.officer.words import issuer_reason
from web.plumbing.auth import login_required, protect_forms
from web.plumbing.console_language import keep_language_in_urls
from web.wiring.services import current_services

cohort_exports = Blueprint("cohort_exports", __name__, url_prefix="/issuer")
protect_forms(cohort_exports)
keep_language_in_urls(cohort_exports)  # the console's language (web.plumbing.console_language)


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


SPOOL_BYTES = 16 * 1024 * 1024  # an archive larger than this goes to a temporary file
# Each EDC takes ~70 ms to build and seal, and a request has ~30 s (gunicorn's timeout):
# larger jobs are exported with `s4c jobs export-edcs`.
MAX_EDCS_PER_REQUEST = 150


@cohort_exports.get("/cohort/jobs/<job_id>/europass.zip")
@login_required
def export_job_edcs(job_id: str) -> BaseResponse:
    """The job's EDCs as a zip (`issuer.edc.cohort`); a read: nothing is changed."""
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - sent below
    try:
        write_cohort_edcs(current_services().issuer, job_id, archive,
                          limit=MAX_EDCS_PER_REQUEST)
    except NotFound:
        archive.close()
        abort(404)
    except IssuerError as e:
        archive.close()
        flash(_("Nothing exported: %(reason)s", reason=str(e)), "error")
        return redirect(url_for("issuer_console.cohort_job", job_id=job_id))
    archive.seek(0)
    response = send_file(archive, mimetype="application/zip", as_attachment=True,
                         download_name=f"s4c-europass-{job_id[:40]}.zip")
    response.headers["Cache-Control"] = "private, no-store"
    return response
