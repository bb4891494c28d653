"""Irreversible actions need an explicit confirmation.

Retiring a trust anchor, revoking an accreditation, withdrawing a recognition decision or a
share link cannot be undone. Their forms carry a box the person ticks after reading what
will happen (`templates/_confirm.html`); the server refuses a form without it, so a stray
click -- or a page without JavaScript, or a hand-made POST -- changes nothing. The same
pattern as the issuer console's revoke (`confirm_revoke`) and void (`confirm_void`).
"""
from flask import flash
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

FIELD = "confirm"


def confirmed(form: MultiDict) -> bool:
    """Whether the form's confirmation box was ticked; if not, says so in the page's
    language (a flashed error) and the caller changes nothing."""
    if form.get(FIELD) == "1":
        return True
    flash(_("Nothing changed: this cannot be undone, so first tick the box that confirms "
            "it, then press the button again."), "error")
    return False
