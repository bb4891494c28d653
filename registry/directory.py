"""The public read model: what the registry's pages and JSON API show, from a snapshot.

Everything here is derived from a verified `TrustSnapshot`; the views only render it. The
words around it (statuses, "no end date") are the pages' own; roles and countries are named
by the `PageNames` the page passes in, so searching matches what the reader sees.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from registry.snapshot import TrustAnchor, TrustSnapshot
from registry.vocab import ROLE_PREFIX, achievement_code
from vc.instants import format_instant
from vc.language_maps import pick_language
from vc.trust import Accreditation, Recognition, TrustedIssuer

MAX_QUERY = 200


def _code(code: str) -> str:
    return code


@dataclass(frozen=True)
class PageNames:
    """How a page names a role and a country by code, in its reader's language."""

    role: Callable[[str], str] = _code
    country: Callable[[str], str] = _code
    unit: Callable[[str], str] = _code


def period_status(valid_from: datetime, valid_until: datetime | None, on: datetime,
                  revoked: bool = False) -> str:
    """`active`, `revoked`, `expired` or `pending` (not yet valid) at `on`."""
    if revoked:
        return "revoked"
    if on < valid_from:
        return "pending"
    if valid_until is not None and on > valid_until:
        return "expired"
    return "active"


def _time(value: datetime | None) -> str | None:
    return None if value is None else format_instant(value)


def anchor_json(anchor: TrustAnchor, slug: str | None = None) -> dict:
    return {"did": anchor.did, "slug": slug, "country": anchor.country, "name": anchor.name,
            "validFrom": _time(anchor.valid_from), "validUntil": _time(anchor.valid_until),
            "demo": anchor.demo, "credential": anchor.credential_id}


def accreditation_json(a: Accreditation, on: datetime) -> dict:
    # `nameByAnchor`: how this accreditation's anchor worded the body's name (its own words,
    # beside this accreditation only); the body's name is the issuer's `name`
    return {"id": a.id, "anchor": a.anchor_did, "anchorName": a.anchor_name,
            "nameByAnchor": a.body_name, "country": a.country, "framework": a.framework,
            "achievements": list(a.achievements), "maxEqfLevel": a.max_eqf_level,
            "validFrom": _time(a.valid_from), "validUntil": _time(a.valid_until),
            "revoked": a.revoked,
            "status": period_status(a.valid_from, a.valid_until, on, a.revoked)}


def issuer_json(issuer: TrustedIssuer, on: datetime) -> dict:
    """`name` and `country` are the operator's registration of the body (empty: none)."""
    return {"did": issuer.did, "name": issuer.name, "country": issuer.country,
            "publicKeys": issuer.public_keys,
            "accreditations": [accreditation_json(a, on) for a in issuer.accreditations]}


def recognition_json(r: Recognition, on: datetime) -> dict:
    return {"id": r.id, "anchor": r.anchor_did, "country": r.country,
            "framework": r.framework, "achievement": r.achievement, "nqfLevel": r.nqf_level,
            "eqfLevel": r.eqf_level, "equivalence": r.equivalence,
            "legalBasis": r.legal_basis, "validFrom": _time(r.valid_from),
            "validUntil": _time(r.valid_until),
            "status": period_status(r.valid_from, r.valid_until, on)}


def _period(start: datetime, end: datetime | None) -> dict:
    """`valid_from` and `valid_until` as dates (`valid_until` None: no end date)."""
    return {"valid_from": start.date().isoformat(),
            "valid_until": end.date().isoformat() if end else None}


def named_by_anchor(a: Accreditation, body_name: str | None, lang: str) -> str | None:
    """The anchor's wording of the body's name, for showing beside its accreditation as
    the anchor's; None when it gave none or said what the body's registered name says."""
    wording = pick_language(a.body_name, lang)
    return wording if wording and wording != body_name else None


def _scope(names: PageNames, a: Accreditation) -> list[dict]:
    return [{"code": achievement_code(x), "is_role": x.startswith(ROLE_PREFIX),
             "name": (names.role if x.startswith(ROLE_PREFIX) else names.unit)(
                 achievement_code(x))} for x in a.achievements]


