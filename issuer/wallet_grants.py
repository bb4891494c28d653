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
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Connection, Engine, Table, bindparam, select, update
from sqlalchemy.orm import Session

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


_GRANTS = cast(Table, WalletGrant.__table__)
# The token and credential endpoints' statements, built once: Core on a connection, since
# the ORM's per-statement work was most of the time of a token request.
_GRANT_BY_CODE = select(_GRANTS.c.id, _GRANTS.c.candidate_id, _GRANTS.c.offered,
                        _GRANTS.c.redeemed_at, _GRANTS.c.expires_at,
                        _GRANTS.c.failed_attempts, _GRANTS.c.tx_code_hash).where(
    _GRANTS.c.code_hash == bindparam("code_hash"), _GRANTS.c.flow == "pre-authorized")
_WRONG_TX_CODE = update(_GRANTS).where(_GRANTS.c.id == bindparam("grant_id")).values(
    failed_attempts=_GRANTS.c.failed_attempts + 1)
_REDEEM = update(_GRANTS).where(
    _GRANTS.c.id == bindparam("grant_id"), _GRANTS.c.redeemed_at.is_(None),
    _GRANTS.c.failed_attempts < MAX_TX_CODE_ATTEMPTS).values(
    redeemed_at=bindparam("now", type_=_GRANTS.c.redeemed_at.type))


def redeem(engine: Engine, code: str, tx_code: str | None, now: datetime,
           write_gate: Callable[[], AbstractContextManager] = nullcontext,
           also: Callable[[Connection], None] | None = None) -> Grant:
    """The grant of a pre-authorized code, which is used up (once, even under concurrent
    requests: the update that marks it is conditional). A wrong tx_code counts against
    the offer, in its own transaction, before the error is raised. One read, then one
    short write transaction (entered through `write_gate`, see `IssuerService`), in which
    `also` runs first (recording the DPoP proof's jti: whatever it raises undoes both)."""
    with engine.connect() as c:  # one connection: a read, then a short write
        row = c.execute(_GRANT_BY_CODE, {"code_hash": _code_hash(code)}).first()
        c.rollback()
        if row is None:
            raise GrantError("invalid_grant", "this pre-authorized code is not known")
        if row.redeemed_at is not None:
            raise GrantError("invalid_grant", "this pre-authorized code was already used")
        if as_utc(row.expires_at) <= now:
            raise GrantError("invalid_grant", "this offer has expired: ask for a new one")
        if row.failed_attempts >= MAX_TX_CODE_ATTEMPTS:
            raise GrantError("invalid_grant", "too many wrong transaction codes: this "
                             "offer is void, ask for a new one")
        grant = Grant(row.id, row.candidate_id, dict(row.offered))
        expected = row.tx_code_hash
        if expected is not None and (
                not tx_code or not hmac.compare_digest(_tx_hash(grant.id, tx_code), expected)):
            with write_gate(), c.begin():
                c.execute(_WRONG_TX_CODE, {"grant_id": grant.id})
            raise GrantError("invalid_grant", "the transaction code is wrong"
                             if tx_code else "this offer needs its transaction code (tx_code)")
        with write_gate(), c.begin():
            if also is not None:
                also(c)
            used = c.execute(_REDEEM, {"grant_id": grant.id, "now": now})
            if used.rowcount != 1:
                raise GrantError("invalid_grant", "this pre-authorized code was already used")
    return grant
