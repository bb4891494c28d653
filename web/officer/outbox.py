"""The demo outbox in the officer console: without an SMTP server, the
e-mails s4c would send (holders' sign-in links) are kept in the data directory
(`web.wiring.outbox`); this page lists them, newest first, marked DEMO, so that the officer of a
demo can hand a holder their link. With S4C_SMTP_URL set there is no outbox: 404."""
from flask import Blueprint, abort, has_request_context, render_template

from web.plumbing.auth import login_required
from web.plumbing.console_language import keep_language_in_urls
from web.wiring import outbox
from web.wiring.services import current_services

issuer_outbox = Blueprint("issuer_outbox", __name__, url_prefix="/issuer")
keep_language_in_urls(issuer_outbox)


def _demo() -> bool:
    return not current_services().settings.smtp_url


@issuer_outbox.app_context_processor
def _outbox_in_nav() -> dict[str, bool]:
    return {"demo_outbox_in_nav": has_request_context() and _demo()}


@issuer_outbox.get("/outbox")
@login_required
def demo_outbox() -> str:
    if not _demo():
        abort(404)
    settings = current_services().settings
    return render_template("issuer/outbox.html", mails=outbox.newest(settings.data_dir),
                           shown=outbox.SHOWN, folder=outbox.outbox_path(settings.data_dir))
