"""What a verifier reads off a credential, read once and defensively (the input is untrusted).

Open Badges 3.0 §B.1 AchievementCredential: `credentialSubject.achievement` names what was
achieved; its `alignment` (§B.1.4) carries the EQF level as
`http://data.europa.eu/snb/eqf/{1..8}`; `credentialSubject.id` or an `identifier` (§B.1.8
IdentityObject) names the holder: a salted hash of their e-mail (`identityType`
"emailAddress", `hashed` true) and their name in clear (`identityType`
"name", `hashed` false). VC DM 2.0 §4.9 validity, §4.10 status, §5.3 relatedResource.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vc.datamodel import data_model_version
from vc.instants import parse_date_time, parse_instant
from vc.json_input import as_list
from vc.language_maps import language_map, pick_language

EQF_URL = re.compile(r"https?://data\.europa\.eu/snb/eqf/([1-8])")
ROLE_TYPE = "S4CRoleCredential"
COMPETENCY_TYPE = "S4CCompetencyCredential"


@dataclass(frozen=True)
class CredentialFacts:
    """What the checks and the summary use, read from the credential as signed.

    The verifier reads only documents in compact form (`vc._internal.jsonld_walk`), so each
    fact has one spelling; what is still ambiguous in compact form (two `validUntil` values,
    two EQF levels, a status entry that is not an object) is a `problem`, never a silent
    default, and nothing depends on the order of JSON keys or array items.
    """

    types: tuple[str, ...]
    issuer_did: str | None
    achievement_id: str | None
    achievement_type: str | None
    achievement_names: dict[str, str]
    eqf_level: int | None
    holder_did: str | None
    holder_hashed_email: bool
    valid_from: datetime | None
    valid_until: datetime | None
    status_entries: tuple[dict[str, Any], ...]
    related: tuple[dict[str, Any], ...]
    schema_ids: tuple[str, ...]
    proofs: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    problems: tuple[str, ...] = field(default_factory=tuple)
    # the holder's name as the issuer signed it (None: the credential names none)
    holder_name: str | None = None
    # (identityHash, salt) of each hashed e-mail identifier; never shown, only compared
    holder_email_hashes: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def kind(self) -> str | None:
        """'role' or 'competency' (S4C types first, then the OB 3.0 achievementType)."""
        if ROLE_TYPE in self.types:
            return "role"
        if COMPETENCY_TYPE in self.types:
            return "competency"
        return {"Certification": "role", "Competency": "competency"}.get(
            self.achievement_type or "")


def read_facts(credential: dict[str, Any]) -> CredentialFacts:
    problems: list[str] = []
    issuer = _one(credential, "issuer", problems)
    issuer_did = issuer.get("id") if isinstance(issuer, dict) else issuer
    subjects = [s for s in as_list(credential.get("credentialSubject")) if isinstance(s, dict)]
    # several subjects: none of them is "the" holder or achievement (order must not matter)
    subject = subjects[0] if len(subjects) == 1 else {}
    achievement = _one(subject, "achievement", problems)
    achievement = achievement if isinstance(achievement, dict) else {}
    identities = [i for i in as_list(subject.get("identifier")) if isinstance(i, dict)]
    holder_name = _holder_name(identities, problems)
    _read_nodes_described_once(credential, [*subjects, achievement, *identities,
                                            *as_list(achievement.get("alignment"))], problems)
    return CredentialFacts(
        types=tuple(sorted(t for t in as_list(credential.get("type")) if isinstance(t, str))),
        issuer_did=issuer_did if isinstance(issuer_did, str) else None,
        achievement_id=_str(_one(achievement, "id", problems)),
        achievement_type=_str(_one(achievement, "achievementType", problems)),
        achievement_names=language_map(achievement.get("name") or credential.get("name")),
        eqf_level=_eqf_level(achievement, problems),
        holder_did=_str(_one(subject, "id", problems)),
        holder_hashed_email=any(i.get("hashed") is True and i.get("identityType") ==
                                "emailAddress" for i in identities),
        valid_from=_validity(credential, "validFrom", problems),
        valid_until=_validity(credential, "validUntil", problems),
        status_entries=_status_entries(credential, problems),
        related=_objects(credential, "relatedResource", ("id",), problems),
        # the id as _objects read it: a one-element array is that one value (JSON-LD), never
        # the array itself (a list is no schema id, and not hashable)
        schema_ids=tuple(sorted(str(_one(s, "id", [])) for s in _objects(
            credential, "credentialSchema", ("id",), problems))),
        proofs=tuple(p for p in as_list(credential.get("proof")) if isinstance(p, dict)),
        problems=tuple(problems),
        holder_name=holder_name,
        holder_email_hashes=tuple(sorted(
            (i["identityHash"], i["salt"]) for i in identities
            if i.get("identityType") == "emailAddress" and i.get("hashed") is True
            and isinstance(i.get("identityHash"), str) and isinstance(i.get("salt"), str))),
    )


# the members whose nodes the checks read, besides the credential and its subject
_READ_MEMBERS = ("credentialStatus", "relatedResource", "credentialSchema")
# the properties read_facts and the status checks read of those nodes (`type`: of the
# credential only); an endorsement may say anything else about them (OB 3.0 §B.1
# EndorsementSubject: its type and endorsementComment)
_READ_KEYS = frozenset({
    "issuer", "credentialSubject", "validFrom", "validUntil", "issuanceDate",
    "expirationDate", *_READ_MEMBERS, "proof", "name", "achievement", "achievementType",
    "alignment", "targetUrl", "identifier", "identityType", "identityHash", "hashed", "salt",
    "statusPurpose", "statusListIndex", "statusListCredential", "statusSize", "statusMessage",
    "digestMultibase", "digestSRI", "mediaType"})


def _read_nodes_described_once(credential: dict[str, Any], read: list[object],
                               problems: list[str]) -> None:
    """The walk lets a credential embedded with its own proof (an Open Badges 3.0
    endorsement) describe a node again: that is its signer's claim, which no check reads.
    It must not state a fact the checks read of that node, or a fact moved there (same RDF,
    same signature) would be missed here, and two spellings would get two verdicts."""
    nodes = [n for n in (*read, *(e for m in _READ_MEMBERS for e in as_list(credential.get(m))))
             if isinstance(n, dict)]
    read_keys = {n["id"]: _READ_KEYS for n in nodes if isinstance(n.get("id"), str)}
    if isinstance(credential.get("id"), str):
        read_keys[credential["id"]] = _READ_KEYS | {"type"}
    for node in _described_in_embedded(credential):
        keys = sorted(read_keys.get(node["id"], frozenset()) & node.keys())
        if keys:
            problems.append(f"an embedded credential states {keys[0]!r} of "
                            f"{node['id'][:120]!r}, which the verifier reads from the "
                            "credential itself")
            return


def _described_in_embedded(credential: dict[str, Any]) -> list[dict[str, Any]]:
    """The nodes with an id described inside a credential embedded with its own proof."""
    out: list[dict[str, Any]] = []
    stack: list[tuple[object, bool, int]] = [(credential, False, 0)]
    while stack:
        value, inside, depth = stack.pop()
        if depth > 64:
            continue
        if isinstance(value, list):
            stack.extend((item, inside, depth + 1) for item in value)
        elif isinstance(value, dict):
            inside = inside or (depth > 0 and "proof" in value)
            if inside and isinstance(value.get("id"), str) and len(value) > 1:
                out.append(value)
            stack.extend((item, inside, depth + 1) for key, item in value.items()
                         if key not in ("proof", "@context"))
    return out


def _one(node: dict[str, Any], key: str, problems: list[str]) -> object:
    """A single-valued property: a one-element array is the same value; more is ambiguous."""
    value = node.get(key)
    if isinstance(value, list):
        if len(value) > 1:
            problems.append(f"{key} has {len(value)} values where one is expected")
            return None
        return value[0] if value else None
    return value


def _instant(node: dict[str, Any], key: str, problems: list[str],
             parse: Callable[[object], datetime | None] = parse_instant) -> datetime | None:
    value = _one(node, key, problems)
    if value is None:
        return None
    moment = parse(value)
    if moment is None:
        problems.append(f"{key} is not a date-time with a time zone")
    return moment


# VC DM 1.1 §4.6 issuanceDate, §4.8 expirationDate: the 1.1 words for when it counts
V1_DATES = {"validFrom": "issuanceDate", "validUntil": "expirationDate"}


def _validity(credential: dict[str, Any], key: str, problems: list[str]) -> datetime | None:
    """When the credential starts or stops counting. A VC DM 1.1 credential says it with
    issuanceDate/expirationDate, and its context also defines validFrom/validUntil: both
    bound it, so it counts from the later start until the earlier end."""
    moment = _instant(credential, key, problems)
    if data_model_version(credential) != "1.1":
        return moment
    v1_moment = _instant(credential, V1_DATES[key], problems, parse=parse_date_time)
    found = [m for m in (moment, v1_moment) if m is not None]
    if not found:
        return None
    return max(found) if key == "validFrom" else min(found)


def _objects(node: dict[str, Any], key: str, required: tuple[str, ...],
             problems: list[str]) -> tuple[dict[str, Any], ...]:
    """Every entry of a list of objects, each with its `required` string members; in a
    stable order (by id and purpose), so that reordering the array changes no reason."""
    out = []
    for entry in as_list(node.get(key)):
        if not isinstance(entry, dict):
            problems.append(f"an entry of {key} is not an object")
            continue
        missing = [r for r in required if not isinstance(_one(entry, r, problems), str)]
        if missing:
            problems.append(f"an entry of {key} has no {missing[0]}")
            continue
        out.append(entry)
    return tuple(sorted(out, key=_stable_key))


def _stable_key(entry: dict[str, Any]) -> tuple[str, str]:
    return str(entry.get("id")), str(entry.get("statusPurpose"))


BITSTRING_ENTRY = "BitstringStatusListEntry"


def _status_entries(credential: dict[str, Any],
                    problems: list[str]) -> tuple[dict[str, Any], ...]:
    """Every credentialStatus object. Only a BitstringStatusListEntry must name its
    statusPurpose (Bitstring Status List v1.0 §2.1); VC DM 2.0 §4.10 lets an issuer use any
    status type (1EdTechRevocationList, CredentialStatusList2017, ...): an entry of a type this
    verifier does not implement is kept, to be reported as "could not check", never a reason
    to call the credential malformed."""
    out = []
    for entry in _objects(credential, "credentialStatus", (), problems):
        if is_bitstring_entry(entry) and not isinstance(_one(entry, "statusPurpose", problems),
                                                        str):
            problems.append("an entry of credentialStatus has no statusPurpose")
            continue
        out.append(entry)
    return tuple(out)


def status_types(entry: dict[str, Any]) -> tuple[str, ...]:
    """The entry's types, sorted (a type that is not a string is left out)."""
    return tuple(sorted(t for t in as_list(entry.get("type")) if isinstance(t, str)))


