"""Is the credential good now: its validity period (VC DM 2.0 §4.9, with a small clock skew)
and its status (Bitstring Status List v1.0 §3.2: revocation and suspension)."""
from datetime import datetime, timedelta

from verifier.checks.base import Category, CheckContext, ReportedCheck, failed, passed, unknown
from verifier.facts import is_bitstring_entry, purpose_of, status_types
from verifier.status_lists import StatusListReader, StatusUnavailable

STATUS_WORDS = {"revocation": ("revoked", "not revoked"),
                "suspension": ("suspended", "not suspended")}
# a status the issuer gave in a way this verifier does not implement (VC DM 2.0 §4.10: any type)
UNSUPPORTED_STATUS = "status.unsupported-type"
MAX_TYPE_CHARS = 120


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
    """One check per status purpose; an unreadable list is `unknown`, never 'not revoked'.

    A status entry of a type this verifier does not implement (VC DM 2.0 §4.10 lets the
    issuer choose, e.g. 1EdTech's `1EdTechRevocationList`) is `unknown` too, naming the type:
    the credential may be revoked in a way we cannot read, so it is never 'not revoked', and
    it is authentic all the same (the entry is covered by the signature)."""

    def __init__(self, reader: StatusListReader) -> None:
        self._reader = reader

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        entries = [(purpose, e) for e in context.facts.status_entries
                   if is_bitstring_entry(e)
                   and (purpose := purpose_of(e)) is not None and purpose in STATUS_WORDS]
        foreign = sorted({", ".join(status_types(e)) or "(no type)"
                          for e in context.facts.status_entries if not is_bitstring_entry(e)})
        out = []
        if foreign:
            named = "; ".join(t[:MAX_TYPE_CHARS] for t in foreign[:3])
            out.append(unknown(UNSUPPORTED_STATUS, Category.CURRENCY,
                               f"could not check its status: the issuer gave it a status of "
                               f"type {named}, which this verifier does not implement"))
        if not entries:
            return out or [passed("status", Category.CURRENCY,
                                  "the issuer gave it no revocation or suspension status")]
        issuer = context.facts.issuer_did
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
