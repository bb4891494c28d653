"""What one access token, one key proof and one DPoP proof may obtain.

- Copies: an access token (its redeemed grant) obtains at most `copies` credentials of each
  configuration it allows, whatever the number of requests, workers or machines. The count
  of a (grant, configuration) is raised by one conditional upsert: a request that would pass
  the bound changes no row and gets nothing.
- Single-use values: a DPoP proof's `jti` (RFC 9449 §11.1) and a key proof's `c_nonce`
  (OpenID4VCI 1.0 §13.8: "the Credential Issuer determines for how long a particular nonce
  can be used" - here, for one Credential Request) are inserted into one table whose key
  refuses a second insert; rows are kept until the value would be refused as stale anyway,
  then pruned.

Both run inside the write transaction that records what the request obtains (the copies,
or the redeemed code): a refused request leaves nothing behind, and an accepted one pays no
extra transaction (SQLite's fsync is most of a write).
"""
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Connection, Engine, Table, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite

from issuer.models import UsedProof, WalletCopyCount

DEFAULT_COPIES = 10  # per credential configuration and access token (S4C_WALLET_COPIES)
MAX_COPIES = 1000
PRUNE_EVERY_S = 10.0  # each worker deletes stale values at most this often
CLOCK_MARGIN_S = 60  # kept this much longer: another machine's clock may be behind ours


@dataclass(frozen=True)
class SingleUse:
    """A value a wallet may use once: `kind` "dpop" (a proof's key thumbprint and `jti`) or
    "c_nonce"; `expires` (Unix seconds) is when it would be refused as stale anyway."""

    kind: str
    value: str
    expires: int

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.kind} {self.value}".encode()).hexdigest()


class Replayed(ValueError):
    """A single-use value seen before: the request is a replay (or reuses a nonce)."""

    def __init__(self, used: SingleUse) -> None:
        super().__init__(f"this {used.kind} was already used")
        self.kind = used.kind


class CopiesExhausted(ValueError):
    """The access token has obtained all the copies of this configuration it may."""

    def __init__(self, configuration_id: str, bound: int) -> None:
        super().__init__(f"this access token may obtain at most {bound} copies of "
                         f"{configuration_id}; ask the issuer for a new offer")
        self.configuration_id, self.bound = configuration_id, bound


_USED = cast(Table, UsedProof.__table__)
_COUNTS = cast(Table, WalletCopyCount.__table__)
_PRUNE = delete(_USED).where(_USED.c.expires < bindparam("before"))


class WalletLimits:
    def __init__(self, engine: Engine, copies: int = DEFAULT_COPIES) -> None:
        if not 1 <= copies <= MAX_COPIES:
            raise ValueError(f"copies per configuration must be 1 to {MAX_COPIES}")
        self.copies = copies
        # ON CONFLICT and RETURNING are spelled alike by SQLite (3.35+) and PostgreSQL, the
        # two we run on; a row returned says the statement inserted or updated one (the
        # drivers' rowcount is not reliable for INSERT: psycopg 3 gives -1 here)
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self._use = insert(_USED).values(
            id=bindparam("id"), expires=bindparam("expires")).on_conflict_do_nothing(
            index_elements=[_USED.c.id]).returning(_USED.c.id)
        counted = insert(_COUNTS).values(grant_id=bindparam("grant_id"),
                                         configuration_id=bindparam("configuration_id"),
                                         copies=bindparam("count"))
        self._count = counted.on_conflict_do_update(
            index_elements=[_COUNTS.c.grant_id, _COUNTS.c.configuration_id],
            set_={"copies": _COUNTS.c.copies + counted.excluded.copies},
            where=_COUNTS.c.copies + counted.excluded.copies <= bindparam("bound")
        ).returning(_COUNTS.c.copies)
        self._pruned_at = float("-inf")

    def use_up(self, c: Connection, values: Sequence[SingleUse], now: float) -> None:
        """Records each value as used, in the caller's transaction; raises `Replayed` for
        the first one seen before (the caller's transaction must then roll back)."""
        if now - self._pruned_at > PRUNE_EVERY_S:
            c.execute(_PRUNE, {"before": int(now) - CLOCK_MARGIN_S})
            self._pruned_at = now
        for value in values:  # one statement each: faster than one executemany of 2 here
            if c.execute(self._use, {"id": value.key, "expires": value.expires}).first() is None:
                raise Replayed(value)

    def count_copies(self, c: Connection, grant_id: str, configuration_id: str,
                     count: int) -> None:
        """Adds `count` copies to what the grant obtained of this configuration, in the
        caller's transaction; raises `CopiesExhausted` (nothing added) past the bound."""
        if count > self.copies or c.execute(self._count, {
                "grant_id": grant_id, "configuration_id": configuration_id, "count": count,
                "bound": self.copies}).first() is None:
            raise CopiesExhausted(configuration_id, self.copies)
