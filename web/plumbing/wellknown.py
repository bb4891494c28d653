"""`/.well-known/did.json`: the issuer's did:web DID document (did:web spec §3.2)."""
from flask import Blueprint, Response

from issuer.did_web import DID_JSON, issuer_did_document_json
from web.wiring.services import current_services

wellknown = Blueprint("wellknown", __name__)


@wellknown.get("/.well-known/did.json")
def did_document() -> Response:
    services = current_services()
    response = Response(issuer_did_document_json(services.settings.issuer_did,
                                          services.issuer_keys.all()), mimetype=DID_JSON)
    # The document is public; browser-based verifiers and wallets fetch it cross-origin.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
