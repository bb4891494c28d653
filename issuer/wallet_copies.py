"""Credentials issued into wallets: copies of a credential already issued, bound to the
wallet's key (OpenID4VCI 1.0 §8.2 key proofs; the holder proves possession of the key the
copy names).

An `ldp_vc` copy is the original Open Badges 3.0 credential with a new id and the wallet's
key as `credentialSubject.id` (a did:jwk), signed anew. It keeps the original's
`credentialStatus` entries, so revoking or suspending the original does the same to every
copy, and its validity period. Each copy is recorded with its original.
"""
import copy
import math
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from issuer.credentials import rfc3339
from issuer.models import WalletCopy
from issuer.signing import IssuerSigner

# RFC 9901 §10.1 (Unlinkability): the copies of a batch must not be linkable by their time
# claims; `iat` "randomized within a time period considered appropriate (e.g., ... within
# the last 24 hours ...)" or rounded (e.g., down to the beginning of the day).
ISSUED_AT_WINDOW = timedelta(hours=24)


def copy_issue_times(now: datetime, earliest: datetime | None, count: int) -> list[int]:
    """`count` `iat` values (seconds), one per copy, drawn with `secrets` uniformly from the
    last 24 hours, none in the future and none before `earliest` (when the original was
    issued: a copy never claims an issuance before its credential's, which the verifier's
    accreditation check reads from it). Distinct within the batch while the window allows."""
    upper = int(now.timestamp())
    lower = upper - int(ISSUED_AT_WINDOW.total_seconds())
    if earliest is not None:
        lower = min(max(lower, math.ceil(earliest.timestamp())), upper)
    span = upper - lower + 1
    if count <= span:
        offsets = secrets.SystemRandom().sample(range(span), count)
    else:  # a credential issued seconds ago: the window is too short to tell copies apart
        offsets = [secrets.randbelow(span) for _ in range(count)]
    return [lower + offset for offset in offsets]


def copy_expiry(valid_until: datetime | None) -> int | None:
    """`exp` of every copy: the original's `validUntil` rounded down to the start of its day
    (UTC). Rounded, not randomised with `iat`: `exp` = `iat` + the time left would repeat the
    same `exp - iat` in every copy of a batch and link them; and a copy never outlives its
    credential. The day is already in the clear in `date_of_expiry`, so nothing is told."""
    if valid_until is None:
        return None
    day = valid_until.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return int(day.timestamp())


def ldp_vc_copy(original: dict[str, Any], holder_did: str, signer: IssuerSigner,
                now: datetime) -> dict[str, Any]:
    document = copy.deepcopy(original)
    document.pop("proof", None)
    document["id"] = f"urn:uuid:{uuid.uuid4()}"
    subject = dict(document["credentialSubject"])
    document["credentialSubject"] = {"id": holder_did, **{k: v for k, v in subject.items()
                                                          if k != "id"}}
    return signer.sign(document, created=rfc3339(now))


def copy_row(copy_id: str, original_id: str, grant_id: str, fmt: str, holder_key: str,
             now: datetime, token_slot: tuple[int, int] | None = None) -> dict[str, Any]:
    """The columns of a copy's record (`WalletCopy`)."""
    return {"id": copy_id, "original_id": original_id, "grant_id": grant_id, "format": fmt,
            "holder_key": holder_key, "issued_at": now,
            "token_list": token_slot[0] if token_slot else None,
            "token_index": token_slot[1] if token_slot else None}


def record_copy(s: Session, copy_id: str, original_id: str, grant_id: str, fmt: str,
                holder_key: str, now: datetime, token_slot: tuple[int, int] | None = None
                ) -> None:
    s.add(WalletCopy(**copy_row(copy_id, original_id, grant_id, fmt, holder_key, now,
                                token_slot)))


# -- SD-JWT VC copies --------------------------------------------------------------------------
# Claims named as in the EU Learning Credential (urn:eu.europa.ec.eudi:learning:credential:1:
# issuing_authority, date_of_issuance, date_of_expiry, achievement_title,
# achievement_description, learning_outcomes, assessment_grade), s4c's own next to them
# under `achievement` (framework code, ESCO and EQF URIs). s4c records one full name, so it
# is `name` (OpenID Connect's claim), not split into given and family names.
PERSONAL = ("name", "assessment_grade")  # selectively disclosable, each on its own
TOKEN_LIST_SIZE = 131_072  # entries of 2 bits: 32 KiB before compression
EQF_URI = "http://data.europa.eu/snb/eqf/"


def _english(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, dict) and entry.get("@language") == "en":
            return str(entry.get("@value"))
    return None


def _by_language(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value}
    return {str(e["@language"]): str(e["@value"]) for e in value or []
            if isinstance(e, dict) and "@language" in e and "@value" in e}


def sd_jwt_claims(original: dict[str, Any], learning_outcomes: list[str],
                  issuing_authority: str) -> dict[str, Any]:
    """The SD-JWT VC claims of a signed W3C credential: the same facts, read from it, but
    for `issuing_authority`, this deployment's name (a credential stored with a
    name a VC-API client chose must not lend it to the copies)."""
    subject = original["credentialSubject"]
    achievement = subject["achievement"]
    alignment = [a for a in achievement.get("alignment") or [] if isinstance(a, dict)]
    eqf = next((a["targetUrl"] for a in alignment
                if str(a.get("targetUrl", "")).startswith(EQF_URI)), None)
    name = next((i["identityHash"] for i in subject.get("identifier") or []
                 if i.get("identityType") == "name"), None)
    claims: dict[str, Any] = {
        "issuing_authority": issuing_authority,
        "date_of_issuance": original["validFrom"][:10],
        "achievement_title": _english(achievement.get("name")),
        "achievement_description": _english(achievement.get("description")),
        "achievement": {
            "id": achievement["id"], "type": achievement.get("achievementType"),
            "code": achievement.get("humanCode"),
            "title": _by_language(achievement.get("name")),
            "eqf_level": int(eqf.rsplit("/", 1)[1]) if eqf else None,
            "eqf": eqf,
            "esco": [a["targetUrl"] for a in alignment if a.get("targetFramework") == "ESCO"],
            "framework": next((a.get("targetFramework") for a in alignment
                               if a.get("targetCode") == achievement.get("humanCode")), None),
        },
    }
    if learning_outcomes:
        claims["learning_outcomes"] = learning_outcomes
    if original.get("validUntil"):
        claims["date_of_expiry"] = original["validUntil"][:10]
    results = subject.get("result") or []
    if results and isinstance(results[0], dict) and results[0].get("value"):
        claims["assessment_grade"] = str(results[0]["value"])
    if name:
        claims["name"] = name
    return {k: v for k, v in claims.items() if v is not None}
