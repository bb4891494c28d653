"""Certifying and issuing for one candidate: the decisions the rules support, then a
credential for each decision that has none yet (units first, then the roles earned from
them). Issuing is idempotent: a decision has at most one credential, so issuing the same
certification twice returns the credentials already issued.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer import credentials as build
from issuer import status
from issuer.audit import AuditEvent
from issuer.decisions import decide
from issuer.minting import Minter, Recipient
from issuer.models import Assessment, Candidate, Decision, IssuedCredential
from issuer.records import insert_rows
from schemas.framework import Framework


@dataclass
class CandidateResult:
    """What certifying and issuing did for one candidate."""

    candidate_ref: str
    issued: list[dict] = field(default_factory=list)  # newly issued credentials
    existing: list[dict] = field(default_factory=list)  # already issued before


def record_decisions(s: Session, candidate: Candidate, fw: Framework, now: datetime,
                     actor: str) -> None:
    """Records the decisions the candidate's assessments now support (see `decide`)."""
    s.flush()  # pending assessments must be visible; no autoflush below
    with s.no_autoflush:
        decide(s, candidate, fw, now, actor)
    s.flush()


def decisions_on_record(s: Session, candidate: Candidate) -> list[tuple[str, str]]:
    """(kind, code) of the candidate's decisions, oldest first."""
    return [(d.kind, d.code) for d in s.scalars(select(Decision).where(
        Decision.candidate_id == candidate.id).order_by(Decision.id))]


def issue_pending(s: Session, candidate: Candidate, minter: Minter) -> CandidateResult:
    """Issues the credentials of the candidate's decisions that have none, drawing their
    status slots under the lists' locks (`status.StatusSlots`)."""
    issued = {c.decision_id: c for c in s.scalars(select(IssuedCredential).where(
        IssuedCredential.candidate_id == candidate.id))}
    # units first ("unit" > "role" descending), then roles
    decisions = list(s.scalars(select(Decision).where(
        Decision.candidate_id == candidate.id).order_by(Decision.kind.desc(), Decision.id)))
    existing = [issued[d.id].document for d in decisions if d.id in issued]
    pending = [d for d in decisions if d.id not in issued]
    recipient = Recipient(
        candidate.id, candidate.ref,
        build.Holder(candidate.name, candidate.email, candidate.salt, candidate.did),
        units={d.code: issued[d.id].document for d in decisions
               if d.kind == "unit" and d.id in issued},
        digests={c.document["id"]: c.digest for c in issued.values()})
    assessments = {a.id: a for a in s.scalars(select(Assessment).where(
        Assessment.candidate_id == candidate.id))}
    slots = status.StatusSlots.of(s)
    with s.no_autoflush:
        minted = minter.mint_all(pending, recipient, assessments, slots.allocate)
    s.flush()
    if minted:  # inserted together (executemany)
        insert_rows(s, IssuedCredential, [m.row for m in minted])
        insert_rows(s, AuditEvent, [m.audit for m in minted])
    return CandidateResult(candidate.ref, issued=[m.document for m in minted],
                           existing=existing)
