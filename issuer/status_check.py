"""`s4c status check [--repair]`: does every published status bit say what the issuer
recorded? A lost update (two workers writing one list without a lock)
leaves a credential flagged revoked whose bit is 0, so verifiers still call it valid; a
bit may also be set for a slot no credential holds. Repair makes each bit say what is
recorded, one audit row per change, in one transaction with the list rows locked."""
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.audit import record_audit_event
from issuer.models import IssuedCredential, StatusList
from vc.statuslist import Bitstring


@dataclass(frozen=True)
class StatusMismatch:
    purpose: str
    list_number: int
    index: int
    credential_id: str | None  # None: a set bit that no credential holds
    recorded: bool  # what the issuer's records say
    published: bool  # what the status list says

    def describe(self) -> str:
        word = {"revocation": "revoked", "suspension": "suspended"}[self.purpose]
        where = f"{self.purpose} list {self.list_number}, index {self.index}"
        if self.credential_id is None:
            return f"{where}: set, but no credential holds this slot"
        return (f"{self.credential_id}: recorded {'' if self.recorded else 'not '}{word}, "
                f"but the {where} says {'' if self.published else 'not '}{word}")


def find_mismatches(session: Session, *, lock: bool = False) -> list[StatusMismatch]:
    query = select(StatusList)
    lists = {(row.purpose, row.number): row
             for row in session.scalars(query.with_for_update() if lock else query)}
    bits = {key: Bitstring.from_bytes(row.bits) for key, row in lists.items()}
    held: dict[tuple[str, int], set[int]] = {key: set() for key in lists}
    found = []
    rows = session.execute(select(
        IssuedCredential.id, IssuedCredential.revoked, IssuedCredential.suspended,
        IssuedCredential.revocation_list, IssuedCredential.revocation_index,
        IssuedCredential.suspension_list, IssuedCredential.suspension_index))
    for cid, revoked, suspended, r_list, r_index, s_list, s_index in rows:
        for purpose, number, index, recorded in (("revocation", r_list, r_index, revoked),
                                                 ("suspension", s_list, s_index, suspended)):
            key = (purpose, number)
            held.setdefault(key, set()).add(index)
            published = bits[key].get(index) if key in bits else False
            if bool(recorded) != published:
                found.append(StatusMismatch(purpose, number, index, cid, bool(recorded),
                                            published))
    for key, bitstring in bits.items():
        for index in _set_indexes(bitstring):
            if index not in held[key]:
                found.append(StatusMismatch(key[0], key[1], index, None, False, True))
    return found


def _set_indexes(bitstring: Bitstring) -> list[int]:
    raw = bitstring.to_bytes()
    out = []
    for byte_index, byte in enumerate(raw):
        if byte:
            for bit in range(8):  # §3.1: the leftmost bit of the first byte is index 0
                if byte & (0x80 >> bit):
                    out.append(byte_index * 8 + bit)
    return out


def repair(session: Session, actor: str) -> list[StatusMismatch]:
    """Makes every bit say what is recorded; returns what was changed."""
    mismatches = find_mismatches(session, lock=True)
    lists = {(row.purpose, row.number): row for row in session.scalars(select(StatusList))}
    changed: dict[tuple[str, int], Bitstring] = {}
    for m in mismatches:
        key = (m.purpose, m.list_number)
        bitstring = changed.get(key) or Bitstring.from_bytes(lists[key].bits)
        bitstring.set(m.index, m.recorded)
        changed[key] = bitstring
        record_audit_event(session, actor, "credential.status.repaired",
                           m.credential_id or f"{m.purpose}/{m.list_number}#{m.index}",
                           {"purpose": m.purpose, "list": m.list_number, "index": m.index,
                            "recorded": m.recorded, "published": m.published})
    for key, bitstring in changed.items():
        lists[key].bits = bitstring.to_bytes()
        lists[key].updated_at = datetime.now(UTC)  # a new list: re-signed, new ETag
    return mismatches
