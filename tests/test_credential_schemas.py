"""The JSON Schemas of our credentials accept our credentials and refuse what must not pass."""
import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from vc_calls import STORE

from schemas.json_schemas import (
    COMPETENCY_CREDENTIAL_SCHEMA_ID,
    ROLE_CREDENTIAL_SCHEMA_ID,
    SCHEMA_IDS,
    load_schema,
)
from vc._internal.jsonld import to_rdf

EXAMPLE = Path(__file__).resolve().parent.parent / "schemas" / "examples"
UNIT = "https://w3id.org/skills4cities/framework/v1/units/U06"


def role_credential() -> dict:
    return json.loads((EXAMPLE / "role-credential.example.json").read_text(encoding="utf-8"))


def competency_credential() -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                     "https://w3id.org/skills4cities/v1"],
        "id": "urn:uuid:6c1b3a6e-0f4e-4f0c-9d7e-2b1f6a9d0c11",
        "type": ["VerifiableCredential", "OpenBadgeCredential", "S4CCompetencyCredential"],
        "name": [{"@value": "Project planning, risk and quality management", "@language": "en"},
                 {"@value": "Projektplanung, Risiko- und Qualitätsmanagement",
                  "@language": "de"}],
        "issuer": {"id": "did:web:certify.example.eu", "type": ["Profile"],
                   "name": "Demo Certification Body"},
        "validFrom": "2026-05-12T09:30:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "identifier": [{"type": ["IdentityObject"], "identityHash": "sha256$0a1b",
                            "identityType": "emailAddress", "hashed": True, "salt": "c2FsdA"},
                           {"type": ["IdentityObject"], "identityHash": "Maria Ivanova",
                            "identityType": "name", "hashed": False}],
            "achievement": {
                "id": UNIT,
                "type": ["Achievement"],
                "achievementType": "Competency",
                "humanCode": "U06",
                "name": [{"@value": "Project planning, risk and quality management",
                          "@language": "en"}],
                "criteria": {"id": f"{UNIT}#criteria",
                             "narrative": "Scored at least 60% of the maximum in the unit exam."},
                "alignment": [
                    {"type": ["Alignment"], "targetName": "perform risk analysis",
                     "targetUrl": "http://data.europa.eu/esco/skill/"
                                  "1dd23dba-dd00-45ab-abf4-642902538317",
                     "targetFramework": "ESCO"},
                    {"type": ["Alignment"], "targetName": "EQF level 6",
                     "targetUrl": "http://data.europa.eu/snb/eqf/6",
                     "targetFramework": "European Qualifications Framework",
                     "targetCode": "6"},
                ],
            },
            "result": [{"type": ["Result"], "status": "Completed", "value": "78/100"}],
        },
        "evidence": [{"id": "urn:uuid:0b7e3f57-1a55-4b8a-9a0e-7c3c4f3b9d42",
                      "type": ["Evidence"], "name": "Unit exam U06",
                      "narrative": "Written exam on 2026-05-10, scored 78 of 100."}],
        "credentialSchema": [{"id": COMPETENCY_CREDENTIAL_SCHEMA_ID, "type": "JsonSchema"}],
        "credentialStatus": [
            {"id": "https://certify.example.eu/status/revocation/1#17",
             "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
             "statusListIndex": "17",
             "statusListCredential": "https://certify.example.eu/status/revocation/1"},
            {"id": "https://certify.example.eu/status/suspension/1#5003",
             "type": "BitstringStatusListEntry", "statusPurpose": "suspension",
             "statusListIndex": "5003",
             "statusListCredential": "https://certify.example.eu/status/suspension/1"},
        ],
    }


def validator(schema_id: str) -> Draft202012Validator:
    schema = load_schema(schema_id)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(schema_id: str, credential: dict) -> list[str]:
    return [e.message for e in validator(schema_id).iter_errors(credential)]


def test_schemas_are_known_by_their_id():
    assert set(SCHEMA_IDS) == {ROLE_CREDENTIAL_SCHEMA_ID, COMPETENCY_CREDENTIAL_SCHEMA_ID}
    for schema_id in SCHEMA_IDS:
        assert load_schema(schema_id)["$id"] == schema_id


def test_example_role_credential_is_valid():
    assert errors(ROLE_CREDENTIAL_SCHEMA_ID, role_credential()) == []


def test_competency_credential_is_valid_and_defined_by_our_contexts():
    credential = competency_credential()
    assert errors(COMPETENCY_CREDENTIAL_SCHEMA_ID, credential) == []
    assert to_rdf(credential, STORE.cache())  # strict JSON-LD: every term is defined by a pinned context
    signed = credential | {"proof": {"type": "DataIntegrityProof"}}
    assert errors(COMPETENCY_CREDENTIAL_SCHEMA_ID, signed) == []


def test_each_schema_refuses_the_other_kind():
    assert errors(COMPETENCY_CREDENTIAL_SCHEMA_ID, role_credential())
    assert errors(ROLE_CREDENTIAL_SCHEMA_ID, competency_credential())


