"""A role or unit credential as a European Digital Credential (ELM 3.2, generic profile).

The EDC says what the W3C credential says, for Europass: a VC Data Model 1.1 envelope with
the `edc-ap` context, `type [VerifiableCredential, EuropeanDigitalCredential]`; the holder is
a Person whose claim (`hasClaim`) is a LearningAchievement titled in the six partner
languages, awarded by the body (AwardingProcess.awardingBody: legalName, location, eIDAS
legal identifier), specified by a Qualification with the EQF level and the unit learning
outcomes (ESCO skills in `relatedESCOSkill`, the one place ELM gives them); a role's
achievement has its units' achievements as parts (`hasPart`). Shaped like the EU's samples
(`../shared/europass/elm/examples`) and checked against EDC-generic-no-cv.ttl
(`vc.elm.shacl`). ELM has no place for an ESCO occupation on a qualification (only on an
entitlement), so a role's occupation link stays in the W3C credential.

Every node id is derived from the credential and the framework, and the picture is drawn
deterministically: one credential always gives the same EDC.
"""
import base64
from dataclasses import dataclass
from typing import Any

from issuer.edc.image import CertificatePage, render_png
from schemas.framework import LANGUAGES as FRAMEWORK_LANGUAGES
from schemas.framework import Framework, Role, Unit
from vc.elm import concepts
from vc.elm.contexts import CREDENTIALS_V1_CONTEXT, EDC_AP_CONTEXT

CONTEXT = [CREDENTIALS_V1_CONTEXT, EDC_AP_CONTEXT]
PRIMARY_LANGUAGE = "en"


@dataclass(frozen=True)
class AwardingBody:
    """The certification body as ELM names it: its DID (the node id), legal name, the
    ISO 3166-1 alpha-2 country it is established in, its eIDAS legal identifier (e.g. the
    VAT or registration number it seals with) and its public site."""

    did: str
    legal_name: str
    country: str
    legal_identifier: str
    homepage: str


@dataclass(frozen=True)
class IssuedAchievement:
    """What one issued credential certifies, read from its stored record: the W3C
    credential's id, `kind` ("role" or "unit") and `code`, the holder's name, when it was
    issued and is valid (RFC 3339 strings, as in the W3C credential), and a unit's result."""

    credential_id: str
    kind: str
    code: str
    holder_name: str
    issued: str
    valid_from: str
    valid_until: str | None = None
    result: str | None = None  # "72/100" for a unit


def _suffix(credential_id: str) -> str:
    return credential_id.removeprefix("urn:uuid:")


def _texts(texts: Any) -> dict[str, str]:
    """A framework text in the partner languages that have it, English first."""
    return {lang: texts[lang] for lang in FRAMEWORK_LANGUAGES if texts.get(lang)}


def _organisation(body: AwardingBody) -> dict[str, Any]:
    country = concepts.country(body.country)
    return {
        "id": body.did, "type": "Organisation",
        "eIDASIdentifier": {"id": f"{body.did}#eidas-legal-identifier",
                            "type": "LegalIdentifier", "notation": body.legal_identifier,
                            "spatial": country},
        "location": {"id": f"{body.did}#location", "type": "Location",
                     "address": {"id": f"{body.did}#address", "type": "Address",
                                 "countryCode": country}},
        "legalName": {PRIMARY_LANGUAGE: body.legal_name},
        "homepage": {"id": f"{body.did}#homepage", "type": "WebResource",
                     "contentURL": body.homepage},
    }


def _outcomes(unit: Unit) -> list[dict[str, Any]]:
    skills = [concepts.esco_skill(link.uri, link.label) for link in unit.esco
              if link.uri.startswith("http://data.europa.eu/esco/skill/")]
    out = []
    for element in unit.elements:
        outcome: dict[str, Any] = {"id": f"{unit.id}#{element.code}", "type": "LearningOutcome",
                                   "title": _texts(element.text)}
        if skills:  # the unit's ESCO skills, which each of its learning elements serves
            outcome["relatedESCOSkill"] = skills
        out.append(outcome)
    return out


def _unit_qualification(unit: Unit) -> dict[str, Any]:
    return {"id": unit.id, "type": "Qualification", "title": _texts(unit.name),
            "description": _texts(unit.description),
            "eqfLevel": concepts.eqf_level(unit.eqf_level),
            "isPartialQualification": True, "learningOutcome": _outcomes(unit)}


def _role_qualification(role: Role, framework: Framework) -> dict[str, Any]:
    units = framework.units_of(role.code)
    return {"id": role.id, "type": "Qualification", "title": _texts(role.name),
            "description": _texts(role.description),
            "eqfLevel": concepts.eqf_level(role.eqf_level),
            "isPartialQualification": False,
            "learningOutcome": [o for unit in units for o in _outcomes(unit)],
            "hasPart": [_unit_qualification(unit) for unit in units]}


def _awarding(achievement: IssuedAchievement, body: AwardingBody) -> dict[str, Any]:
    return {"id": f"urn:s4c:awarding:{_suffix(achievement.credential_id)}",
            "type": "AwardingProcess", "awardingBody": _organisation(body),
            "awardingDate": achievement.issued}


