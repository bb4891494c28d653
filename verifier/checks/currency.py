"""Is the credential good now: its validity period (VC DM 2.0 §4.9, with a small clock skew)
and its status (Bitstring Status List v1.0 §3.2: revocation and suspension)."""
from datetime import datetime, timedelta

from verifier.checks.base import Category, CheckContext, ReportedCheck, failed, passed, unknown
from verifier.facts import purpose_of
from verifier.status_lists import StatusListReader, StatusUnavailable

STATUS_WORDS = {"revocation": ("revoked", "not revoked"),
                "suspension": ("suspended", "not suspended")}


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


class ValidityPeriodCheck:
    def __init__(self, skew: timedelta = timedelta(seconds=300)) -> None:
        self._skew = skew

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        facts, now = context.facts, context.now
        if facts.valid_from is not None and now + self._skew < facts.valid_from:
            return [failed("validity", Category.CURRENCY,
                           f"not valid yet: it becomes valid on {_day(facts.valid_from)}")]
        if facts.valid_until is not None and now - self._skew > facts.valid_until:
            return [failed("validity", Category.CURRENCY,
                           f"expired on {_day(facts.valid_until)}")]
        if facts.valid_until is None:
            return [passed("validity", Category.CURRENCY, "valid now; it has no expiry date")]
        return [passed("validity", Category.CURRENCY,
                       f"valid now, until {_day(facts.valid_until)}")]


class StatusCheck:
    """One check per status purpose; an unreadable list is `unknown`, never 'not revoked'."""

    def __init__(self, reader: StatusListReader) -> None:
        self._reader = reader

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        entries = [(purpose, e) for e in context.facts.status_entries
                   if (purpose := purpose_of(e)) is not None and purpose in STATUS_WORDS]
        if not entries:
            return [passed("status", Category.CURRENCY,
                           "the issuer gave it no revocation or suspension status")]
        issuer = context.facts.issuer_did
        out = []
        for purpose, entry in entries:
            check_id = f"status.{purpose}"
            on, off = STATUS_WORDS[purpose]
            try:
                reading = self._reader.read(entry, context.now)
            except StatusUnavailable as e:
                out.append(unknown(check_id, Category.CURRENCY,
                                   f"could not check whether it is {on}: {e}"))
                continue
            # Bitstring Status List v1.0 §2.2: the list's issuer MAY differ; say who it is
            keeper = "the issuer" if reading.list_issuer == issuer else \
                f"{reading.list_issuer}, which keeps its status list,"
            source = "the issuer's signed status list" if reading.list_issuer == issuer else \
                f"the status list signed by {reading.list_issuer} (not the credential's issuer)"
            if reading.is_set:
                out.append(failed(check_id, Category.CURRENCY, f"{keeper} has {on} it"))
            else:
                out.append(passed(check_id, Category.CURRENCY, f"{off}, according to {source}"))
        return out
