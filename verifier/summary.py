"""What an employer is shown about a credential, beside the checks. The issuer's name comes
from the trust source (the registry's accountable name for the body), never from the
credential's own claim nor from an anchor's wording; the accreditation that covers the
credential is shown with its anchor, and that anchor's wording of the body's name, if any,
only there and as the anchor's. The status and the recognition come from what the checks
returned (checks write nothing)."""
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from vc.checks import Outcome
from vc.instants import format_instant
from vc.language_maps import pick_language
from vc.trust import Accreditation, Recognition
from verifier.checks.base import CheckContext, ReportedCheck


def _iso(moment: datetime | None) -> str | None:
    return format_instant(moment) if moment is not None else None


def _status_word(checks: Sequence[ReportedCheck]) -> str:
    outcomes = {c.id.removeprefix("status."): c.outcome for c in checks
                if c.id == "status" or c.id.startswith("status.")}
    if outcomes.get("revocation") is Outcome.FAILED:
        return "revoked"
    if outcomes.get("suspension") is Outcome.FAILED:
        return "suspended"
    if not outcomes or any(o is Outcome.UNKNOWN for o in outcomes.values()):
        return "unknown"
    return "active"


# Shown under the holder's name wherever it is shown (page, CLI, API): the name alone proves
# nothing about the person in front of the employer.
COMPARE_NAME = ("Compare this name with an identity document: the credential belongs to "
                "the person it names, not to whoever shows it.")


def summarize(context: CheckContext, checks: Sequence[ReportedCheck],
              status_list_dates: Mapping[str, datetime] | None = None) -> dict[str, Any]:
    """`status_list_dates`: for each status purpose whose bit is set, when the issuer signed
    the list that says so (see `verifier.headline`)."""
    facts = context.facts
    issuer = context.trusted_issuer
    recognition = next((c.detail for c in checks if c.id == "recognition"
                        and isinstance(c.detail, Recognition)), None)
    accreditation = next((c.detail for c in checks if c.id == "issuer-trust"
                          and isinstance(c.detail, Accreditation)), None)
    holder_display = facts.holder_did or ("hashed email" if facts.holder_hashed_email
                                          else "not named")
    return {
        "holder": {"id": facts.holder_did, "display": holder_display,
                   "name": facts.holder_name,
                   "nameNotice": COMPARE_NAME if facts.holder_name else None,
                   "emailHashed": facts.holder_hashed_email},
        "achievement": {
            "id": facts.achievement_id,
            "name": pick_language(facts.achievement_names, context.lang),
            "names": dict(facts.achievement_names),
            "kind": facts.kind,
            "eqfLevel": facts.eqf_level,
        },
        "issuer": {
            "id": facts.issuer_did,
            "name": pick_language(issuer.name, context.lang) if issuer else None,
            "registered": issuer is not None,
            "country": issuer.country if issuer else None,
            "accreditation": None if accreditation is None else {
                "id": accreditation.id, "anchor": accreditation.anchor_did,
                "anchorName": accreditation.anchor_name,
                "country": accreditation.country,
                # the anchor's own words for the body, attributed to it; not the body's name
                "nameByAnchor": pick_language(accreditation.body_name, context.lang),
            },
        },
        "validFrom": _iso(facts.valid_from),
        "validUntil": _iso(facts.valid_until),
        "status": _status_word(checks),
        "statusListDates": {purpose: format_instant(moment) for purpose, moment
                            in sorted((status_list_dates or {}).items())},
        "recognition": None if recognition is None else {
            "country": recognition.country,
            "nqfLevel": recognition.nqf_level,
            "eqfLevel": recognition.eqf_level,
            "note": pick_language(recognition.equivalence, context.lang),
            "notes": dict(recognition.equivalence),
            "legalBasis": recognition.legal_basis,
        },
        "country": context.country,
    }
