"""Demo data: a small certified cohort, so a fresh install shows real credentials.

Everything here is marked DEMO. Idempotent: running it again issues nothing new.
"""
import contextlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from issuer.credentials import OB3, V2
from issuer.service import IssuerError, IssuerService
from schemas.framework import Framework
from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey

ACTOR = "demo"
SAMPLE_LIST = "https://certify.example.eu/status/1"
EXAM_BODY = "DEMO Skills4Cities Exam Centre"
# Names from the partner countries; emails on the reserved example.org domain (RFC 2606).
PEOPLE = [
    ("Maria Ivanova", "BG"), ("Andrei Popescu", "RO"), ("Eleni Papadopoulou", "GR"),
    ("Lucía García", "ES"), ("Jonas Gruber", "AT"), ("Dimitar Georgiev", "BG"),
]


@dataclass
class DemoResult:
    credentials: dict[str, dict] = field(default_factory=dict)  # file stem → credential


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def seed_demo(service: IssuerService, today: date | None = None) -> DemoResult:
    fw = service.framework()
    today = today or service.clock().date()
    result = DemoResult()
    for i, (name, _country) in enumerate(PEOPLE):
        email = f"{_slug(name)}@example.org"
        did = None
        if i == 3:  # one holder with a wallet DID (a fixed demo key, public part only)
            did = did_key_from_public_key(Ed25519Multikey.from_multibase(
                "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2").public_key)
        ref = service.add_candidate(f"{name} (DEMO)", email, did, ACTOR)
        role = fw.roles[i % len(fw.roles)]
        for j, unit_code in enumerate(role.units):
            score = 62 + (i * 7 + j * 5) % 35
            if i == 5 and j == 0:
                score = 40  # below every threshold: this candidate holds no role yet
            with contextlib.suppress(IssuerError):  # already recorded by an earlier run
                service.record_assessment(ref, unit_code, score, 100,
                                          today - timedelta(days=30 - j), EXAM_BODY,
                                          "DEMO Assessor", ACTOR)
        outcome = service.certify_and_issue(ref, ACTOR)
        for doc in outcome.issued + outcome.existing:
            kind = "role" if "S4CRoleCredential" in doc["type"] else "competency"
            code = doc["credentialSubject"]["achievement"]["humanCode"]
            result.credentials[f"{kind}-{code}-{_slug(name)}"] = doc
    _revoke_and_suspend(service, result)
    return result


def _revoke_and_suspend(service: IssuerService, result: DemoResult) -> None:
    stems = sorted(result.credentials)
    role = next(s for s in stems if s.startswith("role-") and "andrei" in s)
    unit = next(s for s in stems if s.startswith("competency-") and "eleni" in s)
    for stem, action in ((role, "revoke"), (unit, "suspend")):
        credential_id = result.credentials[stem]["id"]
        stored = service.credential(credential_id)
        if not (stored.revoked or stored.suspended):
            getattr(service, action)(credential_id, "DEMO: shows a "
                                     f"{action}d credential", ACTOR)
        label = "revoked" if action == "revoke" else "suspended"
        result.credentials[f"{label}-{stem}"] = result.credentials.pop(stem)


def sample_role_credential(i: int, issuer: str) -> dict:
    """A realistic unsigned Open Badges 3.0 role credential (~2.5 KB) with revocation and
    suspension entries, the i-th of a series (its own id, holder, result and status
    indexes): what `s4c bench` signs and verifies, and the tests' typical credential."""
    return {
        "@context": [V2, OB3],
        "id": f"urn:uuid:6a1f0c3e-1b7a-4c55-9a51-{i:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Smart City Project Manager",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Demo Certification Body"},
        "validFrom": "2026-06-01T00:00:00Z",
        "validUntil": "2029-06-01T00:00:00Z",
        "credentialSubject": {
            "id": f"did:example:holder-{i}",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://certify.example.eu/framework/s4c/roles/project-manager",
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": "Smart City Project Manager",
                "description": "Plans, leads and closes smart-city projects: from the city's "
                               "digital strategy to procurement, delivery and evaluation.",
                "criteria": {"narrative": "Passed every competency unit of the Skills4Cities "
                                          "Smart City Project Manager skills card."},
                "alignment": [
                    {"type": ["Alignment"], "targetName": "project manager",
                     "targetUrl": "http://data.europa.eu/esco/occupation/"
                                  "0d1d8e4c-0b21-4a3c-8d7a-7f6d2c9f7d3b",
                     "targetFramework": "ESCO", "targetType": "ceterms:Occupation"},
                    {"type": ["Alignment"], "targetName": "EQF level 6",
                     "targetUrl": "http://data.europa.eu/snb/eqf/6",
                     "targetFramework": "European Qualifications Framework"},
                ],
            },
            "result": [{"type": ["Result"], "value": str(60 + i % 40)}],
        },
        "evidence": [{"id": f"https://certify.example.eu/assessments/{i}",
                      "type": ["Evidence"], "name": "Written and practical examination",
                      "narrative": "Assessed by an accredited examiner on 2026-05-20."}],
        "credentialSchema": [{"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                                    "ob_v3p0_achievementcredential_schema.json",
                              "type": "JsonSchema"}],
        "credentialStatus": [
            {"id": f"{SAMPLE_LIST}#{i * 7 % 131072}", "type": "BitstringStatusListEntry",
             "statusPurpose": "revocation", "statusListIndex": str(i * 7 % 131072),
             "statusListCredential": SAMPLE_LIST},
            {"id": f"{SAMPLE_LIST}s#{i * 11 % 131072}", "type": "BitstringStatusListEntry",
             "statusPurpose": "suspension", "statusListIndex": str(i * 11 % 131072),
             "statusListCredential": SAMPLE_LIST + "s"},
        ],
    }


def cohort_csv(fw: Framework, candidates: int, prefix: str = "c") -> str:
    """A cohort file in which every candidate passes every unit of one role (roles in turn),
    assessed yesterday: what `s4c bench` uploads, and the tests' typical cohort."""
    day = (date.today() - timedelta(days=1)).isoformat()
    lines = ["name,email,did,unit,score,max_score,assessed_on,exam_body,assessor"]
    for i in range(candidates):
        role = fw.roles[i % len(fw.roles)]
        lines += [f"Candidate {i},{prefix}{i}@example.org,,{u},{70 + i % 30},100,{day},"
                  "Bench Exam Centre,Assessor" for u in role.units]
    return "\n".join(lines) + "\n"
