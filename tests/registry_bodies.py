"""Certification bodies with did:web DID documents, served offline to the registry's real
DID resolver (`registry.body_keys.did_document_keys`): where the registry reads body keys."""
import json

from registry.body_keys import BodyKeySource, did_document_keys
from vc.did_resolver import DIDResolver
from vc.did_web import did_web_to_url
from vc.fetch import StaticFetcher
from vc.multikey import Ed25519Multikey


def did_document(did: str, keys: dict[str, Ed25519Multikey]) -> dict:
    methods = [{"id": f"{did}#{fragment}", "type": "Multikey", "controller": did,
                "publicKeyMultibase": key.public_key_multibase}
               for fragment, key in keys.items()]
    return {"@context": ["https://www.w3.org/ns/did/v1",
                         "https://w3id.org/security/multikey/v1"],
            "id": did, "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods]}


class Bodies:
    """did:web bodies whose DID documents a test can change (a key rotation)."""

    def __init__(self, bodies: dict[str, dict[str, Ed25519Multikey]]) -> None:
        self.keys = bodies
        self._fetcher = StaticFetcher({})
        self.publish()

    def publish(self) -> None:
        self._fetcher = StaticFetcher({
            did_web_to_url(did): json.dumps(did_document(did, keys)).encode()
            for did, keys in self.keys.items()})

    def source(self) -> BodyKeySource:
        def keys(did: str) -> dict[str, str]:  # a fresh resolver: no cache across changes
            return did_document_keys(DIDResolver(fetcher=self._fetcher))(did)
        return keys
