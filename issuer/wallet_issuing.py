"""Issuing into wallets by OpenID4VCI: offers of a holder's credentials, and
the copies bound to the wallet's key that the credential endpoint hands out.

The protocol (HTTP, tokens, DPoP, key proofs) is `web.wallet.oid4vci`; this module decides what
may be offered and what a redeemed offer yields, and writes it down.
"""
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from issuer.audit import AuditEvent, record_audit_event
from issuer.codes import IssuerCode
from issuer.errors import NotFound
from issuer.models import Candidate, IssuedCredential, WalletCopy
from issuer.records import as_utc
from issuer.signing import IssuerConfig, IssuerSigner
from issuer.wallet_authorization import AuthorizationOffer, offer_for_authorization
from issuer.wallet_copies import (
    TOKEN_LIST_SIZE,
    copy_expiry,
    copy_issue_times,
    copy_row,
    ldp_vc_copy,
    record_copy,
    sd_jwt_claims,
)
from issuer.wallet_grants import FORMATS, Grant, Offer, create_offer, redeem
from issuer.wallet_limits import SingleUse, WalletLimits
from schemas.framework import Framework
from vc.jose import JwsSigner
from vc.sd_jwt_vc import issue_sd_jwt_vc
from vc.token_status_list import (
    StatusList,
    TokenStatus,
    random_free_index,
    sign_status_list_token,
)

SLOT_ATTEMPTS = 3  # draws of a token status index that two workers made at once
RECOUNT_S = 1.0  # how long a worker trusts its count of the newest token status list
RECOUNT_MARGIN = 4096  # ... while it is further than this from half full
SPARSE = 16  # a token status list less than 1/SPARSE full: draws are not looked up first



@dataclass(frozen=True)
class HolderKey:
    """A wallet key the holder proved possession of (a key proof's verified key)."""

    jwk: dict[str, Any]
    thumbprint: str
    did: str  # did:jwk of the key


