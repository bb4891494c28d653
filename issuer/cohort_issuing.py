"""Issuing a chunk of a cohort so that signing runs on every core and nothing is lost.

A chunk (a hundred candidates or so, each with its rows) goes through three steps:

1. one short write transaction records the candidates, their assessments and the decisions
   the rules support, with a few set-based statements for the whole chunk;
2. outside any write lock, the credentials of the chunk's pending decisions are built and
   signed, each with status slots drawn at random from the current lists (the part that
   costs CPU, and so the part that two workers do side by side);
3. one short write transaction takes the lists' locks, checks that no other writer issued
   those decisions or took those slots in the meantime, and stores the credentials.

A candidate caught in a conflict at step 3 (another worker issuing for the same person,
or drawing the same slot) goes through the per-candidate path instead
(`IssuerService.certify_and_issue`, which draws its slots under the lists' locks); the
unique constraints on decisions and slots stay the last word. Each step is idempotent, so
a chunk may run again after a crash, or twice at once, and issues nothing twice.

A row refused for what it says (an unknown unit, an impossible score, a date in the
future, a candidate that is not valid) is refused before anything is written: a candidate
whose every row is refused is never created.
"""
import logging
import secrets
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from issuer import credentials as build
from issuer import status
from issuer.assessments import assessment_problem, known_attempts, new_assessments
from issuer.audit import AuditEvent
from issuer.candidates import candidate_problem
from issuer.codes import CohortCode
from issuer.cohort_rows import CohortRow
from issuer.decisions import new_decisions
from issuer.errors import on_line
from issuer.minting import Minted, Recipient
from issuer.models import Assessment, Candidate, Decision, IssuedCredential, StatusList
from issuer.records import insert_rows
from issuer.service import IssuerError, IssuerService
from schemas.framework import Framework
from vc.findings import Finding

log = logging.getLogger(__name__)
C, A, D, I = (Candidate.__table__, Assessment.__table__, Decision.__table__,
              IssuedCredential.__table__)


@dataclass
class ChunkResult:
    """What one chunk did; `errors` are the rows refused, each a finding with its `line`."""

    issued: int = 0
    already_issued: int = 0
    errors: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class _Person:
    id: int
    ref: str
    holder: build.Holder
    line: int  # the candidate's first line in the file, for errors


Finish = Callable[[Session, ChunkResult], None]


def issue_chunk(service: IssuerService, groups: list[list], actor: str,
                finish: Finish | None = None) -> ChunkResult:
    """Issues the candidates of `groups` (each a list of `issuer.cohort_rows.CohortRow`s of one
    candidate). `finish(session, result)` runs inside the transaction that stores the
    credentials (a job marks its chunk done there, so the mark and the work commit
    together)."""
    result = ChunkResult()
    now = service.clock()
    accepted = _acceptable(service.framework(), groups, now, result)
    try:
        with service.write_gate(), service.sessions.begin() as s:
            people = _record(service, s, accepted, actor, now, result)
    except (IntegrityError, OperationalError):
        # another writer added one of these candidates or results at the same moment
        return _one_by_one(service, groups, actor, finish)
    signed, existing = _sign(service, people, actor, result)
    try:
        with service.write_gate(), service.sessions.begin() as s:
            _store(service, s, people, signed, existing, actor, result)
            if finish is not None:
                finish(s, result)
    except (IntegrityError, OperationalError):
        return _one_by_one(service, groups, actor, finish)
    return result


# -- step 0: what can be refused without reading the database --------------------------------
def _acceptable(fw: Framework, groups: list[list], now: datetime,
                result: ChunkResult) -> list[list]:
    """The groups with only their acceptable rows; refused rows become errors, and a group
    left with no row is dropped (its candidate is never created)."""
    today = now.date()
    accepted = []
    for group in groups:
        first = group[0]
        problem = candidate_problem(first.name, first.email, first.did)
        if problem is not None:
            result.errors.extend(on_line(problem, row.line) for row in group)
            continue
        rows = []
        for row in group:
            problem = assessment_problem(fw, _as_dict(row), today)
            if problem is None:
                rows.append(row)
            else:
                result.errors.append(on_line(problem, row.line))
        if rows:
            accepted.append(rows)
    return accepted


def _as_dict(row: "CohortRow") -> dict:
    return {"line": row.line, "unit": row.unit, "score": row.score,
            "max_score": row.max_score, "assessed_on": row.assessed_on,
            "exam_body": row.exam_body, "assessor": row.assessor}


