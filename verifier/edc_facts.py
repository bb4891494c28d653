"""What a European Digital Credential says, read from its sealed content (ELM 3.2): whom it
is about, what it awards (title, EQF level), who awarded and issued it, and its dates. Only
read once the seal covers the content (`verifier.edc`). Texts stay language maps
(`{"en": ..., "de": ...}`, how ELM writes them) so each reader gets their language."""
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vc.instants import parse_date_time, parse_instant
from vc.json_input import as_list

EQF_PREFIX = "http://data.europa.eu/snb/eqf/"
MAX_CLAIMS = 64
COUNTRY_PREFIX = "http://publications.europa.eu/resource/authority/country/"


def _texts(value: object) -> dict[str, str]:
    """An ELM language map (`{"en": "..."}`; a list of them joined per language)."""
    out: dict[str, str] = {}
    for item in as_list(value):
        if isinstance(item, dict):
            for lang, text in item.items():
                if isinstance(lang, str) and isinstance(text, str):
                    out[lang] = f"{out[lang]}; {text}" if lang in out else text
                elif isinstance(lang, str) and isinstance(text, list):
                    joined = "; ".join(t for t in text if isinstance(t, str))
                    if joined:
                        out[lang] = joined
        elif isinstance(item, str):
            out.setdefault("und", item)
    return out


def _first(value: object) -> dict[str, Any]:
    found = next((v for v in as_list(value) if isinstance(v, dict)), None)
    return found or {}


def _moment(value: object) -> datetime | None:
    return parse_instant(value) or parse_date_time(value)


def _country(organisation: dict[str, Any]) -> str | None:
    for location in as_list(organisation.get("location")):
        if isinstance(location, dict):
            for address in as_list(location.get("address")):
                code = _first([address]).get("countryCode") if isinstance(address, dict) \
                    else None
                uri = _first(code).get("id") if code else None
                if isinstance(uri, str) and uri.startswith(COUNTRY_PREFIX):
                    return uri.removeprefix(COUNTRY_PREFIX)
    return None


@dataclass(frozen=True)
class Organisation:
    id: str | None
    legal_name: dict[str, str]
    country: str | None  # ISO 3166-1 alpha-3, as the EU's country authority table names it
    eidas_identifier: str | None  # e.g. VATES-A00000000 (ELM eIDASIdentifier notation)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "legalName": dict(self.legal_name), "country": self.country,
                "eidasIdentifier": self.eidas_identifier}


def organisation(value: object) -> Organisation | None:
    org = _first(value)
    if not org:
        return None
    identifier = _first(org.get("eIDASIdentifier") or org.get("eidasLegalIdentifier"))
    notation = identifier.get("notation")
    org_id = org.get("id")
    return Organisation(org_id if isinstance(org_id, str) else None,
                        _texts(org.get("legalName")), _country(org),
                        notation if isinstance(notation, str) else None)


@dataclass(frozen=True)
class Claim:
    """One claim of the holder (ELM hasClaim: a LearningAchievement, LearningActivity, ...)."""

    type: str
    title: dict[str, str]
    eqf_level: int | None
    awarded_by: Organisation | None
    awarded_on: datetime | None
    parts: int  # hasPart: how many claims it is made of

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "title": dict(self.title), "eqfLevel": self.eqf_level,
                "awardedBy": self.awarded_by.to_json() if self.awarded_by else None,
                "awardedOn": self.awarded_on.isoformat() if self.awarded_on else None,
                "parts": self.parts}


def _eqf(specification: dict[str, Any]) -> int | None:
    level = _first(specification.get("eqfLevel")).get("id")
    if isinstance(level, str) and level.startswith(EQF_PREFIX):
        number = level.removeprefix(EQF_PREFIX)
        if number.isdigit() and 1 <= int(number) <= 8:
            return int(number)
    return None


def _claim(value: dict[str, Any]) -> Claim:
    specification = _first(value.get("specifiedBy"))
    awarding = _first(value.get("awardedBy"))
    kind = value.get("type")
    return Claim(kind if isinstance(kind, str) else "Claim",
                 _texts(value.get("title")) or _texts(specification.get("title")),
                 _eqf(specification), organisation(awarding.get("awardingBody")),
                 _moment(awarding.get("awardingDate")),
                 len(as_list(value.get("hasPart"))))


@dataclass(frozen=True)
class EdcFacts:
    id: str | None
    types: tuple[str, ...]
    holder_name: dict[str, str]
    claims: tuple[Claim, ...]
    issuer: Organisation | None
    issued: datetime | None
    valid_from: datetime | None
    valid_until: datetime | None
    profiles: tuple[str, ...] = field(default=())

    @property
    def is_edc(self) -> bool:
        return "EuropeanDigitalCredential" in self.types and \
            "VerifiableCredential" in self.types

    def to_json(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None
        return {"id": self.id, "holder": {"name": dict(self.holder_name)},
                "claims": [c.to_json() for c in self.claims],
                "issuer": self.issuer.to_json() if self.issuer else None,
                "issued": iso(self.issued), "validFrom": iso(self.valid_from),
                "validUntil": iso(self.valid_until), "profiles": list(self.profiles)}


def read_edc_facts(credential: dict[str, Any]) -> EdcFacts:
    """Never raises: a fact it cannot read is absent."""
    subject = _first(credential.get("credentialSubject"))
    name = _texts(subject.get("fullName"))
    if not name:
        given, family = _texts(subject.get("givenName")), _texts(subject.get("familyName"))
        name = {lang: f"{given.get(lang, '')} {family.get(lang, '')}".strip()
                for lang in {*given, *family}}
    claims = tuple(_claim(c) for c in as_list(subject.get("hasClaim"))[:MAX_CLAIMS]
                   if isinstance(c, dict))
    types = tuple(t for t in as_list(credential.get("type")) if isinstance(t, str))
    profiles = tuple(label for p in as_list(credential.get("credentialProfiles"))
                     if isinstance(p, dict)
                     for label in _texts(p.get("prefLabel")).values())
    cid = credential.get("id")
    return EdcFacts(cid if isinstance(cid, str) else None, types, name, claims,
                    organisation(credential.get("issuer")),
                    _moment(credential.get("issued") or credential.get("issuanceDate")),
                    _moment(credential.get("validFrom")),
                    _moment(credential.get("validUntil") or credential.get("expirationDate")),
                    profiles)