class WalletIssuing:
    """Offers to wallets and the copies bound to their keys. It is given the parts of the issuer
    it uses (database, clock, signer, write gate, framework, configuration), not the service."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session],
                 clock: Callable[[], datetime], signer: IssuerSigner,
                 write_gate: Callable[[], AbstractContextManager[object]],
                 framework: Callable[[], Framework], config: IssuerConfig) -> None:
        self.engine, self.sessions, self.clock, self.signer = engine, sessions, clock, signer
        self.write_gate, self.framework, self.config = write_gate, framework, config
        self._newest_list = (1, 0, float("-inf"))  # (number, copies in it, counted at)
        # copies per token and configuration, single-use proofs
        self.limits = WalletLimits(engine, config.wallet_copies)

    def offer(self, email_or_credential_id: str, formats: list[str], actor: str,
              with_tx_code: bool = True) -> Offer:
        """A pre-authorized offer of one credential (by its id) or of every active
        credential of the holder with this e-mail address."""
        return self.offers(email_or_credential_id, formats, actor, 1, with_tx_code)[0]

    def offers(self, email_or_credential_id: str, formats: list[str], actor: str,
               count: int, with_tx_code: bool = True) -> list[Offer]:
        """`count` separate pre-authorized offers of the same credentials (each with its own
        code and tx_code), made in one transaction: for several devices, or a benchmark."""
        if count < 1:
            raise ValueError("count must be at least 1")
        with self.sessions.begin() as s:
            candidate, credentials = _offered(s, email_or_credential_id.strip())
            now = self.clock()
            return [create_offer(s, candidate, credentials, formats, actor, now, with_tx_code)
                    for _ in range(count)]

    def authorization_offer(self, email_or_credential_id: str, formats: list[str],
                            actor: str) -> AuthorizationOffer:
        """The same, for the authorization code flow: the holder signs in to agree."""
        unknown = [f for f in formats if f not in FORMATS]
        if unknown or not formats:
            raise ValueError(f"unknown format {', '.join(unknown) or '(none)'}: "
                             f"use {' or '.join(FORMATS)}")
        with self.sessions.begin() as s:
            candidate, credentials = _offered(s, email_or_credential_id.strip())
            return offer_for_authorization(s, candidate, credentials, formats, actor,
                                           self.clock())

    def issue_ldp_vc(self, grant: Grant, config_id: str, keys: list[HolderKey],
                     now: datetime, once: Sequence[SingleUse] = ()) -> list[dict[str, Any]]:
        """One `ldp_vc` copy of the offered credential per key, each bound to its key; the
        values in `once` are used up and the copies counted against the grant's bound in
        the same transaction (`issuer.wallet_limits`: Replayed, CopiesExhausted)."""
        original_id = grant.offered[config_id]
        with self.sessions() as s:
            original = s.get(IssuedCredential, original_id)
            if original is None or original.revoked:
                raise NotFound(IssuerCode.REVOKED_NOT_ISSUABLE)
            original_document = original.document
        # signed outside the write transaction (canonicalization takes milliseconds)
        copies = [ldp_vc_copy(original_document, key.did, self.signer, now) for key in keys]
        with self.write_gate(), self.sessions.begin() as s:
            self.limits.use_up(s.connection(), once, time.time())
            self.limits.count_copies(s.connection(), grant.id, config_id, len(keys))
            for key, document in zip(keys, copies, strict=True):
                record_copy(s, document["id"], original_id, grant.id, "ldp_vc",
                            key.thumbprint, now)
            record_audit_event(s, "wallet", "wallet.credential.issued", original_id,
                               {"grant": grant.id, "format": "ldp_vc",
                                "configuration": config_id, "copies": len(copies)})
        return copies

    def redeem(self, code: str, tx_code: str | None, now: datetime,
               once: Sequence[SingleUse] = ()) -> Grant:
        """The grant of a pre-authorized code, used up now (see `wallet_grants.redeem`), with
        the values in `once` (the DPoP proof's jti) in the same transaction."""
        return redeem(self.engine, code, tx_code, now, self.write_gate,
                      lambda c: self.limits.use_up(c, once, time.time()))

    def use_up(self, once: Sequence[SingleUse]) -> None:
        """Records single-use values in a transaction of their own; raises Replayed."""
        with self.write_gate(), self.engine.begin() as c:
            self.limits.use_up(c, once, time.time())

    def issue_sd_jwt(self, grant: Grant, config_id: str, keys: list[HolderKey],
                     now: datetime, signer: JwsSigner, public_url: str,
                     once: Sequence[SingleUse] = ()) -> list[str]:
        """One SD-JWT VC (dc+sd-jwt) per key, bound to it (`cnf`), each with its own random
        index in a Token Status List, so that copies cannot be linked by their status.

        The original and free indexes are read first, the copies signed, then recorded in
        one short write transaction, which also uses up the values in `once` and counts the
        copies against the grant's bound (`issuer.wallet_limits`: Replayed,
        CopiesExhausted); two workers drawing the same index at once (the unique constraint
        refuses the second) is retried with new draws."""
        for attempt in range(SLOT_ATTEMPTS):
            try:
                return self._issue_sd_jwt(grant, config_id, keys, now, signer, public_url,
                                          once, look_up=attempt > 0)
            except IntegrityError:
                if attempt == SLOT_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _issue_sd_jwt(self, grant: Grant, config_id: str, keys: list[HolderKey],
                      now: datetime, signer: JwsSigner, public_url: str,
                      once: Sequence[SingleUse], look_up: bool) -> list[str]:
        original_id = grant.offered[config_id]
        with self.engine.connect() as c:
            original = c.execute(_ORIGINAL, {"id": original_id}).first()
            if original is None or original.revoked:
                raise NotFound(IssuerCode.REVOKED_NOT_ISSUABLE)
            slots = self._token_slots(c, len(keys), look_up)
        claims = sd_jwt_claims(original.document, _learning_outcomes(
            self.framework(), original.kind, original.code), self.config.name)
        kind = "role" if original.kind == "role" else "unit"
        disclosable = [p for p in ("name", "assessment_grade") if p in claims]
        # RFC 9901 §10.1: no two copies share a time claim that would link them
        expires_at = copy_expiry(as_utc(original.valid_until))
        issue_times = copy_issue_times(now, _signed_at(original.document), len(keys))
        issued, rows = [], []
        for key, (number, index), issued_at in zip(keys, slots, issue_times, strict=True):
            copy_id = f"urn:uuid:{uuid.uuid4()}"
            rows.append(copy_row(copy_id, original_id, grant.id, "dc+sd-jwt", key.thumbprint,
                                 now, (number, index)))
            issued.append(issue_sd_jwt_vc(
                {**claims, "jti": copy_id}, disclosable=disclosable,
                signer=signer, vct=vct_url(public_url, kind), issuer=public_url,
                holder_jwk=key.jwk, status=(token_list_url(public_url, number), index),
                issued_at=issued_at, expires_at=expires_at))
        with self.write_gate(), self.engine.begin() as c:
            self.limits.use_up(c, once, time.time())
            self.limits.count_copies(c, grant.id, config_id, len(rows))
            c.execute(_INSERT_COPY, rows)
            c.execute(_INSERT_AUDIT, {
                "actor": "wallet", "action": "wallet.credential.issued",
                "subject": original_id, "detail": {
                    "grant": grant.id, "format": "dc+sd-jwt", "configuration": config_id,
                    "copies": len(issued)}})
        return issued

    def _token_slots(self, c: Connection, count: int,
                     look_up: bool = True) -> list[tuple[int, int]]:
        """`count` random free indexes (draft-ietf-oauth-status-list §13.2 privacy: indexes
        must not tell the order of issuance) in the newest list, a new list starting when
        it is half full. How full the newest list is gets counted (a scan of its part of
        the index) at most every `RECOUNT_S` per worker, and for every copy once it is
        within `RECOUNT_MARGIN` of half: other workers cannot fill the margin meanwhile.

        While the list is less than `SPARSE` full, a drawn index is not looked up unless
        `look_up`: it is free but for a chance below 1/16, and the unique constraint on
        (list, index) refuses the copy otherwise, which is then drawn again, looked up."""
        number, used, counted_at = self._newest_list
        if time.monotonic() - counted_at > RECOUNT_S \
                or used + count >= TOKEN_LIST_SIZE // 2 - RECOUNT_MARGIN:
            number = c.execute(_NEWEST_LIST).scalar() or 1
            used = c.execute(_LIST_USED, {"number": number}).scalar() or 0
            counted_at = time.monotonic()
        slots: list[tuple[int, int]] = []
        drawn: set[int] = set()
        for _ in range(count):
            if used >= TOKEN_LIST_SIZE // 2:
                number, used, drawn = number + 1, 0, set()
            taken = _TakenIndexes(c, number, drawn) \
                if look_up or used >= TOKEN_LIST_SIZE // SPARSE else drawn
            index = random_free_index(TOKEN_LIST_SIZE, taken)
            drawn.add(index)
            slots.append((number, index))
            used += 1
        self._newest_list = (number, used, counted_at)
        return slots

    def status_list_token(self, number: int, signer: JwsSigner, public_url: str) -> str | None:
        """The signed Status List Token of list `number`: each copy's value follows its
        original (revoked: INVALID, suspended: SUSPENDED), read now from the records."""
        with self.sessions() as s:
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


class _TakenIndexes:
    """The indexes of one token status list already given to copies, looked up one at a
    time by the unique index on (token_list, token_index): a draw costs a lookup, not a
    read of the whole list."""

    def __init__(self, c: Connection, number: int, drawn: set[int]) -> None:
        self.c, self.number, self.drawn = c, number, drawn

    def __contains__(self, index: object) -> bool:
        return index in self.drawn or self.c.execute(
            _SLOT_TAKEN, {"number": self.number, "index": index}).first() is not None


_COPIES = cast(Table, WalletCopy.__table__)
_CREDENTIALS = cast(Table, IssuedCredential.__table__)
# The credential endpoint's statements, built once (Core: see wallet_grants)
_ORIGINAL = select(_CREDENTIALS.c.revoked, _CREDENTIALS.c.kind, _CREDENTIALS.c.code,
                   _CREDENTIALS.c.valid_until, _CREDENTIALS.c.document).where(
    _CREDENTIALS.c.id == bindparam("id"))
_NEWEST_LIST = select(func.max(_COPIES.c.token_list))
_LIST_USED = select(func.count()).select_from(_COPIES).where(
    _COPIES.c.token_list == bindparam("number"))
_SLOT_TAKEN = select(_COPIES.c.id).where(
    _COPIES.c.token_list == bindparam("number"),
    _COPIES.c.token_index == bindparam("index")).limit(1)
_INSERT_COPY = insert(_COPIES)
_INSERT_AUDIT = insert(cast(Table, AuditEvent.__table__))


def _signed_at(document: dict[str, Any]) -> datetime | None:
    """The original's `validFrom` (we signed it: an RFC 3339 time), or None."""
    try:
        moment = datetime.fromisoformat(document["validFrom"])
    except (KeyError, TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _learning_outcomes(framework: Framework, kind: str, code: str) -> list[str]:
    if kind != "unit":
        return []
    try:
        unit = framework.unit(code)
    except KeyError:
        return []
    return [e.text.get("en", "") for e in unit.elements if e.text.get("en")]


def _offered(s: Session, wanted: str) -> tuple[int, list[IssuedCredential]]:
    active = (IssuedCredential.revoked.is_(False), IssuedCredential.suspended.is_(False))
    if "@" in wanted:
        candidate = s.scalars(select(Candidate).where(
            Candidate.email == wanted.lower())).first()
        if candidate is None:
            raise NotFound(IssuerCode.NO_CANDIDATE_WITH_EMAIL, email=wanted)
        credentials = list(s.scalars(select(IssuedCredential).where(
            IssuedCredential.candidate_id == candidate.id, *active)
            .order_by(IssuedCredential.issued_at)))
        if not credentials:
            raise NotFound(IssuerCode.NO_ACTIVE_CREDENTIAL_TO_OFFER, email=wanted)
        return candidate.id, _newest_per_code(credentials)
    credential = s.scalars(select(IssuedCredential).where(
        IssuedCredential.id == wanted, *active)).first()
    if credential is None:
        raise NotFound(IssuerCode.NO_ACTIVE_CREDENTIAL_WITH_ID, id=wanted)
    return credential.candidate_id, [credential]


def _newest_per_code(credentials: list[IssuedCredential]) -> list[IssuedCredential]:
    newest: dict[str, IssuedCredential] = {}
    for c in credentials:  # in issuing order: a later one of the same code replaces
        newest[c.code] = c
    return list(newest.values())