def body_entries(snapshot: TrustSnapshot, query: str, lang: str, on: datetime,
                 names: PageNames = PageNames()) -> list[dict]:
    """The accredited bodies matching `query` (any name, DID, role or anchor), for a page;
    `lang` picks from the registry's language maps, `names` names roles and countries."""
    needle = query.strip().casefold()[:MAX_QUERY]
    entries: list[dict[str, Any]] = []
    for issuer in snapshot.issuers.values():
        accreditations = []
        # an anchor's wording is not the body's name: searching it would find a body under
        # a name only one anchor gave it
        haystack = [issuer.did, *issuer.name.values()]
        name = pick_language(issuer.name, lang)
        for a in sorted(issuer.accreditations,
                        key=lambda a: (a.revoked, a.country, a.valid_from)):
            anchor = snapshot.anchors.get(a.anchor_did)
            status = period_status(a.valid_from, a.valid_until, on, a.revoked)
            scope = _scope(names, a)
            anchor_name = (pick_language(anchor.name, lang) if anchor else None) \
                or a.anchor_name
            accreditations.append({
                "anchor_name": anchor_name, "country": a.country,
                "named_by_anchor": named_by_anchor(a, name, lang),
                "country_name": names.country(a.country),
                "scope": scope, "whole_framework": not scope, "max_eqf": a.max_eqf_level,
                **_period(a.valid_from, a.valid_until), "status": status,
                "demo": bool(anchor and anchor.demo)})
            haystack += [anchor_name, a.country, names.country(a.country),
                         *(s["code"] for s in scope), *(s["name"] for s in scope)]
        if needle and not any(needle in h.casefold() for h in haystack):
            continue
        entries.append({"did": issuer.did, "name": name,  # None: the operator named none
                        "accreditations": accreditations,
                        "active": any(x["status"] == "active" for x in accreditations),
                        "demo": any(x["demo"] for x in accreditations)})
    entries.sort(key=lambda e: (not e["active"], (e["name"] or e["did"]).casefold()))
    return entries


def role_entries(snapshot: TrustSnapshot, achievement_id: str, lang: str, on: datetime,
                 names: PageNames = PageNames()) -> list[dict]:
    """The current recognition of an achievement in each country, for a page."""
    entries = []
    for r in snapshot.recognitions_for(achievement_id):
        if period_status(r.valid_from, r.valid_until, on) != "active":
            continue
        anchor = snapshot.anchors.get(r.anchor_did)
        entries.append({
            "country": r.country, "country_name": names.country(r.country),
            "nqf_level": r.nqf_level, "eqf_level": r.eqf_level,
            "equivalence": pick_language(r.equivalence, lang) or "",
            "legal_basis": r.legal_basis,
            "anchor_name": (pick_language(anchor.name, lang) if anchor else None)
            or r.anchor_did,
            **_period(r.valid_from, r.valid_until),
            "demo": bool(anchor and anchor.demo)})
    entries.sort(key=lambda e: e["country_name"].casefold())
    return entries


def certifying_bodies(snapshot: TrustSnapshot, achievement_ids: tuple[str, ...], lang: str,
                      on: datetime, names: PageNames = PageNames()) -> list[dict]:
    """The bodies accredited now for any of `achievement_ids` (a role, or a unit and the
    roles that include it) or for the whole framework, each with its accreditations."""
    entries: list[dict[str, Any]] = []
    for issuer in snapshot.issuers.values():
        covering = []
        name = pick_language(issuer.name, lang)
        for a in issuer.accreditations:
            if period_status(a.valid_from, a.valid_until, on, a.revoked) != "active":
                continue
            if a.achievements and not set(a.achievements) & set(achievement_ids):
                continue
            anchor = snapshot.anchors.get(a.anchor_did)
            covering.append({
                "anchor_name": (pick_language(anchor.name, lang) if anchor else None)
                or a.anchor_name, "country": a.country,
                "named_by_anchor": named_by_anchor(a, name, lang),
                "country_name": names.country(a.country), "max_eqf": a.max_eqf_level,
                **_period(a.valid_from, a.valid_until),
                "demo": bool(anchor and anchor.demo)})
        if covering:
            entries.append({"did": issuer.did, "accreditations": covering,
                            "name": name,  # None: the operator named none
                            "demo": any(c["demo"] for c in covering)})
    entries.sort(key=lambda e: (e["name"] or e["did"]).casefold())
    return entries
