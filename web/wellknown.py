"""`/.well-known/did.json`: the issuer's did:web DID document (did:web spec §3.2)."""
import json

from flask import Blueprint, Response

from issuer.did_web import issuer_did_document
from web.services import current_services

wellknown = Blueprint("wellknown", __name__)
DID_JSON = "application/did+json"


def did_document_json(did: str, keys) -> bytes:
    """The issuer's DID document as served, for the view and for in-process readers."""
    return json.dumps(issuer_did_document(did, keys), indent=2).encode()


@wellknown.get("/.well-known/did.json")
def did_document() -> Response:
    services = current_services()
    response = Response(did_document_json(services.settings.issuer_did,
                                          services.issuer_keys.all()), mimetype=DID_JSON)
    # The document is public; browser-based verifiers and wallets fetch it cross-origin.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
