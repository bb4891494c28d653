"""Building the credentials: Open Badges 3.0 `OpenBadgeCredential`s on VC Data Model 2.0.

One competency credential per unit passed, one role credential per role certified, shaped
as `schemas/examples/role-credential.example.json` (1EdTech OB 3.0 §B.1 AchievementCredential,
§B.2 Achievement, §B.1.4 Alignment, §B.1.10 Result, §B.1.8 IdentityObject; VC DM 2.0 §5.3
relatedResource for the units a role was earned from).
"""
import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from vc.language_maps import language_values
from vc.resource_integrity import digest_multibase

V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
S4C = "https://w3id.org/skills4cities/v1"
CONTEXT = [V2, OB3, S4C]
SCHEMA_BASE = "https://w3id.org/skills4cities/schemas"
ROLE_SCHEMA = f"{SCHEMA_BASE}/role-credential-v1.json"
COMPETENCY_SCHEMA = f"{SCHEMA_BASE}/competency-credential-v1.json"
EQF = "http://data.europa.eu/snb/eqf/{}"


@dataclass(frozen=True)
class IssuerProfile:
    did: str
    name: str
    url: str  # the issuer's public URL


@dataclass(frozen=True)
class Holder:
    name: str
    email: str
    salt: str
    did: str | None


def rfc3339(moment: datetime | date) -> str:
    if isinstance(moment, datetime):  # (str.format: a third of strftime's cost)
        return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
                f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z")
    return f"{moment.isoformat()}T00:00:00Z"


def hashed_email(email: str, salt: str) -> str:
    """OB 3.0 §B.1.8 IdentityObject: 'sha256$' + hex SHA-256 of the salted identity."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def subject(holder: Holder) -> dict:
    """Whose credential it is (OB 3.0 §B.1.8 IdentityObject): the holder's DID when known,
    the salted hash of their e-mail (never the address), and their name in clear
    (`identityType` "name", `hashed` false) for the employer to compare with an identity
    document. The e-mail comes first so the QR dictionary's strings still match."""
    out: dict = {"type": ["AchievementSubject"]}
    if holder.did:
        out["id"] = holder.did
    out["identifier"] = [
        {"type": ["IdentityObject"], "identityHash": hashed_email(holder.email, holder.salt),
         "identityType": "emailAddress", "hashed": True, "salt": holder.salt},
        {"type": ["IdentityObject"], "identityHash": holder.name.strip(),
         "identityType": "name", "hashed": False}]
    return out


def _alignment(item, framework) -> list[dict]:
    out = [{"type": ["Alignment"], "targetName": item.name["en"], "targetUrl": item.id,
            "targetFramework": f"{framework.name['en']} {framework.version}",
            "targetCode": item.code}]
    esco = item.esco if isinstance(item.esco, (list, tuple)) else [item.esco]
    for link in esco:
        if link is None:
            continue
        kind = "ceterms:Occupation" if "/occupation/" in link.uri else "ceterms:Skill"
        out.append({"type": ["Alignment"], "targetName": link.label, "targetUrl": link.uri,
                    "targetFramework": "ESCO", "targetType": kind})
    out.append({"type": ["Alignment"], "targetName": f"EQF level {item.eqf_level}",
                "targetUrl": EQF.format(item.eqf_level),
                "targetFramework": "European Qualifications Framework",
                "targetCode": str(item.eqf_level)})
    return out


def _achievement(item, framework, achievement_type: str, criteria: str) -> dict:
    return {"id": item.id, "type": ["Achievement"], "achievementType": achievement_type,
            "humanCode": item.code, "name": language_values(item.name),
            "description": item.description["en"],
            "criteria": {"id": f"{item.id}#criteria", "narrative": criteria},
            "alignment": _alignment(item, framework)}


def unit_achievement(unit, framework) -> dict:
    """A unit as the OB 3.0 `Achievement` of its competency credentials."""
    criteria = (f"Assessed against the unit's learning elements; passed at or above "
                f"{unit.pass_threshold:g}% of the maximum score.")
    return _achievement(unit, framework, "Competency", criteria)


