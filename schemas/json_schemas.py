"""The JSON Schemas (draft 2020-12) of our credentials, read from local files by their `$id`.

A credential names its schema in `credentialSchema`; the schema is never fetched from that URL:
only the files under `schemas/json/` are known, so an unknown id is an error.
"""
import json
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "json"
ROLE_CREDENTIAL_SCHEMA_ID = "https://w3id.org/skills4cities/schemas/role-credential-v1.json"
COMPETENCY_CREDENTIAL_SCHEMA_ID = (
    "https://w3id.org/skills4cities/schemas/competency-credential-v1.json")

# the registry's signed trust list, format 2 (`registry.trust_list`)
TRUST_LIST_SCHEMA_ID = "https://w3id.org/skills4cities/schemas/trust-list-v2.json"

_CREDENTIAL_FILES = {
    ROLE_CREDENTIAL_SCHEMA_ID: "role-credential-v1.json",
    COMPETENCY_CREDENTIAL_SCHEMA_ID: "competency-credential-v1.json",
}
SCHEMA_IDS: tuple[str, ...] = tuple(_CREDENTIAL_FILES)  # the holders' credentials
_FILES = _CREDENTIAL_FILES | {TRUST_LIST_SCHEMA_ID: "trust-list-v2.json"}


@cache
def _schema_text(schema_id: str) -> str:
    path = SCHEMA_DIR / _FILES[schema_id]
    text = path.read_text(encoding="utf-8")
    found = json.loads(text).get("$id")
    if found != schema_id:
        raise ValueError(f"{path.name} declares $id {found!r}, expected {schema_id}")
    return text


def load_schema(schema_id: str) -> dict:
    """The schema with this `$id`, as a fresh dict; KeyError for an id s4c does not know."""
    if schema_id not in _FILES:
        raise KeyError(f"unknown credential schema {schema_id!r}: s4c knows only "
                       f"{', '.join(_FILES)} (schemas are never fetched)")
    return json.loads(_schema_text(schema_id))
