"""Helpers shared by the verifier tests: test issuers, credentials, status lists, trust.

No tests here. Credentials are shaped like `schemas/examples/role-credential.example.json`
and signed with `vc.api.sign`; status lists are real signed BitstringStatusListCredentials.
The issuer is a did:web whose DID document is served by a StaticFetcher (https URLs, no
network) or by a loopback server in the tests that need real HTTP.
"""
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from vc_calls import STORE as PROJECT_STORE

from vc import api
from vc.contexts import ContextStore
from vc.did_resolver import DIDResolver
from vc.fetch import FetchResult, StaticFetcher
from vc.multikey import Ed25519Multikey
from vc.resource_integrity import digest_multibase
from vc.statuslist import Bitstring, status_entry, status_list_credential
from vc.trust import Accreditation, Recognition, TrustedIssuer

V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
S4C = "https://w3id.org/skills4cities/v1"
FRAMEWORK = "https://w3id.org/skills4cities/framework/v1"
ROLE_SCM = f"{FRAMEWORK}/roles/SCPM"
ROLE_SCPD = f"{FRAMEWORK}/roles/SCPD"
UNIT_IDS = [f"{FRAMEWORK}/units/PM-U{i}" for i in range(1, 7)]
ROLE_SCHEMA = "https://w3id.org/skills4cities/schemas/role-credential-v1.json"
COMPETENCY_SCHEMA = "https://w3id.org/skills4cities/schemas/competency-credential-v1.json"
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)

# Used only while the framework's pinned s4c context has not landed: the two types.
_FALLBACK_S4C_CONTEXT = {"@context": {
    "@protected": True,
    "S4CRoleCredential": "https://w3id.org/skills4cities/vocab#S4CRoleCredential",
    "S4CCompetencyCredential": "https://w3id.org/skills4cities/vocab#S4CCompetencyCredential",
}}


def context_store() -> ContextStore:
    """The pinned contexts; plus a minimal s4c context if the framework has not pinned it."""
    store = PROJECT_STORE
    if S4C in store.manifest:
        return store
    return ContextStore({S4C: _FALLBACK_S4C_CONTEXT})


STORE = context_store()


@dataclass
class DemoIssuer:
    """A did:web issuer whose DID document lives at https://<host>/.well-known/did.json."""

    host: str = "certify.example.eu"
    key: Ed25519Multikey = field(default_factory=Ed25519Multikey.generate)
    scheme: str = "https"

    @property
    def did(self) -> str:
        return "did:web:" + self.host.replace(":", "%3A")

    @property
    def vm(self) -> str:
        return f"{self.did}#key-1"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def did_document(self) -> dict:
        return {"@context": ["https://www.w3.org/ns/did/v1",
                             "https://w3id.org/security/multikey/v1"],
                "id": self.did,
                "verificationMethod": [{"id": self.vm, "type": "Multikey",
                                        "controller": self.did,
                                        "publicKeyMultibase": self.key.public_key_multibase}],
                "assertionMethod": [self.vm], "authentication": [self.vm]}

    def did_url(self) -> str:
        return f"{self.base_url}/.well-known/did.json"

    def list_url(self, purpose: str, n: int = 1) -> str:
        return f"{self.base_url}/status/{purpose}/{n}"

    def sign(self, document: dict, suite: str = "eddsa-rdfc-2022", vm: str | None = None,
             key: Ed25519Multikey | None = None) -> dict:
        return api.sign(document, key or self.key, suite=suite,
                        verification_method=vm or self.vm, store=STORE,
                        created="2026-06-01T00:00:00Z")


def _names(en: str, bg: str | None = None) -> list[dict]:
    out = [{"@value": en, "@language": "en"}]
    if bg:
        out.append({"@value": bg, "@language": "bg"})
    return out


def _eqf(level: int) -> dict:
    return {"type": ["Alignment"], "targetName": f"EQF level {level}",
            "targetUrl": f"http://data.europa.eu/snb/eqf/{level}",
            "targetFramework": "European Qualifications Framework", "targetCode": str(level)}


def _status(issuer: DemoIssuer, revocation: int, suspension: int) -> list[dict]:
    return [status_entry(issuer.list_url("revocation"), revocation, "revocation"),
            status_entry(issuer.list_url("suspension"), suspension, "suspension")]


