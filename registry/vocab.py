"""Names the registry's credentials use: contexts, types, framework ids, time format.

The framework ids are plain strings on purpose: the registry only needs to name roles and
units, not to load the framework (that is `schemas`' job).
"""
import re
from datetime import UTC, datetime

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
REGISTRY_CONTEXT = "https://w3id.org/skills4cities/registry/v1"
CONTEXTS = [CREDENTIALS_V2, REGISTRY_CONTEXT]

ANCHOR_CREDENTIAL = "S4CTrustAnchorCredential"
ACCREDITATION_CREDENTIAL = "S4CAccreditationCredential"
RECOGNITION_CREDENTIAL = "S4CRecognitionCredential"
TRUST_LIST_CREDENTIAL = "S4CTrustListCredential"

FRAMEWORK = "https://w3id.org/skills4cities/framework/v1"
ROLE_PREFIX = f"{FRAMEWORK}/roles/"
UNIT_PREFIX = f"{FRAMEWORK}/units/"
ROLE_CODES = ("SCPD", "SCPM", "SCPMC")
ROLES = tuple(ROLE_PREFIX + code for code in ROLE_CODES)

OPERATOR_SLUG = "operator"
# Slugs name authorities in URLs (/registry/status/<slug>) and key directories.
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
COUNTRY = re.compile(r"[A-Z]{2}")  # ISO 3166-1 alpha-2
MAX_LANGUAGES = 30
LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def role_id(code: str) -> str:
    return ROLE_PREFIX + code


def achievement_code(achievement_id: str) -> str:
    """`.../roles/SCPM` -> `SCPM`; any other id is returned as it is."""
    for prefix in (ROLE_PREFIX, UNIT_PREFIX):
        if achievement_id.startswith(prefix):
            return achievement_id[len(prefix):]
    return achievement_id


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def check_language_map(names: object, what: str) -> dict[str, str]:
    """A non-empty {language: text} map with BCP 47-looking keys and short texts."""
    if not isinstance(names, dict) or not names or len(names) > MAX_LANGUAGES:
        raise ValueError(f"{what} must map 1-{MAX_LANGUAGES} language codes to texts, "
                         "e.g. {'en': '...'}")
    for lang, text in names.items():
        if not isinstance(lang, str) or not LANGUAGE.fullmatch(lang):
            raise ValueError(f"{what}: {lang!r} is not a language code such as 'en' or 'bg'")
        if not isinstance(text, str) or not text.strip() or len(text) > 2000:
            raise ValueError(f"{what}[{lang}] must be a non-empty text of at most 2000 chars")
    return {lang.lower(): text.strip() for lang, text in names.items()}

