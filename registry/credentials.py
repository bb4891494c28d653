"""The registry's three kinds of credential, built unsigned and read back as plain facts.

- `S4CTrustAnchorCredential`: the operator says a DID is a trust anchor (a national
  qualification body) of a country, for a period.
- `S4CAccreditationCredential`: an anchor says a certification body (the subject's DID) may
  certify achievements of a framework up to an EQF level, for a period.
- `S4CRecognitionCredential`: an anchor says how its country recognises an achievement.

Each carries a BitstringStatusListEntry (Bitstring Status List v1.0 §2.1) on its issuer's
revocation list. The terms are defined by the registry context (`REGISTRY_CONTEXT`).
"""
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from registry.vocab import (
    ACCREDITATION_CREDENTIAL,
    ANCHOR_CREDENTIAL,
    CONTEXTS,
    RECOGNITION_CREDENTIAL,
)
from vc.instants import format_instant, read_instant
from vc.language_maps import language_map, language_values

DEMO_NOTE = "Demo data for trying s4c: not a real decision of this body."


@dataclass(frozen=True)
class AnchorFacts:
    credential_id: str
    operator_did: str
    did: str
    country: str
    name: dict[str, str]
    valid_from: datetime
    valid_until: datetime | None
    demo: bool
    status: dict | None


@dataclass(frozen=True)
class AccreditationFacts:
    credential_id: str
    anchor_did: str
    issuer_did: str  # the accredited certification body
    name: dict[str, str]  # the anchor's wording of the body's name (may be empty)
    country: str | None  # the body's country, when the anchor states it
    framework: str
    achievements: tuple[str, ...]
    max_eqf_level: int
    valid_from: datetime
    valid_until: datetime | None
    status: dict | None
    accepted_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecognitionFacts:
    credential_id: str
    anchor_did: str
    country: str
    framework: str
    achievement: str
    nqf_level: str
    eqf_level: int
    equivalence: dict[str, str]
    legal_basis: str
    valid_from: datetime
    valid_until: datetime | None
    status: dict | None


def new_credential_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def _envelope(kind: str, issuer: str, valid_from: datetime, valid_until: datetime | None,
              subject: dict, status: dict | None, demo: bool = False) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": new_credential_id(),
        "type": ["VerifiableCredential", kind],
        "issuer": issuer,
        "validFrom": format_instant(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = format_instant(valid_until)
    if demo:
        credential["description"] = [{"@value": DEMO_NOTE, "@language": "en"}]
    credential["credentialSubject"] = subject
    if status is not None:
        credential["credentialStatus"] = status
    return credential


def anchor_credential(*, operator_did: str, anchor_did: str, country: str,
                      names: dict[str, str], valid_from: datetime,
                      valid_until: datetime | None, demo: bool,
                      status: dict | None) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "id": anchor_did, "type": "S4CTrustAnchor", "name": language_values(names),
        "country": country,
    }
    if demo:
        subject["demo"] = True
    return _envelope(ANCHOR_CREDENTIAL, operator_did, valid_from, valid_until, subject, status,
                     demo)


def accreditation_credential(*, anchor_did: str, issuer_did: str, names: dict[str, str],
                             country: str | None, framework: str,
                             achievements: tuple[str, ...], max_eqf_level: int,
                             valid_from: datetime, valid_until: datetime | None,
                             status: dict | None, demo: bool = False,
                             accepted_keys: tuple[str, ...] = ()) -> dict[str, Any]:
    subject: dict[str, Any] = {"id": issuer_did, "type": "S4CAccreditedBody"}
    if names:  # the anchor's own wording of the body's name, never the body's name itself
        subject["name"] = language_values(names)
    if country:
        subject["country"] = country
    subject.update({"framework": framework, "achievement": list(achievements),
                    "maxEqfLevel": max_eqf_level})
    if accepted_keys:  # the anchor narrows the body's keys; the keys come from the body
        subject["publicKey"] = [{"id": vm} for vm in sorted(accepted_keys)]
    return _envelope(ACCREDITATION_CREDENTIAL, anchor_did, valid_from, valid_until, subject,
                     status, demo)


