"""The answer at a glance: one specific state an employer reads before any detail.

The verdict (`verifier.verdict`) keeps apart what users act on differently; the headline
names which case it is: revoked, not merely "not valid now". Every date it carries is read
from signed data: the credential's own validFrom/validUntil, or, for a revoked or suspended
credential, the time the issuer signed the status list that marks it. A Bitstring Status
List (v1.0 §2.1) holds one bit per credential and no date, so "revoked on" can only mean
"marked revoked in the list signed on": the credential was revoked on or before that date.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from vc.checks import Outcome
from vc.instants import parse_instant
from verifier.checks.base import ReportedCheck
from verifier.verdict import Verdict


class State(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    NOT_ACCREDITED = "not-accredited"
    # every signature is valid, but none is by a key the issuer controls (key-binding)
    ISSUER_NOT_CONFIRMED = "issuer-not-confirmed"
    FORGED = "forged"
    COULD_NOT_CHECK = "could-not-check"
    NOT_VALID_NOW = "not-valid-now"  # a failed check this module does not know by name


class DateMeaning(StrEnum):
    VALID_UNTIL = "valid-until"  # the credential's validUntil
    VALID_FROM = "valid-from"  # the credential's validFrom
    STATUS_LIST_SIGNED = "status-list-signed"  # when the list marking it was signed


# What an unknown outcome that matters says could not be reached.
UNREACHABLE = {"proof": "issuer-keys", "key-binding": "issuer-keys",
               "status": "status-list", "issuer-trust": "registry",
               "role-stack": "unit-credentials",
               # not unreachable: the issuer's status type is one this verifier does not know
               "status.unsupported-type": "status-method"}


@dataclass(frozen=True)
class Headline:
    state: State
    date: str | None = None  # an ISO 8601 instant, what it means in `date_meaning`
    date_meaning: DateMeaning | None = None
    unreachable: tuple[str, ...] = ()  # for COULD_NOT_CHECK: what could not be reached

    def to_json(self) -> dict[str, Any]:
        return {"state": str(self.state), "date": self.date,
                "dateMeaning": str(self.date_meaning) if self.date_meaning else None,
                "unreachable": list(self.unreachable)}


def _base_id(check_id: str) -> str:
    return check_id.split(".", 1)[0].split("[", 1)[0]


def headline_of(verdict: Verdict, checks: Sequence[ReportedCheck], summary: Mapping[str, Any],
                checked_at: datetime | None) -> Headline:
    """The one state to show; when several things are wrong, the one that matters most to
    an employer comes first (revoked before suspended before expired)."""
    if verdict is Verdict.VALID:
        return Headline(State.VALID)
    if verdict is Verdict.FORGED_OR_MALFORMED:
        return Headline(State.FORGED)
    if verdict is Verdict.COULD_NOT_CHECK:
        reached = sorted({UNREACHABLE.get(c.id) or UNREACHABLE.get(_base_id(c.id), "other")
                          for c in checks
                          if c.outcome is Outcome.UNKNOWN and c.unknown_matters})
        return Headline(State.COULD_NOT_CHECK, unreachable=tuple(reached))
    failed = {c.id for c in checks if c.outcome is Outcome.FAILED}
    dates = summary.get("statusListDates") or {}
    if "key-binding" in failed:  # first: nothing else says who issued it
        return Headline(State.ISSUER_NOT_CONFIRMED)
    if "status.revocation" in failed:
        return Headline(State.REVOKED, dates.get("revocation"),
                        DateMeaning.STATUS_LIST_SIGNED if dates.get("revocation") else None)
    if "status.suspension" in failed:
        return Headline(State.SUSPENDED, dates.get("suspension"),
                        DateMeaning.STATUS_LIST_SIGNED if dates.get("suspension") else None)
    if "validity" in failed:
        until = parse_instant(summary.get("validUntil"))
        if until is not None and (checked_at is None or checked_at > until):
            return Headline(State.EXPIRED, summary.get("validUntil"), DateMeaning.VALID_UNTIL)
        return Headline(State.NOT_YET_VALID, summary.get("validFrom"), DateMeaning.VALID_FROM)
    if "issuer-trust" in failed:
        return Headline(State.NOT_ACCREDITED)
    return Headline(State.NOT_VALID_NOW)