def role_achievement(role, framework) -> dict:
    """A role as the OB 3.0 `Achievement` of its role credentials."""
    criteria = ("Holds every competency unit of the role's skills card, each passed at or "
                f"above its threshold within {framework.validity_years} years.")
    achievement = _achievement(role, framework, "Certification", criteria)
    if role.badge is not None:  # OB 3.0 Achievement.image (an Image: id, type, caption)
        achievement["image"] = {"id": role.badge, "type": "Image",
                                "caption": f"{role.name.get('en') or role.code} ({role.code})"}
    return achievement


def _base(credential_id: str, kind: str, name: dict[str, str], issuer: IssuerProfile,
          valid_from: datetime, valid_until: datetime | None, schema: str,
          status: list[dict]) -> dict:
    doc = {"@context": list(CONTEXT), "id": credential_id,
           "type": ["VerifiableCredential", "OpenBadgeCredential", kind],
           "name": language_values(name),
           "issuer": {"id": issuer.did, "type": ["Profile"], "name": issuer.name,
                      "url": issuer.url},
           "validFrom": rfc3339(valid_from)}
    if valid_until is not None:
        doc["validUntil"] = rfc3339(valid_until)
    doc["credentialSchema"] = [{"id": schema, "type": "JsonSchema"}]
    doc["credentialStatus"] = status
    return doc


def competency_credential(*, credential_id: str, framework, unit, holder: Holder,
                          issuer: IssuerProfile, score: float, max_score: float,
                          assessed_on: date, exam_body: str, assessor: str,
                          assessment_ref: str, valid_from: datetime,
                          status: list[dict]) -> dict:
    doc = _base(credential_id, "S4CCompetencyCredential", unit.name, issuer, valid_from,
                None, COMPETENCY_SCHEMA, status)
    doc["credentialSubject"] = {
        **subject(holder),
        "achievement": unit_achievement(unit, framework),
        "result": [{"type": ["Result"], "status": "Completed",
                    "value": f"{score:g}/{max_score:g}"}],
    }
    doc["evidence"] = [{"id": f"urn:uuid:{assessment_ref}", "type": ["Evidence"],
                        "name": "Competency unit assessment",
                        "narrative": f"Assessed on {assessed_on.isoformat()} by {assessor} "
                                     f"({exam_body}); score {score:g} of {max_score:g}."}]
    return _ordered(doc)


def role_credential(*, credential_id: str, framework, role, holder: Holder,
                    issuer: IssuerProfile, decided_on: date, decided_by: str,
                    decision_ref: str, valid_from: datetime, valid_until: datetime,
                    units: list[dict], status: list[dict],
                    digests: dict[str, str] | None = None) -> dict:
    """`units`: the signed unit credentials the role was earned from; `digests` may hold
    their digestMultibase values already computed (by credential id)."""
    doc = _base(credential_id, "S4CRoleCredential", role.name, issuer, valid_from,
                valid_until, ROLE_SCHEMA, status)
    doc["credentialSubject"] = {
        **subject(holder),
        "achievement": role_achievement(role, framework),
        "result": [{"type": ["Result"], "status": "Completed",
                    "value": f"{len(units)}/{len(role.units)} units"}],
    }
    doc["evidence"] = [{"id": f"urn:uuid:{decision_ref}", "type": ["Evidence"],
                        "name": "Certification decision",
                        "narrative": f"Decided on {decided_on.isoformat()} by {issuer.name} "
                                     f"(certification officer: {decided_by})."}]
    digests = digests or {}
    doc["relatedResource"] = [{"id": u["id"],
                               "digestMultibase": digests.get(u["id"]) or digest_multibase(u)}
                              for u in units]
    return _ordered(doc)


_ORDER = ("@context", "id", "type", "name", "issuer", "validFrom", "validUntil",
          "credentialSubject", "evidence", "relatedResource", "credentialSchema",
          "credentialStatus")


def _ordered(doc: dict) -> dict:
    return {k: doc[k] for k in _ORDER if k in doc}
