"""Demo data: a small certified cohort, so a fresh install shows real credentials.

Everything here is marked DEMO. Idempotent: running it again issues nothing new.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from issuer.service import IssuerError, IssuerService
from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey

ACTOR = "demo"
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
            try:
                service.record_assessment(ref, unit_code, score, 100,
                                          today - timedelta(days=30 - j), EXAM_BODY,
                                          "DEMO Assessor", ACTOR)
            except IssuerError:
                pass  # already recorded by an earlier run
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