def _subject(holder_did: str | None) -> dict:
    if holder_did:
        return {"id": holder_did, "type": ["AchievementSubject"]}
    return {"type": ["AchievementSubject"], "identifier": [{
        "type": ["IdentityObject"],
        "identityHash": "sha256$" + hashlib.sha256(b"maria@example.org" + b"salt").hexdigest(),
        "identityType": "emailAddress", "hashed": True, "salt": "c2FsdHNhbHQ"}]}


def role_credential(issuer: DemoIssuer, *, n: int = 1, role: str = ROLE_SCM, eqf: int = 6,
                    valid_from: str = "2026-06-01T00:00:00Z",
                    valid_until: str | None = "2029-06-01T00:00:00Z",
                    revocation_index: int = 4821, suspension_index: int = 90211,
                    units: list[dict] | None = None, holder_did: str | None = None) -> dict:
    """An unsigned role credential shaped like the example, with status entries."""
    doc: dict = {
        "@context": [V2, OB3, S4C],
        "id": f"urn:uuid:2f1d4f0e-3c54-4b8e-9a3e-{n:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential", "S4CRoleCredential"],
        "name": _names("Smart City Project Manager", "Мениджър на проекти за интелигентни градове"),
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": "Whatever The Credential Says",
                   "url": issuer.base_url},
        "validFrom": valid_from,
    }
    if valid_until:
        doc["validUntil"] = valid_until
    doc["credentialSubject"] = {
        **_subject(holder_did),
        "achievement": {
            "id": role, "type": ["Achievement"], "achievementType": "Certification",
            "humanCode": role.rsplit("/", 1)[1],
            "name": _names("Smart City Project Manager",
                           "Мениджър на проекти за интелигентни градове"),
            "description": "Plans, leads and closes smart-city projects: from the city's "
                           "digital strategy to procurement, delivery and evaluation.",
            "criteria": {"id": f"{role}#criteria",
                         "narrative": "Holds every competency unit of the role's skills card, "
                                      "each passed at or above its threshold within 3 years."},
            "alignment": [
                {"type": ["Alignment"], "targetName": "Smart City Project Manager",
                 "targetUrl": role, "targetFramework": "Skills4Cities competency framework v1",
                 "targetCode": role.rsplit("/", 1)[1]},
                {"type": ["Alignment"], "targetName": "project manager",
                 "targetUrl": "http://data.europa.eu/esco/occupation/"
                              "0d1d8e4c-0b21-4a3c-8d7a-7f6d2c9f7d3b",
                 "targetFramework": "ESCO", "targetType": "ceterms:Occupation"},
                _eqf(eqf),
            ]},
        "result": [{"type": ["Result"], "status": "Completed", "value": "6/6 units"}],
    }
    doc["evidence"] = [{"id": "urn:uuid:0b7f9a52-8c1e-4f7e-9d0a-5e2c4b1a3f77",
                        "type": ["Evidence"], "name": "Certification decision",
                        "narrative": "Decided on 2026-05-30 by Demo Certification Body "
                                     "(certification officer: Ivana Petrova)."}]
    units = units or [unit_credential(issuer, i) for i in range(1, 7)]  # digests only
    if units:
        doc["relatedResource"] = [{"id": u["id"], "digestMultibase": digest_multibase(u)}
                                  for u in units]
    doc["credentialSchema"] = [{"id": ROLE_SCHEMA, "type": "JsonSchema"}]
    doc["credentialStatus"] = _status(issuer, revocation_index, suspension_index)
    return doc


def unit_credential(issuer: DemoIssuer, i: int, *, score: int = 78,
                    holder_did: str | None = None) -> dict:
    """An unsigned competency credential for unit i (1-6)."""
    unit = UNIT_IDS[i - 1]
    return {
        "@context": [V2, OB3, S4C],
        "id": f"urn:uuid:5c0e7d2a-1f3b-4a6c-8e9d-{i:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential", "S4CCompetencyCredential"],
        "name": _names(f"Smart city project management unit {i}"),
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": "Demo Certification Body"},
        "validFrom": "2026-05-20T00:00:00Z",
        "credentialSubject": {
            **_subject(holder_did),
            "achievement": {
                "id": unit, "type": ["Achievement"], "achievementType": "Competency",
                "humanCode": f"PM-U{i}", "name": _names(f"Smart city project management unit {i}"),
                "description": "A competency unit of the Skills4Cities framework.",
                "criteria": {"narrative": "Passed at or above 60% of the maximum score."},
                "alignment": [_eqf(6)]},
            "result": [{"type": ["Result"], "status": "Completed", "value": f"{score}/100"}],
        },
        "evidence": [{"id": f"urn:uuid:7d3e1c2b-9a8f-4e6d-b5c4-{i:012d}", "type": ["Evidence"],
                      "name": "Competency unit assessment",
                      "narrative": f"Assessed on 2026-05-1{i} by an examiner; score {score}."}],
        "credentialSchema": [{"id": COMPETENCY_SCHEMA, "type": "JsonSchema"}],
        "credentialStatus": _status(issuer, 1000 + i, 2000 + i),
    }


