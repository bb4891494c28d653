"""Issuing into wallets by OpenID4VCI (issue 11): offers of a holder's credentials, and
the copies bound to the wallet's key that the credential endpoint hands out.

The protocol (HTTP, tokens, DPoP, key proofs) is `web.oid4vci`; this module decides what
may be offered and what a redeemed offer yields, and writes it down.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from issuer.audit import record_audit_event
from issuer.errors import NotFound
from issuer.models import Candidate, IssuedCredential, WalletCopy
from issuer.wallet_authorization import AuthorizationOffer, offer_for_authorization
from issuer.wallet_copies import TOKEN_LIST_SIZE, ldp_vc_copy, record_copy, sd_jwt_claims
from issuer.wallet_grants import FORMATS, Grant, Offer, create_offer
from schemas.framework import Framework
from vc.jose import JwsSigner
from vc.sd_jwt_vc import issue_sd_jwt_vc
from vc.token_status_list import (
    StatusList,
    TokenStatus,
    random_free_index,
    sign_status_list_token,
)

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
        """A pre-authorized offer of one credential (by its id) or of every active
        credential of the holder with this e-mail address."""
        with self.service.sessions.begin() as s:
            candidate, credentials = _offered(s, email_or_credential_id.strip())
            return create_offer(s, candidate, credentials, formats, actor,
                                self.service.clock(), with_tx_code)

    def authorization_offer(self, email_or_credential_id: str, formats: list[str],
                            actor: str) -> AuthorizationOffer:
        """The same, for the authorization code flow: the holder signs in to agree."""
        unknown = [f for f in formats if f not in FORMATS]
        if unknown or not formats:
            raise ValueError(f"unknown format {', '.join(unknown) or '(none)'}: "
                             f"use {' or '.join(FORMATS)}")
        with self.service.sessions.begin() as s:
            candidate, credentials = _offered(s, email_or_credential_id.strip())
            return offer_for_authorization(s, candidate, credentials, formats, actor,
                                           self.service.clock())

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

    def issue_sd_jwt(self, grant: Grant, config_id: str, keys: list[HolderKey],
                     now: datetime, signer: JwsSigner, public_url: str) -> list[str]:
        """One SD-JWT VC (dc+sd-jwt) per key, bound to it (`cnf`), each with its own random
        index in a Token Status List, so that copies cannot be linked by their status."""
        original_id = grant.offered[config_id]
        with self.service.sessions.begin() as s:
            original = s.get(IssuedCredential, original_id)
            if original is None or original.revoked:
                raise NotFound("this credential was revoked: it can no longer be issued")
            claims = sd_jwt_claims(original.document,
                                   _learning_outcomes(self.service.framework(), original))
            kind = "role" if original.kind == "role" else "unit"
            issued = []
            for key in keys:
                number, index = _token_slot(s)
                copy_id = f"urn:uuid:{uuid.uuid4()}"
                issued.append(issue_sd_jwt_vc(
                    {**claims, "jti": copy_id},
                    disclosable=[p for p in ("name", "assessment_grade") if p in claims],
                    signer=signer, vct=vct_url(public_url, kind), issuer=public_url,
                    holder_jwk=key.jwk, status=(token_list_url(public_url, number), index),
                    issued_at=int(now.timestamp()),
                    expires_at=int(original.valid_until.timestamp())
                    if original.valid_until else None))
                record_copy(s, copy_id, original_id, grant.id, "dc+sd-jwt", key.thumbprint,
                            now, (number, index))
            record_audit_event(s, "wallet", "wallet.credential.issued", original_id,
                               {"grant": grant.id, "format": "dc+sd-jwt",
                                "configuration": config_id, "copies": len(issued)})
        return issued

    def status_list_token(self, number: int, signer: JwsSigner, public_url: str) -> str | None:
        """The signed Status List Token of list `number`: each copy's value follows its
        original (revoked: INVALID, suspended: SUSPENDED), read now from the records."""
        with self.service.sessions() as s:
            if s.scalar(select(func.count()).select_from(WalletCopy)
                        .where(WalletCopy.token_list == number)) == 0 and number != 1:
                return None
            rows = s.execute(select(WalletCopy.token_index, IssuedCredential.revoked,
                                    IssuedCredential.suspended)
                             .join(IssuedCredential,
                                   IssuedCredential.id == WalletCopy.original_id)
                             .where(WalletCopy.token_list == number,
                                    IssuedCredential.revoked | IssuedCredential.suspended))
            status_list = StatusList(TOKEN_LIST_SIZE, bits=2)
            for index, revoked, _suspended in rows:
                if index is None:
                    continue
                status_list.set(index, TokenStatus.INVALID if revoked
                                else TokenStatus.SUSPENDED)
        return sign_status_list_token(status_list, uri=token_list_url(public_url, number),
                                      signer=signer)


def vct_url(public_url: str, kind: str) -> str:
    """The SD-JWT VC type of role and of unit credentials; its Type Metadata is served here."""
    return f"{public_url}/vct/{kind}-v1"


def token_list_url(public_url: str, number: int) -> str:
    return f"{public_url}/status/token/{number}"


def _token_slot(s: Session) -> tuple[int, int]:
    """A random free index (draft-ietf-oauth-status-list §13.2 privacy: indexes must not
    tell the order of issuance); a new list starts when one is half full."""
    used = s.scalar(select(func.count()).select_from(WalletCopy)
                    .where(WalletCopy.token_list.is_not(None))) or 0
    number = 1 + used // (TOKEN_LIST_SIZE // 2)
    taken = {i for i in s.scalars(select(WalletCopy.token_index).where(
        WalletCopy.token_list == number)) if i is not None}
    return number, random_free_index(TOKEN_LIST_SIZE, taken)


def _learning_outcomes(framework: Framework, credential: IssuedCredential) -> list[str]:
    if credential.kind != "unit":
        return []
    try:
        unit = framework.unit(credential.code)
    except KeyError:
        return []
    return [e.text.get("en", "") for e in unit.elements if e.text.get("en")]


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
