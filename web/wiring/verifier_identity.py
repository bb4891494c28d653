"""The verifier's own identity, for signing verification receipts: `<issuer DID>:verifier`
(e.g. `did:web:certify.example.eu:verifier`), whose DID document this server serves at
`/verifier/did.json` (did:web method §3.2: a DID with a path resolves to <path>/did.json).

Its key is not the issuer's: it lives in `<data_dir>/verifier/keys`, under the same
passphrase as the other keys, and is made on first use. A receipt signed with it can never be
taken for a credential the certification body issued.
"""
from pathlib import Path
from typing import Any

from flask import Flask

from issuer.did_web import issuer_did_document
from vc.contexts import ContextStore
from vc.key_store import KeyStore
from verifier.receipts import sign_receipt
from web.wiring.datadir import key_passphrase, key_store
from web.wiring.services import services_of
from web.wiring.settings import Settings

VERIFIER_DIR = "verifier"


def verifier_did(settings: Settings) -> str:
    return f"{settings.issuer_did}:{VERIFIER_DIR}"


def open_verifier_keys(settings: Settings) -> KeyStore:
    """The verifier's key store, with an active key (made on first use)."""
    keys = key_store(Path(settings.data_dir) / VERIFIER_DIR, key_passphrase(settings))
    keys.ensure_active()
    return keys


def verifier_keys(app: Flask) -> KeyStore:
    """The verifier's key store (one per app, opened in `create_app`)."""
    return services_of(app).verifier_keys


def verifier_did_document(app: Flask) -> dict[str, Any]:
    settings = services_of(app).settings
    return issuer_did_document(verifier_did(settings), verifier_keys(app).all())


def signed_by_verifier(app: Flask, document: dict[str, Any],
                       store: ContextStore) -> dict[str, Any]:
    """`document` (a receipt) signed with the verifier's active key."""
    keys = verifier_keys(app)
    active = keys.active()
    did = verifier_did(services_of(app).settings)
    return sign_receipt(document, keys.signing_key(active.key_id), f"{did}#{active.key_id}",
                        store)
