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
from issuer.minting import Minted, Minter, Recipient
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
    held = _Holdings.of(s, candidate)
    minted = held.mint(s, minter, held.pending)
    return CandidateResult(candidate.ref, issued=[m.document for m in minted],
                           existing=held.existing)


def issue_decision(s: Session, candidate: Candidate, minter: Minter, decision: Decision,
                   credential_id: str | None = None) -> Minted:
    """Issues the credential of one decision that has none, as `issue_pending` issues it:
    a role's credential names the unit credentials it was earned from, so those of its
    units that have none yet are issued with it (units first). Returns the decision's."""
    held = _Holdings.of(s, candidate)
    units = set(minter.framework.role(decision.code).units) if decision.kind == "role" \
        else set()
    wanted = [d for d in held.pending
              if d.id == decision.id or (d.kind == "unit" and d.code in units)]
    minted = held.mint(s, minter, wanted, {decision.id: credential_id} if credential_id
                       else None)
    return next(m for m in minted if m.row["decision_id"] == decision.id)


@dataclass(frozen=True)
class _Holdings:
    """A candidate's decisions, the credentials they have, and who mints for them."""

    decisions: list[Decision]  # units first ("unit" > "role" descending), then roles
    issued: dict[int, IssuedCredential]  # by decision id
    recipient: Recipient
    assessments: dict[int, Assessment]

    @classmethod
    def of(cls, s: Session, candidate: Candidate) -> "_Holdings":
        issued = {c.decision_id: c for c in s.scalars(select(IssuedCredential).where(
            IssuedCredential.candidate_id == candidate.id))}
        decisions = list(s.scalars(select(Decision).where(
            Decision.candidate_id == candidate.id).order_by(Decision.kind.desc(),
                                                            Decision.id)))
        recipient = Recipient(
            candidate.id, candidate.ref,
            build.Holder(candidate.name, candidate.email, candidate.salt, candidate.did),
            units={d.code: issued[d.id].document for d in decisions
                   if d.kind == "unit" and d.id in issued},
            digests={c.document["id"]: c.digest for c in issued.values()})
        assessments = {a.id: a for a in s.scalars(select(Assessment).where(
            Assessment.candidate_id == candidate.id))}
        return cls(decisions, issued, recipient, assessments)

    @property
    def existing(self) -> list[dict]:
        return [self.issued[d.id].document for d in self.decisions if d.id in self.issued]

    @property
    def pending(self) -> list[Decision]:
        return [d for d in self.decisions if d.id not in self.issued]

    def mint(self, s: Session, minter: Minter, decisions: list[Decision],
             ids: dict[int, str] | None = None) -> list[Minted]:
        """Mints `decisions` and stores them with their audit rows (executemany)."""
        slots = status.StatusSlots.of(s)
        with s.no_autoflush:
            minted = minter.mint_all(decisions, self.recipient, self.assessments,
                                     slots.allocate, ids)
        s.flush()
        if minted:
            insert_rows(s, IssuedCredential, [m.row for m in minted])
            insert_rows(s, AuditEvent, [m.audit for m in minted])
        return minted
