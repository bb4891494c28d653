"""The wallet's side of an OpenID4VP 1.0 request: where it fetches the request object
(`request_uri`, RFC 9101 §5.2) and where it posts its answer (`response_uri`, §8.2).

The views only translate HTTP: the request is built by `web.wallet.oid4vp.requests`, the answer is
checked by `verifier.oid4vp_answers`, and the result is kept like a scanned one
(`web.employer.page.keep_report`), so the employer's page shows the same verdict view.
Errors go back to the wallet as OAuth errors (`error`, `error_description`, RFC 6749 §5.2),
in English: the wallet shows them to the holder, and the employer's page shows why.
"""
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for

from vc.findings import Finding
from vc.jose import JwsSigner
from verifier.codes import RefusalCode
from verifier.oid4vp_answers import (
    RefusedAnswer,
    WalletDeclined,
    decrypt_response,
    not_valid_because,
    read_answer,
)
from verifier.vp_requests import Admission, PresentationRequest, PresentationRequests
from web.employer.keep import keep_report
from web.wallet.oid4vp.requests import REQUEST_MEDIA_TYPE, new_request, request_object, wallet_link
from web.wiring.services import current_services, services_of
from web.wiring.verifiers import sd_jwt_verifier_for_app, verifier_for_app

MAX_FORM_BYTES = 512 * 1024

oid4vp = Blueprint("oid4vp", __name__)


def presentation_requests(app: Flask) -> PresentationRequests:
    return services_of(app).presentation_requests


def request_signer(app: Flask) -> JwsSigner:
    """The key and x5c chain that sign request objects: this deployment's SD-JWT key, whose
    leaf certificate names its host (`web.wiring.sd_jwt_keys`)."""
    return services_of(app).sd_jwt_key.signer


def start_request(response_mode: str, country: str | None, lang: str) -> tuple[str, str]:
    """A new request; returns its transaction id (for the employer's page) and wallet link."""
    public_url = current_services().settings.public_url
    made = new_request(public_url, request_signer(current_app), response_mode)
    transaction_id = presentation_requests(current_app).create(
        made.request_id, made.claims, made.decryption_key,
        {"country": country, "lang": lang, "signed": made.signed})
    return transaction_id, wallet_link(public_url, made.request_id, made.claims, made.signed)


def link_of(found: PresentationRequest) -> str:
    return wallet_link(current_services().settings.public_url, found.request_id,
                       found.request, bool(found.options.get("signed")))


def _error(status: int, description: str, error: str = "invalid_request") -> Response:
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _waiting(request_id: str) -> PresentationRequest | Response:
    found = presentation_requests(current_app).by_request_id(request_id)
    if found is None:
        return _error(404, "this request is unknown")
    if found.answered_at is not None:
        return _error(400, "this request was already answered: a replayed response is "
                           "refused")
    if found.expired:
        return _error(400, "this request has expired; ask the employer for a new one")
    if found.closed:
        return _error(400, CLOSED)
    return found


CLOSED = ("too many answers to this request were refused, so it is closed; ask the employer "
          "for a new one")


@oid4vp.get("/oid4vp/request/<request_id>")
def request_object_view(request_id: str) -> Response:
    found = _waiting(request_id)
    if isinstance(found, Response):
        return found
    try:
        text = request_object(current_services().settings.public_url,
                              request_signer(current_app), found.request,
                              found.expires_at.timestamp())
    except LookupError:
        return _error(404, "this request is passed by value, not by reference")
    return Response(text, mimetype=REQUEST_MEDIA_TYPE, headers={"Cache-Control": "no-store"})


def _parameters(found: PresentationRequest) -> dict[str, Any]:
    form = request.form
    if found.request["response_mode"] == "direct_post.jwt":
        if "response" not in form:
            raise RefusedAnswer("this request asked for an encrypted response "
                                "(direct_post.jwt); the answer was not encrypted",
                                RefusalCode.UNREADABLE)
        return decrypt_response(form["response"], found.decryption_key or {})
    if "response" in form:
        raise RefusedAnswer("this request asked for direct_post, not an encrypted response")
    return {k: form[k] for k in form}


@oid4vp.post("/oid4vp/response/<request_id>")
def response_view(request_id: str) -> Response:
    request.max_content_length = MAX_FORM_BYTES
    found = _waiting(request_id)
    if isinstance(found, Response):
        return found
    store = presentation_requests(current_app)
    # counted before anything is read (verifier.vp_requests: only a valid answer ends the
    # request, so the others are bounded, in all and per sender)
    admission = store.admit(request_id, request.remote_addr or "")
    if admission is Admission.SOURCE_SPENT:
        return _error(429, "too many answers to this request came from your address")
    if admission is Admission.CLOSED:  # answered, expired or closed since it was read
        waiting = _waiting(request_id)
        return waiting if isinstance(waiting, Response) else _error(400, CLOSED)
    country, lang = found.options.get("country"), str(found.options.get("lang") or "en")
    try:
        answer = read_answer(_parameters(found), found,
                             sd_jwt_verifier=sd_jwt_verifier_for_app(current_app),
                             verifier=verifier_for_app(current_app), country=country,
                             lang=lang)
    except WalletDeclined as e:
        store.refuse(request_id, Finding(RefusalCode.WALLET_DECLINED, {},
                                         f"the wallet answered with an error: {e}"))
        return jsonify({})
    except RefusedAnswer as e:
        store.refuse(request_id, e.finding)
        return _error(400, e.reason, e.error)
    not_valid = not_valid_because(answer)
    if not_valid is not None:  # read and reported, but the request waits for a valid one
        store.refuse(request_id, not_valid)
        return _error(400, not_valid.detail or not_valid.code)
    result_id = keep_report(answer.report, answer.credential, "wallet", country,
                            answer.presentation_checks)
    if not store.finish(request_id, result_id):
        return _error(400, "this request was already answered: a replayed response is "
                           "refused")
    # §8.2: the wallet takes the holder's browser on to the result (same-device flow); the
    # kept result's id is fresh and random, as the redirect_uri must hold
    return jsonify({"redirect_uri": current_services().settings.public_url + url_for(
        "verify_page.result", result_id=result_id, lang=lang)})
