"""The issuer's Bitstring Status Lists: random slots, flips, signed list credentials.

Each credential gets one slot in a revocation list and one in a suspension list, at an
index drawn at random (Bitstring Status List v1.0 §5.1 Privacy: indexes must not reveal
the order of issuance). Lists have the minimum size of 131,072 entries; a new list starts
when one is half full, so that random draws stay cheap.
"""
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from issuer.models import IssuedCredential as C
from issuer.models import StatusList
from vc.statuslist import (
    MIN_BITS,
    Bitstring,
    random_free_index,
    status_entry,
    status_list_credential,
)

PURPOSES = ("revocation", "suspension")
LIST_BITS = MIN_BITS
FILL_LIMIT = LIST_BITS // 2


def list_url(public_url: str, purpose: str, number: int) -> str:
    return f"{public_url.rstrip('/')}/status/{purpose}/{number}"


class StatusSlots:
    """Allocates slots inside one transaction; the caller commits."""

    @classmethod
    def of(cls, session: Session) -> "StatusSlots":
        """The allocator of this transaction (shared by every credential issued in it)."""
        slots = session.info.get("s4c.status_slots")
        if slots is None or slots.session is not session:
            slots = session.info["s4c.status_slots"] = cls(session)
        return slots

    def __init__(self, session: Session) -> None:
        self.session = session
        self._current: dict[str, StatusList] = {}
        self._taken: dict[tuple[str, int], set[int]] = {}

    def _list_for(self, purpose: str) -> StatusList:
        current = self._current.get(purpose)
        if current is not None and current.allocated < FILL_LIMIT:
            return current
        # the row is locked until commit: a concurrent issuer waits instead of drawing an
        # index from a stale view of the taken ones
        latest = self.session.scalars(
            select(StatusList).where(StatusList.purpose == purpose)
            .order_by(StatusList.number.desc()).limit(1).with_for_update()).first()
        if latest is None or latest.allocated >= FILL_LIMIT:
            number = 1 if latest is None else latest.number + 1
            latest = StatusList(purpose=purpose, number=number,
                                bits=bytes(LIST_BITS // 8), allocated=0)
            self.session.add(latest)
            self.session.flush()
        self._current[purpose] = latest
        return latest

    def _taken_in(self, status_list: StatusList) -> set[int]:
        key = (status_list.purpose, status_list.number)
        taken = self._taken.get(key)
        if taken is None:
            taken = self._taken[key] = taken_indexes(self.session, *key)
        return taken

    def allocate(self, purpose: str) -> tuple[int, int]:
        """(list number, index) of a fresh random slot."""
        status_list = self._list_for(purpose)
        taken = self._taken_in(status_list)
        index = random_free_index(LIST_BITS, taken)
        taken.add(index)
        status_list.allocated += 1
        return status_list.number, index


def taken_indexes(session: Session, purpose: str, number: int) -> set[int]:
    """The indexes of list `number` of `purpose` that issued credentials hold."""
    column = C.revocation_index if purpose == "revocation" else C.suspension_index
    number_col = C.revocation_list if purpose == "revocation" else C.suspension_list
    return set(session.scalars(select(column).where(number_col == number)))


def lock_lists(session: Session) -> None:
    """Takes the status lists' locks first thing in a transaction that reads, then writes:
    on PostgreSQL the lists' row locks, on SQLite the database's write lock (a no-op
    UPDATE), so that no concurrent writer commits between this transaction's reads and its
    writes (SQLite would refuse the late write with "database is locked")."""
    session.execute(update(StatusList).values(allocated=StatusList.allocated))


def ensure_current_lists(session: Session) -> None:
    """Starts a new list of each purpose when there is none or the latest is full (under
    the list's lock), so that slots can then be drawn outside the transaction."""
    room = dict(session.execute(
        select(StatusList.purpose, func.max(StatusList.number))
        .where(StatusList.allocated < FILL_LIMIT).group_by(StatusList.purpose)).all())
    latest = dict(session.execute(select(StatusList.purpose, func.max(StatusList.number))
                                  .group_by(StatusList.purpose)).all())
    slots = StatusSlots.of(session)
    for purpose in PURPOSES:
        if purpose not in latest or room.get(purpose) != latest[purpose]:
            slots._list_for(purpose)  # under the list's lock


class SlotDraw:
    """Random slots of one purpose's current list, drawn outside any lock (the cohort
    path): the caller checks under the list's lock, before storing, that nobody took them
    meanwhile."""

    @classmethod
    def current(cls, session: Session, purpose: str) -> "SlotDraw":
        number = session.scalar(select(StatusList.number).where(
            StatusList.purpose == purpose).order_by(StatusList.number.desc()).limit(1))
        if number is None:
            raise LookupError(f"no {purpose} status list yet")
        return cls(number, taken_indexes(session, purpose, number))

    def __init__(self, number: int, taken: set[int]) -> None:
        self.number = number
        self.taken = taken

    def draw(self) -> tuple[int, int]:
        """(list number, index) of a slot free when the list was read."""
        index = random_free_index(LIST_BITS, self.taken)
        self.taken.add(index)
        return self.number, index


def entries(public_url: str, revocation: tuple[int, int],
            suspension: tuple[int, int]) -> list[dict]:
    return [status_entry(list_url(public_url, "revocation", revocation[0]), revocation[1],
                         "revocation"),
            status_entry(list_url(public_url, "suspension", suspension[0]), suspension[1],
                         "suspension")]


def set_bit(session: Session, purpose: str, number: int, index: int, value: bool) -> None:
    """Read, change, write one bit, with the list's row locked (SELECT ... FOR UPDATE), so
    that concurrent changes to other bits of the list are never lost. The caller's
    transaction also changes the credential's flag, so both commit or neither does."""
    status_list = session.scalars(select(StatusList).where(
        StatusList.purpose == purpose, StatusList.number == number).with_for_update()).one()
    bits = Bitstring.from_bytes(status_list.bits)
    bits.set(index, value)
    status_list.bits = bits.to_bytes()
    status_list.updated_at = datetime.now(UTC)


def unsigned_list_credential(session: Session, public_url: str, issuer_did: str,
                             purpose: str, number: int) -> dict | None:
    status_list = session.scalars(select(StatusList).where(
        StatusList.purpose == purpose, StatusList.number == number)).first()
    if status_list is None:
        return None
    url = list_url(public_url, purpose, number)
    doc = status_list_credential(url, issuer_did, purpose,
                                 Bitstring.from_bytes(status_list.bits),
                                 valid_from=status_list.updated_at.strftime(
                                     "%Y-%m-%dT%H:%M:%SZ"))
    return doc
