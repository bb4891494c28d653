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
from web.datadir import key_passphrase, key_store
from web.settings import Settings

VERIFIER_DIR = "verifier"
EXTENSION_KEY = "s4c.verifier.keys"


def verifier_did(settings: Settings) -> str:
    return f"{settings.issuer_did}:{VERIFIER_DIR}"


def verifier_keys(app: Flask) -> KeyStore:
    """The verifier's key store (one per app), with an active key."""
    keys = app.extensions.get(EXTENSION_KEY)
    if keys is None:
        settings: Settings = app.extensions["s4c"].settings
        keys = key_store(Path(settings.data_dir) / VERIFIER_DIR, key_passphrase(settings))
        keys.ensure_active()
        app.extensions[EXTENSION_KEY] = keys
    return keys


def verifier_did_document(app: Flask) -> dict[str, Any]:
    settings: Settings = app.extensions["s4c"].settings
    return issuer_did_document(verifier_did(settings), verifier_keys(app).all())


def signed_by_verifier(app: Flask, document: dict[str, Any],
                       store: ContextStore) -> dict[str, Any]:
    """`document` (a receipt) signed with the verifier's active key."""
    keys = verifier_keys(app)
    active = keys.active()
    did = verifier_did(app.extensions["s4c"].settings)
    return sign_receipt(document, keys.signing_key(active.key_id), f"{did}#{active.key_id}",
                        store)
