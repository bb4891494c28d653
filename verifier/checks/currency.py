"""Is the credential good now: its validity period (VC DM 2.0 §4.9, with a small clock skew)
and its status (Bitstring Status List v1.0 §3.2: revocation and suspension)."""
from datetime import timedelta

from vc.findings import finding
from verifier.checks.base import Category, CheckContext, ReportedCheck, failed, passed, unknown
from verifier.codes import StatusCode, ValidityCode
from verifier.facts import is_bitstring_entry, purpose_of, status_types
from verifier.status_lists import StatusListReader, StatusUnavailable

# each purpose's codes: (unreachable, set by the issuer, not set by the issuer, set by another
# DID that keeps the list, not set by it)
STATUS_CODES = {
    "revocation": (StatusCode.REVOCATION_UNREACHABLE, StatusCode.REVOKED, StatusCode.NOT_REVOKED,
                   StatusCode.REVOKED_BY_LIST_KEEPER, StatusCode.NOT_REVOKED_BY_LIST_KEEPER),
    "suspension": (StatusCode.SUSPENSION_UNREACHABLE, StatusCode.SUSPENDED,
                   StatusCode.NOT_SUSPENDED, StatusCode.SUSPENDED_BY_LIST_KEEPER,
                   StatusCode.NOT_SUSPENDED_BY_LIST_KEEPER)}
# a status the issuer gave in a way this verifier does not implement (VC DM 2.0 §4.10: any type)
UNSUPPORTED_STATUS = "status.unsupported-type"
MAX_TYPE_CHARS = 120


class ValidityPeriodCheck:
    def __init__(self, skew: timedelta = timedelta(seconds=300)) -> None:
        self._skew = skew

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        facts, now = context.facts, context.now
        if facts.valid_from is not None and now + self._skew < facts.valid_from:
            return [failed("validity", Category.CURRENCY,
                           finding(ValidityCode.NOT_YET, date=facts.valid_from))]
        if facts.valid_until is not None and now - self._skew > facts.valid_until:
            return [failed("validity", Category.CURRENCY,
                           finding(ValidityCode.EXPIRED, date=facts.valid_until))]
        if facts.valid_until is None:
            return [passed("validity", Category.CURRENCY, finding(ValidityCode.NO_EXPIRY))]
        return [passed("validity", Category.CURRENCY,
                       finding(ValidityCode.UNTIL, date=facts.valid_until))]


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
                   and (purpose := purpose_of(e)) is not None and purpose in STATUS_CODES]
        foreign = sorted({", ".join(status_types(e)) or "(no type)"
                          for e in context.facts.status_entries if not is_bitstring_entry(e)})
        out = []
        if foreign:
            named = "; ".join(t[:MAX_TYPE_CHARS] for t in foreign[:3])
            out.append(unknown(UNSUPPORTED_STATUS, Category.CURRENCY,
                               finding(StatusCode.UNSUPPORTED_TYPE, type=named)))
        if not entries:
            return out or [passed("status", Category.CURRENCY, finding(StatusCode.NONE))]
        issuer = context.facts.issuer_did
        for purpose, entry in entries:
            check_id = f"status.{purpose}"
            unreachable, on, off, kept_on, kept_off = STATUS_CODES[purpose]
            try:
                reading = self._reader.read(entry, context.now)
            except StatusUnavailable as e:
                out.append(unknown(check_id, Category.CURRENCY, finding(unreachable, str(e))))
                continue
            # Bitstring Status List v1.0 §2.2: the list's issuer MAY differ; say who it is
            if reading.list_issuer == issuer:
                out.append(failed(check_id, Category.CURRENCY, finding(on)) if reading.is_set
                           else passed(check_id, Category.CURRENCY, finding(off)))
            elif reading.is_set:
                out.append(failed(check_id, Category.CURRENCY,
                                  finding(kept_on, keeper=reading.list_issuer)))
            else:
                out.append(passed(check_id, Category.CURRENCY,
                                  finding(kept_off, keeper=reading.list_issuer)))
        return out