def recognition_credential(*, anchor_did: str, country: str, framework: str, achievement: str,
                           nqf_level: str, eqf_level: int, equivalence: dict[str, str],
                           legal_basis: str, valid_from: datetime,
                           valid_until: datetime | None, status: dict | None,
                           demo: bool = False) -> dict[str, Any]:
    subject = {
        "type": "S4CRecognitionDecision", "country": country, "framework": framework,
        "achievement": achievement, "nqfLevel": nqf_level, "eqfLevel": eqf_level,
        "equivalence": language_values(equivalence), "legalBasis": legal_basis,
    }
    return _envelope(RECOGNITION_CREDENTIAL, anchor_did, valid_from, valid_until, subject,
                     status, demo)


# --- reading verified credentials back --------------------------------------------------

def issuer_of(credential: dict) -> str:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    if isinstance(issuer, str):
        return issuer
    raise ValueError("the credential has no issuer")


def types_of(credential: dict) -> list[object]:
    value = credential.get("type")
    return value if isinstance(value, list) else [value]


def _subject(credential: dict) -> dict:
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict):
        return subject
    raise ValueError("credentialSubject must be one object")


def _period(credential: dict) -> tuple[datetime, datetime | None]:
    valid_from = read_instant(credential.get("validFrom"), "validFrom")
    until = credential.get("validUntil")
    valid_until = read_instant(until, "validUntil") if until is not None else None
    return valid_from, valid_until


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string")
    return value


def _level(value: object, what: str) -> int:
    if type(value) is not int or not 1 <= value <= 8:
        raise ValueError(f"{what} must be an EQF level 1..8")
    return value


def _status(credential: dict) -> dict | None:
    status = credential.get("credentialStatus")
    return status if isinstance(status, dict) else None


def read_anchor(credential: dict) -> AnchorFacts:
    if ANCHOR_CREDENTIAL not in types_of(credential):
        raise ValueError(f"not a {ANCHOR_CREDENTIAL}")
    subject = _subject(credential)
    valid_from, valid_until = _period(credential)
    return AnchorFacts(
        credential_id=_text(credential.get("id"), "id"), operator_did=issuer_of(credential),
        did=_text(subject.get("id"), "credentialSubject.id"),
        country=_text(subject.get("country"), "country"), name=language_map(subject.get("name")),
        valid_from=valid_from, valid_until=valid_until, demo=subject.get("demo") is True,
        status=_status(credential))


def read_accreditation(credential: dict) -> AccreditationFacts:
    if ACCREDITATION_CREDENTIAL not in types_of(credential):
        raise ValueError(f"not a {ACCREDITATION_CREDENTIAL}")
    subject = _subject(credential)
    valid_from, valid_until = _period(credential)
    achievements = subject.get("achievement", [])
    achievements = achievements if isinstance(achievements, list) else [achievements]
    country = subject.get("country")
    return AccreditationFacts(
        credential_id=_text(credential.get("id"), "id"), anchor_did=issuer_of(credential),
        issuer_did=_text(subject.get("id"), "credentialSubject.id"),
        name=language_map(subject.get("name")),
        country=country if isinstance(country, str) else None,
        framework=_text(subject.get("framework"), "framework"),
        achievements=tuple(sorted(_text(a, "achievement") for a in achievements)),
        max_eqf_level=_level(subject.get("maxEqfLevel"), "maxEqfLevel"),
        valid_from=valid_from, valid_until=valid_until, status=_status(credential),
        accepted_keys=_accepted_keys(subject))


def _accepted_keys(subject: dict) -> tuple[str, ...]:
    keys = subject.get("publicKey", [])
    keys = keys if isinstance(keys, list) else [keys]
    return tuple(sorted(_text(k.get("id") if isinstance(k, dict) else None, "publicKey.id")
                        for k in keys))


def read_recognition(credential: dict) -> RecognitionFacts:
    if RECOGNITION_CREDENTIAL not in types_of(credential):
        raise ValueError(f"not a {RECOGNITION_CREDENTIAL}")
    subject = _subject(credential)
    valid_from, valid_until = _period(credential)
    return RecognitionFacts(
        credential_id=_text(credential.get("id"), "id"), anchor_did=issuer_of(credential),
        country=_text(subject.get("country"), "country"),
        framework=_text(subject.get("framework"), "framework"),
        achievement=_text(subject.get("achievement"), "achievement"),
        nqf_level=_text(subject.get("nqfLevel"), "nqfLevel"),
        eqf_level=_level(subject.get("eqfLevel"), "eqfLevel"),
        equivalence=language_map(subject.get("equivalence", [])),
        legal_basis=_text(subject.get("legalBasis"), "legalBasis"),
        valid_from=valid_from, valid_until=valid_until, status=_status(credential))
