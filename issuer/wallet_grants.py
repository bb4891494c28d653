"""Offers of a holder's credentials to their wallet, by OpenID4VCI 1.0's pre-authorized code
flow (§3.5, §4.1.1 `grants`, §6.1 Token Request).

An offer names credential configurations (a role or unit, in one format) and the issued
credential behind each. Its pre-authorized code is a bearer secret of 256 bits, redeemed once
and within `OFFER_MINUTES`; the store keeps only its SHA-256. The transaction code (`tx_code`,
six digits) reaches the holder apart from the offer (their e-mail, or read out by the
officer): six digits are too few to resist an offline search whatever the hash, so the
defence is online, an offer being voided after `MAX_TX_CODE_ATTEMPTS` wrong codes.
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from issuer.audit import record_audit_event
from issuer.models import IssuedCredential, WalletGrant
from issuer.records import as_utc

OFFER_MINUTES = 30
TX_CODE_DIGITS = 6
MAX_TX_CODE_ATTEMPTS = 5
FORMATS = {"ldp_vc": "ldp_vc", "dc+sd-jwt": "sd_jwt"}  # format -> configuration id suffix


class GrantError(ValueError):
    """A token request that cannot be granted: `error` is the OAuth 2.0 error code
    (RFC 6749 §5.2), the message says why in words."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error


@dataclass(frozen=True)
class Offer:
    grant_id: str
    pre_authorized_code: str
    tx_code: str | None
    configuration_ids: list[str]
    expires_at: datetime


@dataclass(frozen=True)
class Grant:
    """A redeemed offer: what its access token allows."""

    id: str
    candidate_id: int
    offered: dict[str, str]  # configuration id -> original credential id


def configuration_id(code: str, fmt: str) -> str:
    """`SCPM-sd_jwt`, `U01-ldp_vc`: one configuration per role or unit and format."""
    return f"{code}-{FORMATS[fmt]}"


def parse_configuration_id(config_id: str) -> tuple[str, str] | None:
    """(code, format) of a configuration id, or None."""
    code, _, suffix = config_id.rpartition("-")
    fmt = next((f for f, s in FORMATS.items() if s == suffix), None)
    return (code, fmt) if code and fmt else None


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _tx_hash(grant_id: str, tx_code: str) -> str:
    return hashlib.sha256(f"{grant_id}:{tx_code}".encode()).hexdigest()


def create_offer(s: Session, candidate_id: int, credentials: list[IssuedCredential],
                 formats: list[str], actor: str, now: datetime,
                 with_tx_code: bool = True) -> Offer:
    """An offer of `credentials` (the candidate's own, active) in each of `formats`."""
    if not credentials:
        raise ValueError("there is no active credential to offer")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown format {', '.join(unknown) or '(none)'}: "
                         f"use {' or '.join(FORMATS)}")
    offered = {configuration_id(c.code, f): c.id for c in credentials for f in formats}
    grant_id = secrets.token_urlsafe(16)
    code = secrets.token_urlsafe(32)
    tx_code = "".join(secrets.choice("0123456789") for _ in range(TX_CODE_DIGITS)) \
        if with_tx_code else None
    expires = now + timedelta(minutes=OFFER_MINUTES)
    s.add(WalletGrant(id=grant_id, code_hash=_code_hash(code),
                      tx_code_hash=_tx_hash(grant_id, tx_code) if tx_code else None,
                      candidate_id=candidate_id, offered=offered, created_by=actor,
                      created_at=now, expires_at=expires, failed_attempts=0))
    record_audit_event(s, actor, "wallet.offer.created", grant_id,
                       {"credentials": sorted({c.id for c in credentials}),
                        "formats": formats, "tx_code": tx_code is not None})
    return Offer(grant_id, code, tx_code, list(offered), expires)


def redeem(sessions: sessionmaker, code: str, tx_code: str | None, now: datetime) -> Grant:
    """The grant of a pre-authorized code, which is used up (once, even under concurrent
    requests: the update that marks it is conditional). A wrong tx_code counts against
    the offer, in its own transaction, before the error is raised."""
    with sessions.begin() as s:
        row = s.scalars(select(WalletGrant).where(
            WalletGrant.code_hash == _code_hash(code),
            WalletGrant.flow == "pre-authorized")).first()
        if row is None:
            raise GrantError("invalid_grant", "this pre-authorized code is not known")
        if row.redeemed_at is not None:
            raise GrantError("invalid_grant", "this pre-authorized code was already used")
        if as_utc(row.expires_at) <= now:
            raise GrantError("invalid_grant", "this offer has expired: ask for a new one")
        if row.failed_attempts >= MAX_TX_CODE_ATTEMPTS:
            raise GrantError("invalid_grant", "too many wrong transaction codes: this offer "
                             "is void, ask for a new one")
        grant = Grant(row.id, row.candidate_id, dict(row.offered))
        expected = row.tx_code_hash
    if expected is not None and (
            not tx_code or not hmac.compare_digest(_tx_hash(grant.id, tx_code), expected)):
        with sessions.begin() as s:
            s.execute(update(WalletGrant).where(WalletGrant.id == grant.id).values(
                failed_attempts=WalletGrant.failed_attempts + 1))
        raise GrantError("invalid_grant", "the transaction code is wrong"
                         if tx_code else "this offer needs its transaction code (tx_code)")
    with sessions.begin() as s:
        used = s.execute(update(WalletGrant).where(
            WalletGrant.id == grant.id, WalletGrant.redeemed_at.is_(None),
            WalletGrant.failed_attempts < MAX_TX_CODE_ATTEMPTS).values(redeemed_at=now))
        if used.rowcount != 1:
            raise GrantError("invalid_grant", "this pre-authorized code was already used")
    return grant


def find_grant(s: Session, grant_id: str) -> Grant | None:
    row = s.get(WalletGrant, grant_id)
    return None if row is None or row.redeemed_at is None else Grant(
        row.id, row.candidate_id, dict(row.offered))