# -- step 1: candidates, assessments, decisions -------------------------------------------------
def _record(service: IssuerService, s: Session, groups: list[list], actor: str,
            now: datetime, result: ChunkResult) -> dict[int, _Person]:
    """Records the chunk; returns the candidates to certify, by id."""
    if not groups:
        return {}
    fw = service.framework()
    by_email = {group[0].email.strip().lower(): group for group in groups}
    found = {r.email: r for r in s.execute(select(C.c.id, C.c.email, C.c.did).where(
        C.c.email.in_(list(by_email))))}
    new, audit = [], []
    for email, group in by_email.items():
        first = group[0]
        if email not in found:
            ref = str(uuid.uuid4())
            new.append({"ref": ref, "name": first.name.strip(), "email": email,
                        "did": first.did, "salt": secrets.token_urlsafe(16),
                        "created_at": now})
            audit.append({"at": now, "actor": actor, "action": "candidate.added",
                          "subject": ref, "detail": {"name": first.name.strip()}})
        elif first.did and not found[email].did:
            s.execute(update(Candidate).where(Candidate.id == found[email].id)
                      .values(did=first.did))
    if new:
        insert_rows(s, Candidate, new)
    people = {r.email: r for r in s.execute(
        select(C.c.id, C.c.ref, C.c.name, C.c.email, C.c.salt, C.c.did).where(
            C.c.email.in_(list(by_email))))}
    known = known_attempts(s, [p.id for p in people.values()], fw.id)
    certify: dict[int, _Person] = {}
    assessments, assessment_audit = [], []
    for email, group in by_email.items():
        p = people[email]
        fresh = new_assessments(p.id, p.ref, [_as_dict(r) for r in group], known[p.id], fw,
                                now, actor)
        assessments += fresh.rows
        assessment_audit += fresh.audit
        result.errors.extend(fresh.errors)
        if len(group) > len(fresh.errors):
            certify[p.id] = _Person(p.id, p.ref, build.Holder(p.name, p.email, p.salt, p.did),
                                    group[0].line)
    if assessments:
        insert_rows(s, Assessment, assessments)
    _decide(s, fw, certify, now, actor, audit)
    if audit or assessment_audit:
        insert_rows(s, AuditEvent, audit + assessment_audit)
    status.ensure_current_lists(s)
    return certify


def _decide(s: Session, fw: Framework, people: dict[int, _Person], now: datetime, actor: str,
            audit: list[dict]) -> None:
    if not people:
        return
    ids = list(people)
    decided: dict[int, dict] = defaultdict(dict)
    voided_units: dict[int, set[str]] = defaultdict(set)
    for d in s.execute(select(D.c.candidate_id, D.c.kind, D.c.code, D.c.decided_on,
                              A.c.voided_at)
                       .select_from(D.outerjoin(A, A.c.id == D.c.assessment_id))
                       .where(D.c.candidate_id.in_(ids), D.c.framework_id == fw.id)):
        decided[d.candidate_id][(d.kind, d.code)] = d.decided_on
        if d.voided_at is not None:
            voided_units[d.candidate_id].add(d.code)
    assessments = defaultdict(list)
    for a in s.execute(select(A.c.id, A.c.candidate_id, A.c.unit_code, A.c.score,
                              A.c.max_score, A.c.assessed_on).where(
            A.c.candidate_id.in_(ids), A.c.framework_id == fw.id, A.c.voided_at.is_(None))):
        assessments[a.candidate_id].append(a)
    rows = []
    for person in people.values():
        new, new_audit = new_decisions(person.id, person.ref, assessments[person.id],
                                       decided[person.id], fw, now, actor,
                                       voided_units[person.id])
        rows += new
        audit += new_audit
    if rows:
        insert_rows(s, Decision, rows)


# -- step 2: build and sign, outside any lock --------------------------------------------------
def _sign(service: IssuerService, people: dict[int, _Person], actor: str,
          result: ChunkResult) -> tuple[dict[int, list[Minted]], Counter]:
    """The signed credentials of the pending decisions, by candidate id, and the number of
    credentials each candidate already had. A candidate whose credentials cannot be built
    or signed is left out (its decisions stay pending) and reported by line; the people
    left out are removed from `people`."""
    if not people:
        return {}, Counter()
    failed: set[int] = set()
    ids = list(people)
    with service.sessions() as s:
        pending = s.execute(
            select(D.c.id, D.c.candidate_id, D.c.kind, D.c.code, D.c.decided_on,
                   D.c.decided_by, D.c.assessment_id)
            .select_from(D.outerjoin(I, I.c.decision_id == D.c.id))
            .where(D.c.candidate_id.in_(ids), I.c.id.is_(None))
            .order_by(D.c.candidate_id, D.c.kind.desc(), D.c.id)).all()
        existing: Counter[int] = Counter(dict(s.execute(
            select(I.c.candidate_id, func.count()).where(I.c.candidate_id.in_(ids))
            .group_by(I.c.candidate_id)).all()))
        with_roles = {d.candidate_id for d in pending if d.kind == "role"}
        unit_docs: dict[int, dict[str, dict]] = defaultdict(dict)
        digests: dict[int, dict[str, str]] = defaultdict(dict)
        if with_roles:
            for c in s.execute(select(I.c.candidate_id, I.c.code, I.c.document, I.c.digest)
                               .where(I.c.candidate_id.in_(list(with_roles)),
                                      I.c.kind == "unit")):
                unit_docs[c.candidate_id][c.code] = c.document
                digests[c.candidate_id][c.document["id"]] = c.digest
        wanted = [d.assessment_id for d in pending if d.assessment_id is not None]
        assessments = {a.id: a for a in s.execute(
            select(A.c.id, A.c.ref, A.c.score, A.c.max_score, A.c.assessed_on, A.c.exam_body,
                   A.c.assessor).where(A.c.id.in_(wanted)))} if wanted else {}
        draws = {purpose: status.SlotDraw.current(s, purpose) for purpose in status.PURPOSES}
    minter = service.minter(actor)
    signed: dict[int, list[Minted]] = {}
    for cid, decisions in groupby(pending, key=lambda d: d.candidate_id):
        person = people[cid]
        recipient = Recipient(person.id, person.ref, person.holder, unit_docs[cid],
                              digests[cid])
        try:
            signed[cid] = minter.mint_all(decisions, recipient, assessments,
                                          lambda purpose: draws[purpose].draw())
        except Exception as e:  # one candidate's failure is reported, by its line
            log.exception("cohort: could not issue for the candidate of line %s", person.line)
            failed.add(cid)
            result.errors.append(Finding(CohortCode.COULD_NOT_ISSUE,
                                         {"line": person.line, "error": str(e)[:500]}))
    for cid in failed:
        del people[cid]
    return signed, existing