def without_eqf(credential: dict) -> dict:
    achievement = credential["credentialSubject"]["achievement"]
    achievement["alignment"] = [a for a in achievement["alignment"]
                                if "/snb/eqf/" not in a["targetUrl"]]
    return credential


def with_clear_email(credential: dict) -> dict:
    credential["credentialSubject"]["email"] = "jane@example.org"
    return credential


def without_status_index(credential: dict) -> dict:
    del credential["credentialStatus"][1]["statusListIndex"]
    return credential


def with_bad_email_hash(credential: dict) -> dict:
    subject = credential["credentialSubject"]
    subject.pop("id", None)
    subject["identifier"] = [{"type": ["IdentityObject"], "identityHash": "md5$abc",
                              "identityType": "emailAddress", "hashed": True}]
    return credential


def with_hashed_name(credential: dict) -> dict:
    """A name is shown to the employer in clear: one marked hashed is refused."""
    name = next(i for i in credential["credentialSubject"]["identifier"]
                if i["identityType"] == "name")
    name["hashed"] = True
    return credential


def with_blank_name(credential: dict) -> dict:
    name = next(i for i in credential["credentialSubject"]["identifier"]
                if i["identityType"] == "name")
    name["identityHash"] = "   "
    return credential


def without_holder(credential: dict) -> dict:
    credential["credentialSubject"].pop("id", None)
    credential["credentialSubject"].pop("identifier", None)
    return credential


def with_context_out_of_order(credential: dict) -> dict:
    credential["@context"] = list(reversed(credential["@context"]))
    return credential


def with_one_status_purpose_twice(credential: dict) -> dict:
    credential["credentialStatus"][1] = dict(credential["credentialStatus"][0])
    return credential


def with_english_name_missing(credential: dict) -> dict:
    credential["name"] = [n for n in credential["name"] if n["@language"] != "en"] or [
        {"@value": "Nom", "@language": "fr"}]
    return credential


# each change, and where in the credential the schema must report it
BREAKS = [
    (without_eqf, "credentialSubject/achievement/alignment"),
    (with_clear_email, "credentialSubject"),
    (without_status_index, "credentialStatus/1"),
    (with_bad_email_hash, "credentialSubject/identifier/0/identityHash"),
    (with_hashed_name, "credentialSubject/identifier/1/hashed"),
    (with_blank_name, "credentialSubject/identifier/1/identityHash"),
    (without_holder, "credentialSubject"),
    (with_context_out_of_order, "@context/0"),
    (with_one_status_purpose_twice, "credentialStatus"),
    (with_english_name_missing, "name"),
]


@pytest.mark.parametrize("schema_id, make", [(ROLE_CREDENTIAL_SCHEMA_ID, role_credential),
                                             (COMPETENCY_CREDENTIAL_SCHEMA_ID,
                                              competency_credential)])
@pytest.mark.parametrize("breaks, where", BREAKS, ids=[b.__name__ for b, _ in BREAKS])
def test_invalid_credentials_fail_validation(schema_id, make, breaks, where):
    found = validator(schema_id).iter_errors(breaks(copy.deepcopy(make())))
    assert ["/".join(map(str, e.absolute_path)) for e in found] == [where]


def test_role_credential_needs_its_unit_credentials():
    credential = role_credential()
    del credential["relatedResource"]
    assert any("relatedResource" in m for m in errors(ROLE_CREDENTIAL_SCHEMA_ID, credential))
    credential = role_credential()
    del credential["relatedResource"][0]["digestMultibase"]
    assert errors(ROLE_CREDENTIAL_SCHEMA_ID, credential) != []


def test_competency_credential_rules():
    credential = competency_credential()
    credential["relatedResource"] = [{"id": "urn:uuid:x", "digestMultibase": "uEiB"}]
    assert errors(COMPETENCY_CREDENTIAL_SCHEMA_ID, credential) != []
    credential = competency_credential()
    credential["credentialSubject"]["result"][0]["value"] = "78%"
    assert errors(COMPETENCY_CREDENTIAL_SCHEMA_ID, credential) != []
    credential = competency_credential()
    credential["credentialSubject"]["achievement"]["id"] = UNIT.replace("units", "roles")
    assert errors(COMPETENCY_CREDENTIAL_SCHEMA_ID, credential) != []


def test_load_schema_refuses_an_unknown_id():
    with pytest.raises(KeyError, match="unknown credential schema"):
        load_schema("https://w3id.org/skills4cities/schemas/role-credential-v2.json")


def test_load_schema_returns_a_fresh_copy():
    load_schema(ROLE_CREDENTIAL_SCHEMA_ID)["$id"] = "changed"
    assert load_schema(ROLE_CREDENTIAL_SCHEMA_ID)["$id"] == ROLE_CREDENTIAL_SCHEMA_ID
