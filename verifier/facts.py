"""What a verifier reads off a credential, read once and defensively (the input is untrusted).

Open Badges 3.0 §B.1 AchievementCredential: `credentialSubject.achievement` names what was
achieved; its `alignment` (§B.1.4) carries the EQF level as
`http://data.europa.eu/snb/eqf/{1..8}`; `credentialSubject.id` or a hashed `identifier`
(§B.1.8 IdentityObject) names the holder. VC DM 2.0 §4.9 validity, §4.10 status,
§5.3 relatedResource.
"""
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

EQF_URL = re.compile(r"https?://data\.europa\.eu/snb/eqf/([1-8])")
ROLE_TYPE = "S4CRoleCredential"
COMPETENCY_TYPE = "S4CCompetencyCredential"


def as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_instant(value: object) -> datetime | None:
    """An RFC 3339 / XML Schema dateTimeStamp with a time zone, as an aware datetime."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


def language_map(value: object) -> dict[str, str]:
    """A plain string (language unknown: "") or JSON-LD language values, as language → text."""
    out: dict[str, str] = {}
    for item in as_list(value):
        if isinstance(item, str):
            out.setdefault("", item)
        elif isinstance(item, dict) and isinstance(item.get("@value"), str):
            lang = item.get("@language")
            out.setdefault(lang.lower() if isinstance(lang, str) else "", item["@value"])
    return out


def pick_language(texts: dict[str, str], lang: str) -> str | None:
    """The text in `lang`, else English, else the untagged one, else any."""
    for key in (lang, lang.split("-")[0], "en", ""):
        if key in texts:
            return texts[key]
    return next(iter(texts.values()), None)


@dataclass(frozen=True)
class CredentialFacts:
    types: tuple[str, ...]
    issuer_did: str | None
    issuer_claimed_name: str | None
    achievement_id: str | None
    achievement_type: str | None
    achievement_names: dict[str, str]
    eqf_level: int | None
    holder_did: str | None
    holder_hashed_email: bool
    valid_from: datetime | None
    valid_until: datetime | None
    status_entries: tuple[dict, ...]
    related: tuple[dict, ...]
    schema_ids: tuple[str, ...]
    proofs: tuple[dict, ...] = field(default_factory=tuple)

    @property
    def kind(self) -> str | None:
        """'role' or 'competency' (S4C types first, then the OB 3.0 achievementType)."""
        if ROLE_TYPE in self.types:
            return "role"
        if COMPETENCY_TYPE in self.types:
            return "competency"
        return {"Certification": "role", "Competency": "competency"}.get(
            self.achievement_type or "")


def read_facts(credential: dict) -> CredentialFacts:
    issuer = credential.get("issuer")
    issuer_did = issuer.get("id") if isinstance(issuer, dict) else issuer
    subject = next((s for s in as_list(credential.get("credentialSubject"))
                    if isinstance(s, dict)), {})
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    return CredentialFacts(
        types=tuple(t for t in as_list(credential.get("type")) if isinstance(t, str)),
        issuer_did=issuer_did if isinstance(issuer_did, str) else None,
        issuer_claimed_name=_text(issuer.get("name")) if isinstance(issuer, dict) else None,
        achievement_id=_str(achievement.get("id")),
        achievement_type=_str(achievement.get("achievementType")),
        achievement_names=language_map(achievement.get("name") or credential.get("name")),
        eqf_level=_eqf_level(achievement),
        holder_did=_str(subject.get("id")),
        holder_hashed_email=any(
            isinstance(i, dict) and i.get("hashed") is True
            and i.get("identityType") == "emailAddress"
            for i in as_list(subject.get("identifier"))),
        valid_from=parse_instant(credential.get("validFrom")),
        valid_until=parse_instant(credential.get("validUntil")),
        status_entries=tuple(e for e in as_list(credential.get("credentialStatus"))
                             if isinstance(e, dict)),
        related=tuple(r for r in as_list(credential.get("relatedResource"))
                      if isinstance(r, dict)),
        schema_ids=tuple(s["id"] for s in as_list(credential.get("credentialSchema"))
                         if isinstance(s, dict) and isinstance(s.get("id"), str)),
        proofs=tuple(p for p in as_list(credential.get("proof")) if isinstance(p, dict)),
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _text(value: object) -> str | None:
    return pick_language(language_map(value), "en")


def _eqf_level(achievement: dict) -> int | None:
    for alignment in as_list(achievement.get("alignment")):
        if isinstance(alignment, dict):
            match = EQF_URL.fullmatch(str(alignment.get("targetUrl", "")))
            if match:
                return int(match.group(1))
    return None
