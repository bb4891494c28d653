"""Issuing into wallets by OpenID4VCI (issue 11): offers of a holder's credentials, and
the copies bound to the wallet's key that the credential endpoint hands out.

The protocol (HTTP, tokens, DPoP, key proofs) is `web.oid4vci`; this module decides what
may be offered and what a redeemed offer yields, and writes it down.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.audit import record_audit_event
from issuer.errors import NotFound
from issuer.models import Candidate, IssuedCredential
from issuer.wallet_copies import ldp_vc_copy, record_copy
from issuer.wallet_grants import Grant, Offer, create_offer

if TYPE_CHECKING:  # the service imports this module
    from issuer.service import IssuerService


@dataclass(frozen=True)
class HolderKey:
    """A wallet key the holder proved possession of (a key proof's verified key)."""

    jwk: dict[str, Any]
    thumbprint: str
    did: str  # did:jwk of the key


class WalletIssuing:
    def __init__(self, service: "IssuerService") -> None:
        self.service = service

    def offer(self, email_or_credential_id: str, formats: list[str], actor: str,
              with_tx_code: bool = True) -> Offer:
        """An offer of one credential (by its id) or of every active credential of the
        holder with this e-mail address."""
        with self.service.sessions.begin() as s:
            candidate, credentials = _offered(s, email_or_credential_id.strip())
            return create_offer(s, candidate, credentials, formats, actor,
                                self.service.clock(), with_tx_code)

    def issue_ldp_vc(self, grant: Grant, config_id: str, keys: list[HolderKey],
                     now: datetime) -> list[dict[str, Any]]:
        """One `ldp_vc` copy of the offered credential per key, each bound to its key."""
        original_id = grant.offered[config_id]
        with self.service.sessions.begin() as s:
            original = s.get(IssuedCredential, original_id)
            if original is None or original.revoked:
                raise NotFound("this credential was revoked: it can no longer be issued")
            copies = [ldp_vc_copy(original.document, key.did, self.service.signer, now)
                      for key in keys]
            for key, document in zip(keys, copies, strict=True):
                record_copy(s, document["id"], original_id, grant.id, "ldp_vc",
                            key.thumbprint, now)
            record_audit_event(s, "wallet", "wallet.credential.issued", original_id,
                               {"grant": grant.id, "format": "ldp_vc",
                                "configuration": config_id, "copies": len(copies)})
        return copies


def _offered(s: Session, wanted: str) -> tuple[int, list[IssuedCredential]]:
    active = (IssuedCredential.revoked.is_(False), IssuedCredential.suspended.is_(False))
    if "@" in wanted:
        candidate = s.scalars(select(Candidate).where(
            Candidate.email == wanted.lower())).first()
        if candidate is None:
            raise NotFound(f"no candidate has the e-mail address {wanted}")
        credentials = list(s.scalars(select(IssuedCredential).where(
            IssuedCredential.candidate_id == candidate.id, *active)
            .order_by(IssuedCredential.issued_at)))
        if not credentials:
            raise NotFound(f"{wanted} holds no active credential to offer")
        return candidate.id, _newest_per_code(credentials)
    credential = s.scalars(select(IssuedCredential).where(
        IssuedCredential.id == wanted, *active)).first()
    if credential is None:
        raise NotFound(f"no active credential has the id {wanted}")
    return credential.candidate_id, [credential]


def _newest_per_code(credentials: list[IssuedCredential]) -> list[IssuedCredential]:
    newest: dict[str, IssuedCredential] = {}
    for c in credentials:  # in issuing order: a later one of the same code replaces
        newest[c.code] = c
    return list(newest.values())
