"""`GET /status/<purpose>/<number>`: the issuer's signed Bitstring Status List credentials.

Public and cacheable (Bitstring Status List v1.0 §5.3 caching): verifiers revalidate with
`If-None-Match` and get 304 while the list is unchanged. Revoking or suspending changes
the list at once; `max-age` bounds how long a cache may show the old state.
"""
import hashlib
import json

from flask import Blueprint, Response, request
from werkzeug.wrappers import Response as BaseResponse  # what make_conditional() returns

from web.plumbing.problems import problem
from web.wiring.services import current_services

status_lists = Blueprint("status_lists", __name__)

VC_MEDIA_TYPE = "application/vc+ld+json"
MAX_AGE_SECONDS = 60


@status_lists.get("/status/<purpose>/<int:number>")
def status_list(purpose: str, number: int) -> BaseResponse:
    document = current_services().issuer.status_list_credential(purpose, number)
    if document is None:
        return problem(404, f"there is no {purpose} status list number {number}")
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    response = Response(body, mimetype=VC_MEDIA_TYPE)
    response.set_etag(hashlib.sha256(body).hexdigest())
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
    # Browser-based verifiers and wallets fetch status lists cross-origin.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)