def status_list(issuer: DemoIssuer, purpose: str, set_bits: tuple[int, ...] = (),
                n: int = 1, valid_until: str | None = None,
                signer: DemoIssuer | None = None) -> dict:
    """A signed BitstringStatusListCredential with `set_bits` set."""
    bits = Bitstring()
    for index in set_bits:
        bits.set(index, True)
    unsigned = status_list_credential(issuer.list_url(purpose, n), issuer.did, purpose, bits,
                                      valid_from="2026-01-01T00:00:00Z", valid_until=valid_until)
    return (signer or issuer).sign(unsigned)


class MutableFetcher:
    """A StaticFetcher whose documents the test can change; counts fetches per URL."""

    def __init__(self, documents: dict[str, dict]) -> None:
        self.documents = {url: json.dumps(doc).encode() for url, doc in documents.items()}
        self.fetches: dict[str, int] = {}

    def set(self, url: str, document: dict) -> None:
        self.documents[url] = json.dumps(document).encode()

    def remove(self, url: str) -> None:
        self.documents.pop(url, None)

    def fetch(self, url: str, accept: str = "application/json",
              etag: str | None = None) -> FetchResult:
        self.fetches[url] = self.fetches.get(url, 0) + 1
        return StaticFetcher(self.documents).fetch(url, accept, etag)


def issuer_world(issuer: DemoIssuer, revoked: tuple[int, ...] = (),
                 suspended: tuple[int, ...] = ()) -> MutableFetcher:
    """DID document and both status lists of `issuer`, served offline."""
    return MutableFetcher({
        issuer.did_url(): issuer.did_document(),
        issuer.list_url("revocation"): status_list(issuer, "revocation", revoked),
        issuer.list_url("suspension"): status_list(issuer, "suspension", suspended),
    })


def resolver_for(fetcher) -> DIDResolver:
    return DIDResolver(fetcher=fetcher)


def accreditation(issuer_did: str, *, achievements: tuple[str, ...] = (ROLE_SCM, *UNIT_IDS),
                  max_eqf: int = 6, anchor: str = "did:web:nacid.example.bg",
                  country: str = "BG") -> Accreditation:
    return Accreditation(
        id="urn:uuid:accreditation-1", anchor_did=anchor, anchor_name="NACID (test)",
        country=country, issuer_did=issuer_did, framework=FRAMEWORK,
        achievements=achievements, max_eqf_level=max_eqf,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC), valid_until=datetime(2030, 1, 1, tzinfo=UTC))


class FakeTrustSource:
    """A trust source in memory, for tests where the registry itself is not the point."""

    def __init__(self, issuers: list[TrustedIssuer] = (),
                 recognitions: list[Recognition] = ()) -> None:
        self._issuers = {i.did: i for i in issuers}
        self._recognitions = list(recognitions)

    def issuer(self, did: str) -> TrustedIssuer | None:
        return self._issuers.get(did)

    def recognitions(self, achievement_id: str, country: str | None = None) -> list[Recognition]:
        return [r for r in self._recognitions if r.achievement == achievement_id
                and (country is None or r.country == country)]


def trusted(issuer: DemoIssuer, *accreditations: Accreditation,
            name: str = "Demo Certification Body (registry)") -> TrustedIssuer:
    return TrustedIssuer(did=issuer.did, name={"en": name, "bg": "Демо сертифициращ орган"},
                         country="BG",
                         public_keys={issuer.vm: issuer.key.public_key_multibase},
                         accreditations=tuple(accreditations))


def recognition(country: str, achievement: str = ROLE_SCM, nqf: str = "NQF 6",
                eqf: int = 6) -> Recognition:
    return Recognition(id=f"urn:uuid:recognition-{country}", anchor_did=f"did:web:qa.{country}",
                       country=country, framework=FRAMEWORK, achievement=achievement,
                       nqf_level=nqf, eqf_level=eqf,
                       equivalence={"en": f"Recognised in {country} as a level-{eqf} "
                                          "professional qualification"},
                       legal_basis="Test act 2026", valid_from=datetime(2025, 1, 1, tzinfo=UTC),
                       valid_until=None)