# -- step 3: store what nobody else stored meanwhile ------------------------------------------
def _store(service: IssuerService, s: Session, people: dict[int, _Person],
           signed: dict[int, list[Minted]], existing: Counter, actor: str,
           result: ChunkResult) -> None:
    rows = [m.row for minted in signed.values() for m in minted]
    used = Counter((purpose, row[f"{purpose}_list"]) for row in rows
                   for purpose in status.PURPOSES)
    for purpose, number in sorted(used):  # the lists' locks, always in the same order
        s.execute(update(StatusList).where(StatusList.purpose == purpose,
                                           StatusList.number == number)
                  .values(allocated=StatusList.allocated))
    clashes = _clashes(s, rows)
    kept = [m for cid, minted in signed.items() if cid not in clashes for m in minted]
    if kept:
        insert_rows(s, IssuedCredential, [m.row for m in kept])
        insert_rows(s, AuditEvent, [m.audit for m in kept])
        counts = Counter((purpose, m.row[f"{purpose}_list"]) for m in kept
                         for purpose in status.PURPOSES)
        for (purpose, number), n in counts.items():
            s.execute(update(StatusList).where(StatusList.purpose == purpose,
                                               StatusList.number == number)
                      .values(allocated=StatusList.allocated + n))
    result.issued += len(kept)
    for cid, person in people.items():
        if cid in clashes:  # the per-candidate path, its slots drawn under the locks
            again = service.certify_and_issue(person.ref, actor, s)
            result.issued += len(again.issued)
            result.already_issued += len(again.existing)
        else:
            result.already_issued += existing[cid]


def _clashes(s: Session, rows: list[dict]) -> set[int]:
    """Candidates (ids) some of whose credentials another writer stored first: the same
    decision, or the same status slot."""
    if not rows:
        return set()
    clashes = set()
    decisions = {row["decision_id"]: row["candidate_id"] for row in rows}
    for decision_id in s.scalars(select(I.c.decision_id).where(
            I.c.decision_id.in_(list(decisions)))):
        clashes.add(decisions[decision_id])
    for purpose in status.PURPOSES:
        list_col, index_col = I.c[f"{purpose}_list"], I.c[f"{purpose}_index"]
        by_list: dict[int, dict[int, int]] = defaultdict(dict)
        for row in rows:
            by_list[row[f"{purpose}_list"]][row[f"{purpose}_index"]] = row["candidate_id"]
        for number, slots in by_list.items():
            for index in s.scalars(select(index_col).where(
                    list_col == number, index_col.in_(list(slots)))):
                clashes.add(slots[index])
    return clashes


# -- the fallback: one candidate at a time, each in its own savepoint -------------------------
def _one_by_one(service: IssuerService, groups: list[list], actor: str,
                finish: Finish | None) -> ChunkResult:
    result = ChunkResult()
    accepted = _acceptable(service.framework(), groups, service.clock(), result)
    with service.write_gate(), service.sessions.begin() as s:
        status.lock_lists(s)  # before any read: this transaction will write
        for group in accepted:
            _issue_candidate(service, s, group, actor, result)
        if finish is not None:
            finish(s, result)
    return result


def _issue_candidate(service: IssuerService, s: Session, group: list, actor: str,
                     result: ChunkResult) -> None:
    first = group[0]
    nested = s.begin_nested()
    try:
        ref = service.add_candidate(first.name, first.email, first.did, actor, s)
        errors = service.record_assessments(ref, [_as_dict(r) for r in group], actor,
                                            s).errors
        if len(group) > len(errors):
            done = service.certify_and_issue(ref, actor, s)
            result.issued += len(done.issued)
            result.already_issued += len(done.existing)
        nested.commit()
        result.errors.extend(errors)
    except IssuerError as e:
        nested.rollback()
        result.errors.append(on_line(e.finding, first.line))
