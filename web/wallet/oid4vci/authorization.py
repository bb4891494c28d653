"""The authorization code flow's two front doors (OpenID4VCI 1.0 §5.1, HAIP 1.0):

- `POST /oid4vci/par`: the wallet pushes its authorization request (RFC 9126), with PKCE;
  only a wallet the operator registered, or one a trusted wallet provider attests
  (`OAuth-Client-Attestation` and `-PoP` headers), with a redirect URI registered for it, is
  answered with a `request_uri` (`issuer.client_authentication`);
- `GET /oid4vci/authorize?client_id&request_uri`: the holder's browser arrives here. A holder
  not signed in is sent to sign in (the e-mailed link brings them back); a signed-in holder
  sees which credentials the wallet asks for, and agrees or refuses (a form with the CSRF
  token of the session), after which the browser returns to the wallet's redirect URI with
  a code (and `iss`, RFC 9207) or `error=access_denied`. The page names the wallet as it was
  authenticated and where the browser will go; both answers can only lead to the redirect URI
  checked at PAR, read from the stored request (nothing on the page or in the query string
  can change it).
"""
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, make_response, redirect, render_template, request, session
from flask import url_for as flask_url_for
from werkzeug.wrappers import Response as BaseResponse

from issuer.client_attestation import (
    ATTESTATION_HEADER,
    POP_HEADER,
    ClientAuthError,
    presented_attestation,
)
from issuer.holder_sign_in import holder_for_session
from issuer.models import IssuedCredential
from issuer.wallet_authorization import (
    REQUEST_SECONDS,
    PendingRequest,
    RequestError,
    authorize,
    deny,
    pending_request,
    push_request,
    requested_credentials,
)
from web.holder.portal import NEXT_KEY, SESSION_KEY, credential_title, holder_language
from web.plumbing.auth import CSRF_FIELD, check_csrf
from web.plumbing.finding_words import say, say_english
from web.plumbing.i18n import LANGUAGES, choose_language_with, current_language
from web.wallet.oid4vci import metadata
from web.wiring.services import current_services

oid4vci_authorization = Blueprint("oid4vci_authorization", __name__)
choose_language_with(oid4vci_authorization, holder_language)


def _now() -> datetime:
    return datetime.now(UTC)


def _redirect_back(pending: PendingRequest, **params: str) -> BaseResponse:
    """To the wallet's redirect URI, with `state` and `iss` (RFC 9207) added."""
    target = pending.redirect_uri  # checked against the client's registration at PAR
    state = pending.parameters.get("state")
    values = {**params, **({"state": state} if state else {}),
              "iss": current_services().settings.public_url}
    separator = "&" if urlsplit(target).query else "?"
    return redirect(target + separator + urlencode(values), code=303)


@oid4vci_authorization.post(metadata.PAR_PATH)
def pushed_authorization_request() -> Response:
    form = dict(request.form.items())
    services = current_services()
    try:
        presented = presented_attestation(request.headers.getlist(ATTESTATION_HEADER),
                                          request.headers.getlist(POP_HEADER))
        pending = push_request(services.issuer.sessions, form, presented,
                               services.settings.public_url, _now())
    except ClientAuthError as e:
        response = make_response({"error": e.error, "error_description": str(e)}, e.status)
    except RequestError as e:  # RFC 6749 §4.1.2.1: error_description in English
        response = make_response({"error": e.error,
                                  "error_description": say_english(e.finding)}, 400)
    else:
        response = make_response({"request_uri": pending.request_uri,
                                  "expires_in": REQUEST_SECONDS}, 201)
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(pending: PendingRequest | None, status: int = 200, **context) -> Response:
    # the language links keep the request (from the store, not from the query string)
    keep = {"client_id": pending.client_id, "request_uri": pending.request_uri} \
        if pending is not None else None
    response = make_response(render_template(
        "holder/authorize.html", lang=current_language(), languages=LANGUAGES,
        csrf_field=CSRF_FIELD, pending=pending, keep_query=keep, **context), status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@oid4vci_authorization.route(metadata.AUTHORIZE_PATH, methods=["GET", "POST"])
def authorization() -> BaseResponse:
    services = current_services()
    sessions = services.issuer.sessions
    pending = pending_request(sessions, request.values.get("request_uri", ""),
                              request.values.get("client_id", ""), _now())
    if pending is None:
        return _page(None, 400, holder=None)
    holder = holder_for_session(sessions, session.get(SESSION_KEY), _now())
    if holder is None:
        session[NEXT_KEY] = request.full_path
        return redirect(flask_url_for("holder_portal.sign_in_form", wallet=1))
    if request.method == "POST":
        check_csrf()
        if request.form.get("decision") != "allow":
            if not deny(sessions, pending, _now()):  # answered meanwhile: nothing to send
                return _page(None, 400, holder=holder)
            return _redirect_back(pending, error="access_denied",
                                  error_description="the holder refused")
        try:
            code = authorize(sessions, pending, holder, _now())
        except RequestError as e:
            return _page(pending, 400, holder=holder, problem=say(e.finding))
        return _redirect_back(pending, code=code)
    try:
        with sessions() as s:
            asked = requested_credentials(s, pending, holder, _now())
            titles = []
            for config, credential_id in asked.items():
                found = s.get(IssuedCredential, credential_id)
                if found is not None:
                    titles.append((credential_title(found.document),
                                   "SD-JWT VC" if config.endswith("-sd_jwt") else "W3C VC"))
    except RequestError as e:
        return _page(pending, 403, holder=holder, problem=say(e.finding))
    return _page(pending, holder=holder, asked=titles)
