"""Who the issuer is and how it signs: its DID, name and URL, and the active key.

The active key is decrypted once; the key index is re-read at most every 5 s, so that a
rotation by another process (another server worker, `s4c keys rotate`) is picked up.
"""
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import sessionmaker

from issuer.audit import record_audit_event
from issuer.wallet_limits import DEFAULT_COPIES
from schemas.jsonld_contexts import CONTEXTS_DIR
from vc import api as vc_api
from vc.contexts import ContextStore, shared_store
from vc.key_store import KeyStore, StoredKey
from vc.multikey import Ed25519Multikey

KEY_RECHECK_SECONDS = 5


@dataclass(frozen=True)
class IssuerConfig:
    did: str
    name: str
    public_url: str
    suite: str = "eddsa-rdfc-2022"
    role_validity_years: int = 3
    # copies one OpenID4VCI access token may obtain per credential configuration
    # (S4C_WALLET_COPIES; `issuer.wallet_limits`)
    wallet_copies: int = DEFAULT_COPIES
    # the body as a European Digital Credential names it (ELM awardingBody, `issuer.edc`):
    # its country (ISO 3166-1 alpha-2) and eIDAS legal identifier (S4C_ISSUER_COUNTRY,
    # S4C_ISSUER_LEGAL_ID)
    country: str = "BE"
    legal_identifier: str = "DEMO-0000000000"


def context_store() -> ContextStore:
    """The contexts the issuer signs with: the standard ones and s4c's own."""
    return shared_store(CONTEXTS_DIR)


class IssuerSigner:
    """Signs as the issuer, with its active key; rotates the key (with an audit row)."""

    def __init__(self, keys: KeyStore, config: IssuerConfig, sessions: sessionmaker) -> None:
        self.keys = keys
        self.config = config
        self.sessions = sessions
        self._active: tuple[str, Ed25519Multikey] | None = None
        self._checked = 0.0

    def active(self) -> tuple[str, Ed25519Multikey]:
        """(key id, key) of the active key."""
        now = time.monotonic()
        if self._active is None or now - self._checked > KEY_RECHECK_SECONDS:
            active = self.keys.active()
            if self._active is None or self._active[0] != active.key_id:
                self._active = (active.key_id, self.keys.signing_key(active.key_id))
            self._checked = now
        return self._active

    def sign(self, document: dict[str, Any], created: str | None = None) -> dict[str, Any]:
        """`document` with the issuer's proof (the configured cryptosuite, assertionMethod)."""
        key_id, key = self.active()
        return vc_api.sign(document, key, store=context_store(), suite=self.config.suite,
                           verification_method=f"{self.config.did}#{key_id}", created=created)

    def rotate(self, actor: str) -> StoredKey:
        """A new active signing key; older keys stay listed so old credentials verify."""
        new = self.keys.rotate()
        self._active = None
        with self.sessions.begin() as s:
            record_audit_event(s, actor, "issuer.key.rotated",
                               f"{self.config.did}#{new.key_id}",
                               {"publicKeyMultibase": new.public_key_multibase})
        return new