def _unit_achievement(achievement: IssuedAchievement, unit: Unit,
                      awarding: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": f"urn:s4c:achievement:{_suffix(achievement.credential_id)}:{unit.code}",
        "type": "LearningAchievement", "title": _texts(unit.name), "awardedBy": awarding,
        "specifiedBy": _unit_qualification(unit)}
    return node


def _claim(achievement: IssuedAchievement, framework: Framework,
           body: AwardingBody) -> dict[str, Any]:
    awarding = _awarding(achievement, body)
    suffix = _suffix(achievement.credential_id)
    if achievement.kind == "unit":
        unit = framework.unit(achievement.code)
        claim = _unit_achievement(achievement, unit, awarding)
        claim["id"] = f"urn:s4c:achievement:{suffix}"
        if achievement.result:
            claim["provenBy"] = {
                "id": f"urn:s4c:assessment:{suffix}", "type": "LearningAssessment",
                "title": {PRIMARY_LANGUAGE: "Competency unit assessment"},
                "grade": {"id": f"urn:s4c:grade:{suffix}", "type": "Note",
                          "noteLiteral": {PRIMARY_LANGUAGE: achievement.result}},
                "awardedBy": awarding}
        return claim
    role = framework.role(achievement.code)
    return {"id": f"urn:s4c:achievement:{suffix}", "type": "LearningAchievement",
            "title": _texts(role.name), "awardedBy": awarding,
            "specifiedBy": _role_qualification(role, framework),
            "hasPart": [_unit_achievement(achievement, unit, awarding)
                        for unit in framework.units_of(role.code)]}


def certificate_page(achievement: IssuedAchievement, framework: Framework,
                     body: AwardingBody) -> CertificatePage:
    item: Role | Unit = (framework.role(achievement.code) if achievement.kind == "role"
                         else framework.unit(achievement.code))
    titles = tuple((concepts.LANGUAGES[lang][1], text)
                   for lang, text in _texts(item.name).items())
    facts = [("EQF level", f"{item.eqf_level} (European Qualifications Framework)")]
    if achievement.result:
        facts.append(("Result", achievement.result))
    facts += [("Issued by", body.legal_name), ("Valid from", achievement.valid_from[:10]),
              ("Valid until", (achievement.valid_until or "no end date")[:10]),
              ("Credential id", achievement.credential_id)]
    kind = "Role certificate" if achievement.kind == "role" else "Competency certificate"
    return CertificatePage(
        kicker=f"{kind} · {framework.name.get('en', framework.code)}",
        holder=achievement.holder_name,
        statement="holds the certified role" if achievement.kind == "role"
        else "has passed the competency unit",
        titles=titles, facts=tuple(facts))


def _display(achievement: IssuedAchievement, framework: Framework, body: AwardingBody,
             title: dict[str, str]) -> dict[str, Any]:
    suffix = _suffix(achievement.credential_id)
    png = render_png(certificate_page(achievement, framework, body))
    english = concepts.language(PRIMARY_LANGUAGE)
    return {
        "id": f"urn:s4c:display:{suffix}", "type": "DisplayParameter",
        "title": title, "primaryLanguage": english,
        "language": [concepts.language(lang) for lang in title],
        "individualDisplay": {
            "id": f"urn:s4c:display:{suffix}:{PRIMARY_LANGUAGE}", "type": "IndividualDisplay",
            "language": english,
            "displayDetail": {
                "id": f"urn:s4c:display:{suffix}:{PRIMARY_LANGUAGE}:1",
                "type": "DisplayDetail", "page": 1,
                "image": {"id": f"urn:s4c:image:{suffix}", "type": "MediaObject",
                          "content": base64.b64encode(png).decode("ascii"),
                          "contentEncoding": concepts.base64_encoding(),
                          "contentType": concepts.file_type("image/png")}}}}


def build_edc(achievement: IssuedAchievement, framework: Framework,
              body: AwardingBody) -> dict[str, Any]:
    """The unsealed EDC of one issued role or unit credential."""
    claim = _claim(achievement, framework, body)
    doc: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": f"urn:credential:{_suffix(achievement.credential_id)}",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialProfiles": concepts.generic_profile(),
        "displayParameter": _display(achievement, framework, body, claim["title"]),
        "identifier": {"id": f"urn:s4c:identifier:{_suffix(achievement.credential_id)}",
                       "type": "Identifier", "schemeName": "W3C Verifiable Credential id",
                       "notation": achievement.credential_id},
        "credentialSchema": {"id": concepts.EDC_GENERIC_NO_CV, "type": "ShaclValidator2017"},
        "credentialSubject": {
            "id": f"urn:s4c:person:{_suffix(achievement.credential_id)}", "type": "Person",
            "fullName": {PRIMARY_LANGUAGE: achievement.holder_name},
            "hasClaim": claim},
        "issuer": _organisation(body),
        "issued": achievement.issued,
        "validFrom": achievement.valid_from,
    }
    if achievement.valid_until:
        doc["validUntil"] = achievement.valid_until
    return doc
