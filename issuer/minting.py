"""Building and signing the credential of one decision: the one place where both the
per-candidate path (`IssuerService`) and the cohort path (`issuer.cohort_issuing`) mint.

Inputs are read by attribute, so ORM objects and Core rows serve alike: a decision has
`id, kind, code, decided_on, decided_by`; an assessment has `ref, score, max_score,
assessed_on, exam_body, assessor`.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime

from issuer import credentials as build
from issuer import status
from schemas.jsonld_contexts import CONTEXTS_DIR
from vc import api as vc_api
from vc.contexts import shared_store
from vc.multikey import Ed25519Multikey


def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


@dataclass(frozen=True)
class Minted:
    document: dict  # the signed credential
    row: dict  # its `issuer_credentials` row
    audit: dict  # its `credential.issued` audit row


@dataclass(frozen=True)
class Minter:
    """What every credential of one issuing run shares: issuer, framework, key, time."""

    did: str
    name: str
    public_url: str
    suite: str
    role_validity_years: int
    framework: object
    key_id: str
    key: Ed25519Multikey
    now: datetime
    actor: str

    def mint(self, decision, candidate_id: int, candidate_ref: str, holder: build.Holder,
             revocation: tuple[int, int], suspension: tuple[int, int], assessment=None,
             unit_docs: dict[str, dict] | None = None,
             digests: dict[str, str] | None = None) -> Minted:
        """The signed credential of `decision`, with its status slots. A role credential
        names the unit credentials it was earned from (`unit_docs`, by unit code) and their
        digests (`digests`, by credential id)."""
        fw = self.framework
        entries = status.entries(self.public_url, revocation, suspension)
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        profile = build.IssuerProfile(self.did, self.name, self.public_url)
        valid_until = None
        if decision.kind == "unit":
            a = assessment
            doc = build.competency_credential(
                credential_id=credential_id, framework=fw, unit=fw.unit(decision.code),
                holder=holder, issuer=profile, score=a.score, max_score=a.max_score,
                assessed_on=a.assessed_on, exam_body=a.exam_body, assessor=a.assessor,
                assessment_ref=a.ref, valid_from=self.now, status=entries)
        else:
            role = fw.role(decision.code)
            valid_until = add_years(self.now, self.role_validity_years)
            doc = build.role_credential(
                credential_id=credential_id, framework=fw, role=role, holder=holder,
                issuer=profile, decided_on=decision.decided_on, decided_by=decision.decided_by,
                decision_ref=f"{candidate_ref}-{decision.id}", valid_from=self.now,
                valid_until=valid_until, units=[unit_docs[u] for u in role.units],
                status=entries, digests=digests or {})
        signed = vc_api.sign(doc, self.key, store=shared_store(CONTEXTS_DIR), suite=self.suite,
                             verification_method=f"{self.did}#{self.key_id}",
                             created=build.rfc3339(self.now))
        digest = build.digest_multibase(signed)
        row = {
            "id": credential_id, "decision_id": decision.id, "candidate_id": candidate_id,
            "kind": decision.kind, "code": decision.code, "document": signed,
            "digest": digest, "issued_at": self.now, "valid_until": valid_until,
            "revocation_list": revocation[0], "revocation_index": revocation[1],
            "suspension_list": suspension[0], "suspension_index": suspension[1],
            "revoked": False, "suspended": False}
        audit = {"at": self.now, "actor": self.actor, "action": "credential.issued",
                 "subject": credential_id,
                 "detail": {"candidate": candidate_ref, "kind": decision.kind,
                            "code": decision.code}}
        return Minted(signed, row, audit)
