"""The EDC file a holder uploads to Europass, and the officer's copy of it ("Where
a holder gets it"): one answer for the holder's page and the console, so both give the same
bytes for the same credential."""
import json
from typing import Any

from flask import Response, abort, current_app
from flask_babel import gettext as _

from issuer.edc.service import EdcRefused, EdcSealFailed
from issuer.errors import IssuerError, NotFound
from web.officer.words import issuer_reason
from web.plumbing.file_names import credential_file_name
from web.wiring.services import current_services

EDC_MEDIA_TYPE = "application/ld+json"


def edc_file_name(code: str, credential_id: str) -> str:
    """`<role-or-unit code>-<uuid>-europass.jsonld`, safe as a file name on every system;
    Europass takes .jsonld (and .json) uploads."""
    return credential_file_name(code, credential_id, "-europass.jsonld")


def edc_bytes(edc: dict[str, Any]) -> bytes:
    return json.dumps(edc, indent=2, ensure_ascii=False).encode("utf-8")


def edc_download(credential_id: str, code: str) -> Response:
    """The sealed EDC as a file download; 404 for no such credential, 409 when it does not
    count now (revoked, suspended, expired) or the framework no longer has its role or unit,
    503 when the seal cannot be made now (the token or the TSA)."""
    try:
        edc = current_services().issuer.edc(credential_id)
    except NotFound:
        abort(404)
    except EdcRefused:
        abort(409, description=_("This credential does not count now (revoked, suspended or "
                                 "expired), so it gets no European Digital Credential."))
    except EdcSealFailed:
        current_app.logger.exception("an EDC could not be sealed")
        abort(503, description=_("The European Digital Credential could not be sealed just "
                                 "now. Please try again in a few minutes."))
    except IssuerError as e:
        abort(409, description=issuer_reason(e))
    response = Response(edc_bytes(edc), mimetype=EDC_MEDIA_TYPE)
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{edc_file_name(code, credential_id)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