def is_bitstring_entry(entry: dict[str, Any]) -> bool:
    return BITSTRING_ENTRY in status_types(entry)


def purpose_of(entry: dict[str, Any]) -> str | None:
    """A status entry's statusPurpose (read_facts guarantees one string)."""
    value = entry.get("statusPurpose")
    value = value[0] if isinstance(value, list) and len(value) == 1 else value
    return value if isinstance(value, str) else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _text(value: object) -> str | None:
    return pick_language(language_map(value), "en")


def _eqf_level(achievement: dict[str, Any], problems: list[str]) -> int | None:
    levels = set()
    for alignment in as_list(achievement.get("alignment")):
        if isinstance(alignment, dict):
            url = alignment.get("targetUrl")
            match = EQF_URL.fullmatch(url) if isinstance(url, str) else None
            if match:
                levels.add(int(match.group(1)))
    if len(levels) > 1:
        problems.append(f"the achievement names {len(levels)} different EQF levels")
        return None
    return levels.pop() if levels else None


MAX_NAME_CHARS = 200


def _holder_name(identities: list[dict[str, Any]], problems: list[str]) -> str | None:
    """The name in clear (OB 3.0 §B.1.8, `identityType` "name", `hashed` false). Two
    different names make the credential ambiguous about whose it is: a problem, never the
    first one found (that would depend on the array's order)."""
    names = {" ".join(i["identityHash"].split()) for i in identities
             if i.get("identityType") == "name" and i.get("hashed") is False
             and isinstance(i.get("identityHash"), str) and i["identityHash"].strip()}
    if len(names) > 1:
        problems.append(f"the credential names {len(names)} different holders")
        return None
    name = names.pop() if names else None
    if name is not None and len(name) > MAX_NAME_CHARS:
        problems.append(f"the holder's name is longer than {MAX_NAME_CHARS} characters")
        return None
    return name
