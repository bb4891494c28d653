"""The issuer's did:web DID document (did:web method spec §3.1 Create): one Multikey
verification method per issuer key; the DID itself comes from `vc.did_web`."""
import json

from vc.key_store import StoredKey

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def issuer_did_document(did: str, keys: list[StoredKey]) -> dict:
    """The DID document listing every issuer key as a Multikey verification method."""
    methods = [
        {
            "id": f"{did}#{key.key_id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in keys
    ]
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        # Retired keys stay assertion methods: what they signed is valid until revoked/expired.
        "assertionMethod": [m["id"] for m in methods],
        "authentication": [f"{did}#{key.key_id}" for key in keys if key.is_active],
    }


DID_JSON = "application/did+json"  # did:web spec §3.2 media type


def issuer_did_document_json(did: str, keys: list[StoredKey]) -> bytes:
    """The issuer's DID document as served at /.well-known/did.json, and as read in process."""
    return json.dumps(issuer_did_document(did, keys), indent=2).encode()
