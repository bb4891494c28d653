"""Building and signing the credentials of a candidate's decisions: the one place where both
the per-candidate path (`issuer.issuing`) and the cohort path (`issuer.cohort_issuing`) mint.

Inputs are read by attribute, so ORM objects and Core rows serve alike: a decision has
`id, kind, code, decided_on, decided_by, assessment_id`; an assessment has `ref, score,
max_score, assessed_on, exam_body, assessor`.
"""
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from issuer import credentials as build
from issuer import status
from issuer.signing import IssuerConfig, IssuerSigner
from schemas.framework import Framework

SlotSource = Callable[[str], tuple[int, int]]  # purpose -> (list number, index) of a free slot


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
class Recipient:
    """Whom credentials are minted for, and the unit credentials they hold already (a role
    credential names those it was earned from, with their digests)."""

    id: int
    ref: str
    holder: build.Holder
    units: dict[str, dict] = field(default_factory=dict)  # unit code -> signed credential
    digests: dict[str, str] = field(default_factory=dict)  # credential id -> digest

    def holding(self, minted: Minted) -> "Recipient":
        """This recipient once `minted` is theirs too."""
        units = {**self.units, minted.row["code"]: minted.document} \
            if minted.row["kind"] == "unit" else self.units
        return replace(self, units=units,
                       digests={**self.digests, minted.document["id"]: minted.row["digest"]})


@dataclass(frozen=True)
class Minter:
    """What every credential of one issuing run shares: issuer, framework, signer, time."""

    issuer: IssuerConfig
    framework: Framework
    signer: IssuerSigner
    now: datetime
    actor: str
    via: str | None = None  # the door it was asked at, when not the console's ("vc-api")

    def mint_all(self, decisions: Iterable[Any], recipient: Recipient,
                 assessments: Mapping[int, Any], slot: SlotSource,
                 ids: Mapping[int, str] | None = None) -> list[Minted]:
        """The credentials of `decisions`, in their order (units before the roles earned
        from them), each with a revocation and a suspension slot from `slot`; `ids` gives
        the credential id a decision's credential must have (by decision id), when asked."""
        minted = []
        for decision in decisions:
            credential = self.mint(decision, recipient, slot("revocation"), slot("suspension"),
                                   assessments.get(decision.assessment_id),
                                   credential_id=(ids or {}).get(decision.id))
            recipient = recipient.holding(credential)
            minted.append(credential)
        return minted

    def mint(self, decision: Any, recipient: Recipient, revocation: tuple[int, int],
             suspension: tuple[int, int], assessment: Any = None,
             credential_id: str | None = None) -> Minted:
        """The signed credential of `decision`, in the given status slots (a new urn:uuid
        unless `credential_id` is given)."""
        fw, issuer = self.framework, self.issuer
        entries = status.entries(issuer.public_url, revocation, suspension)
        credential_id = credential_id or f"urn:uuid:{uuid.uuid4()}"
        profile = build.IssuerProfile(issuer.did, issuer.name, issuer.public_url)
        valid_until = None
        if decision.kind == "unit":
            a = assessment
            doc = build.competency_credential(
                credential_id=credential_id, framework=fw, unit=fw.unit(decision.code),
                holder=recipient.holder, issuer=profile, score=a.score, max_score=a.max_score,
                assessed_on=a.assessed_on, exam_body=a.exam_body, assessor=a.assessor,
                assessment_ref=a.ref, valid_from=self.now, status=entries)
        else:
            role = fw.role(decision.code)
            valid_until = add_years(self.now, issuer.role_validity_years)
            doc = build.role_credential(
                credential_id=credential_id, framework=fw, role=role, holder=recipient.holder,
                issuer=profile, decided_on=decision.decided_on, decided_by=decision.decided_by,
                decision_ref=f"{recipient.ref}-{decision.id}", valid_from=self.now,
                valid_until=valid_until, units=[recipient.units[u] for u in role.units],
                status=entries, digests=recipient.digests)
        signed = self.signer.sign(doc, created=build.rfc3339(self.now))
        row = {
            "id": credential_id, "decision_id": decision.id, "candidate_id": recipient.id,
            "kind": decision.kind, "code": decision.code, "document": signed,
            "digest": build.digest_multibase(signed), "issued_at": self.now,
            "valid_until": valid_until,
            "revocation_list": revocation[0], "revocation_index": revocation[1],
            "suspension_list": suspension[0], "suspension_index": suspension[1],
            "revoked": False, "suspended": False}
        audit = {"at": self.now, "actor": self.actor, "action": "credential.issued",
                 "subject": credential_id,
                 "detail": {"candidate": recipient.ref, "kind": decision.kind,
                            "code": decision.code, **({"via": self.via} if self.via else {})}}
        return Minted(signed, row, audit)
