"""The issuer as a certification body runs it: candidates, assessments, decisions, credentials.

Every state change that matters is one transaction with an audit row. Issuing is idempotent:
a decision has at most one credential, so issuing the same certification twice returns the
credential already issued.
"""
import secrets
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from issuer import credentials as build
from issuer import status, status_check
from issuer.audit import AuditEvent, record_audit_event
from issuer.decisions import decide
from issuer.minting import Minter
from issuer.models import (
    Assessment,
    Candidate,
    Decision,
    FrameworkRecord,
    IssuedCredential,
    StatusList,
)
from issuer.records import insert_rows as _insert_rows
from issuer.rules import RuleError, unit_passed
from schemas.jsonld_contexts import CONTEXTS_DIR
from vc import api as vc_api
from vc.contexts import shared_store
from vc.did_resolver import did_method
from vc.errors import VCError
from vc.key_store import KeyStore
from vc.multikey import Ed25519Multikey


class IssuerError(Exception):
    """A request the issuer refuses; the message says why."""


class NotFound(IssuerError):
    pass


@dataclass(frozen=True)
class IssuerConfig:
    did: str
    name: str
    public_url: str
    suite: str = "eddsa-rdfc-2022"
    role_validity_years: int = 3


@dataclass
class CandidateResult:
    """What certifying and issuing did for one candidate."""

    candidate_ref: str
    issued: list[dict] = field(default_factory=list)  # newly issued credentials
    existing: list[dict] = field(default_factory=list)  # already issued before


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


_LIST_VERSIONS = select(StatusList.purpose, StatusList.number, StatusList.updated_at)


def assessment_problem(fw, row: dict, today: date) -> str | None:
    """Why an assessment row (unit, score, max_score, assessed_on) cannot be recorded, from
    the framework and the rules alone; None when it can."""
    try:
        unit = fw.unit(row["unit"])
    except (KeyError, LookupError):
        return f"unit {row['unit']!r} is not in framework {fw.id}"
    try:
        unit_passed(row["score"], row["max_score"], unit.pass_threshold)
    except RuleError as e:
        return f"unit {row['unit']}: {e}"
    if row["assessed_on"] > today:
        return f"assessment date {row['assessed_on']} is in the future"
    return None


def assessment_rows(candidate_id: int, candidate_ref: str, rows: list[dict],
                    known: dict[tuple[str, date], dict], fw, now: datetime,
                    actor: str) -> tuple[list[dict], list[dict], list[tuple[int, str]]]:
    """The assessment rows to insert, their audit rows, and (line, message) for the rows
    refused. `known` maps (unit, date) to the score already recorded (updated in place); a
    row equal to a known one is neither new nor refused."""
    errors = []
    new_rows: list[dict] = []
    audit: list[dict] = []
    today = now.date()
    for row in rows:
        problem = assessment_problem(fw, row, today)
        if problem is not None:
            errors.append((row["line"], problem))
            continue
        same = known.get((row["unit"], row["assessed_on"]))
        if same is not None:
            if (same["score"], same["max_score"]) != (row["score"], row["max_score"]):
                errors.append((row["line"], (f"unit {row['unit']} on {row['assessed_on']} is "
                               f"already recorded with score {same['score']:g}/"
                               f"{same['max_score']:g}")))
            continue
        passed = unit_passed(row["score"], row["max_score"], fw.unit(row["unit"]).pass_threshold)
        known[(row["unit"], row["assessed_on"])] = row
        new_rows.append({
            "ref": str(uuid.uuid4()), "candidate_id": candidate_id, "framework_id": fw.id,
            "unit_code": row["unit"], "score": row["score"], "max_score": row["max_score"],
            "assessed_on": row["assessed_on"], "exam_body": row["exam_body"],
            "assessor": row["assessor"], "recorded_by": actor, "recorded_at": now})
        audit.append({"at": now, "actor": actor, "action": "assessment.recorded",
                      "subject": candidate_ref,
                      "detail": {"unit": row["unit"], "score": row["score"],
                                 "max": row["max_score"], "passed": passed}})
    return new_rows, audit, errors


def candidate_problem(name: str, email: str, did: str | None) -> str | None:
    """Why a candidate cannot be registered; None when it can."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        return f"{email!r} is not an email address"
    if not name.strip():
        return "a candidate needs a name"
    if did is not None:
        try:  # DID Core 1.0 §3.1 syntax: it becomes credentialSubject.id, an IRI
            did_method(did)
        except VCError:
            return f"{did[:120]!r} is not a DID (did:<method>:<id>, no spaces)"
    return None


class IssuerService:
    def __init__(self, engine: Engine, keys: KeyStore, config: IssuerConfig,
                 clock: Callable[[], datetime] = _now,
                 write_gate: Callable[[], AbstractContextManager] = nullcontext) -> None:
        self.engine = engine
        # entered around the cohort path's write transactions (see web.db.write_gate)
        self.write_gate = write_gate
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.status_changes = 0  # status flips made by this process (see web.own_origin)
        self.keys = keys
        self.config = config
        self.clock = clock
        self._signer: tuple[str, Ed25519Multikey] | None = None
        self._signer_checked = 0.0
        self._framework = None
        self._list_cache: dict[tuple, dict] = {}

    # -- framework ------------------------------------------------------------------------
    def framework(self):
        """The loaded framework (the reference framework until another is loaded)."""
        if self._framework is None:
            from schemas.framework import load_framework, load_reference_framework

            with self.sessions() as session:
                record = session.scalars(select(FrameworkRecord).order_by(
                    FrameworkRecord.loaded_at.desc()).limit(1)).first()
            self._framework = load_framework(record.data) if record else \
                load_reference_framework()
        return self._framework

    def load_framework(self, framework, actor: str) -> None:
        """Stores a framework (a `schemas.framework.Framework`) as the one in use."""
        with self.sessions.begin() as session:
            session.merge(FrameworkRecord(id=framework.id, version=framework.version,
                                          data=framework.to_dict(), loaded_at=_now()))
            record_audit_event(session, actor, "framework.loaded", framework.id,
                               {"version": framework.version})
        self._framework = framework

    # -- candidates and assessments ---------------------------------------------------------
    def add_candidate(self, name: str, email: str, did: str | None, actor: str,
                      session: Session | None = None) -> str:
        """Registers a candidate (idempotent by email); returns the candidate reference."""
        problem = candidate_problem(name, email, did)
        if problem is not None:
            raise IssuerError(problem)
        email = email.strip().lower()
        with self._session(session) as s:
            existing = s.scalars(select(Candidate).where(Candidate.email == email)).first()
            if existing is not None:
                if did and not existing.did:
                    existing.did = did
                return existing.ref
            ref = str(uuid.uuid4())
            s.add(Candidate(ref=ref, name=name.strip(), email=email, did=did,
                            salt=secrets.token_urlsafe(16)))
            record_audit_event(s, actor, "candidate.added", ref, {"name": name.strip()})
            return ref

    def record_assessment(self, candidate_ref: str, unit_code: str, score: float,
                          max_score: float, assessed_on: date, exam_body: str, assessor: str,
                          actor: str, session: Session | None = None) -> bool:
        """Records one unit assessment; returns whether the unit is passed by it."""
        unit = self._unit(unit_code)
        try:
            passed = unit_passed(score, max_score, unit.pass_threshold)
        except RuleError as e:
            raise IssuerError(f"unit {unit_code}: {e}") from None
        if assessed_on > self.clock().date():
            raise IssuerError(f"assessment date {assessed_on} is in the future")
        with self._session(session) as s:
            candidate = self._candidate(s, candidate_ref)
            fw = self.framework().id
            same = s.scalars(select(Assessment).where(
                Assessment.candidate_id == candidate.id, Assessment.framework_id == fw,
                Assessment.unit_code == unit_code, Assessment.assessed_on == assessed_on)).first()
            if same is not None:
                if (same.score, same.max_score) != (score, max_score):
                    raise IssuerError(f"unit {unit_code} on {assessed_on} is already recorded "
                                      f"with score {same.score:g}/{same.max_score:g}")
                return passed
            s.add(Assessment(ref=str(uuid.uuid4()), candidate_id=candidate.id,
                             framework_id=fw, unit_code=unit_code, score=score,
                             max_score=max_score, assessed_on=assessed_on,
                             exam_body=exam_body, assessor=assessor, recorded_by=actor))
            record_audit_event(s, actor, "assessment.recorded", candidate.ref,
                               {"unit": unit_code, "score": score, "max": max_score,
                                "passed": passed})
            return passed

    def record_assessments(self, candidate_ref: str, rows: list[dict], actor: str,
                           session: Session) -> list[tuple[int, str]]:
        """Records several assessments of one candidate in the caller's transaction.

        Each row: unit, score, max_score, assessed_on, exam_body, assessor, and `line` (for
        errors). Returns (line, message) for the rows refused; the others are recorded.
        """
        candidate = self._candidate(session, candidate_ref)
        fw = self.framework().id
        known = {(a.unit_code, a.assessed_on): {"score": a.score, "max_score": a.max_score}
                 for a in session.scalars(select(Assessment).where(
                     Assessment.candidate_id == candidate.id, Assessment.framework_id == fw))}
        new_rows, audit, errors = assessment_rows(
            candidate.id, candidate.ref, rows, known, self.framework(), self.clock(), actor)
        if new_rows:
            _insert_rows(session, Assessment, new_rows)
            _insert_rows(session, AuditEvent, audit)
        return errors

    # -- decisions and issuing --------------------------------------------------------------
    def certify_and_issue(self, candidate_ref: str, actor: str,
                          session: Session | None = None) -> CandidateResult:
        """Applies the rules, records new decisions and issues their credentials."""
        with self._session(session) as s:
            candidate = self._candidate(s, candidate_ref)
            self._decide(s, candidate, actor)
            return self._issue_pending(s, candidate, actor)

    def certify(self, candidate_ref: str, actor: str) -> list[tuple[str, str]]:
        """Applies the decision rules; returns the (kind, code) decisions now on record."""
        with self.sessions.begin() as s:
            candidate = self._candidate(s, candidate_ref)
            self._decide(s, candidate, actor)
            return [(d.kind, d.code) for d in s.scalars(select(Decision).where(
                Decision.candidate_id == candidate.id).order_by(Decision.id))]

    def issue(self, candidate_ref: str, actor: str) -> CandidateResult:
        """Issues the credentials of the decisions on record (idempotent)."""
        with self.sessions.begin() as s:
            return self._issue_pending(s, self._candidate(s, candidate_ref), actor)

    def _decide(self, s: Session, candidate: Candidate, actor: str) -> None:
        s.flush()  # pending assessments must be visible; no autoflush below
        with s.no_autoflush:
            decide(s, candidate, self.framework(), self.clock(), actor)
        s.flush()

    def minter(self, actor: str) -> Minter:
        """The builder and signer of the credentials of one issuing run."""
        key_id, key = self._signing_key()
        c = self.config
        return Minter(did=c.did, name=c.name, public_url=c.public_url, suite=c.suite,
                      role_validity_years=c.role_validity_years, framework=self.framework(),
                      key_id=key_id, key=key, now=self.clock(), actor=actor)

    def _issue_pending(self, s: Session, candidate: Candidate, actor: str) -> CandidateResult:
        result = CandidateResult(candidate.ref)
        issued = {c.decision_id: c for c in s.scalars(select(IssuedCredential).where(
            IssuedCredential.candidate_id == candidate.id))}
        decisions = list(s.scalars(select(Decision).where(
            Decision.candidate_id == candidate.id).order_by(Decision.kind.desc(),
                                                            Decision.id)))
        slots = status.StatusSlots.of(s)
        holder = build.Holder(candidate.name, candidate.email, candidate.salt, candidate.did)
        assessments = {a.id: a for a in s.scalars(select(Assessment).where(
            Assessment.candidate_id == candidate.id))}
        unit_docs: dict[str, dict] = {}
        rows: list[dict] = []
        audit: list[dict] = []
        digests = {c.document["id"]: c.digest for c in issued.values()}
        minter = self.minter(actor)
        with s.no_autoflush:
            for d in decisions:  # units first ("unit" > "role" descending), then roles
                if d.id in issued:
                    doc = issued[d.id].document
                    result.existing.append(doc)
                else:
                    minted = minter.mint(
                        d, candidate.id, candidate.ref, holder, slots.allocate("revocation"),
                        slots.allocate("suspension"), assessments.get(d.assessment_id),
                        unit_docs, digests)
                    doc = minted.document
                    digests[doc["id"]] = minted.row["digest"]
                    rows.append(minted.row)  # inserted together at the end (executemany)
                    audit.append(minted.audit)
                    result.issued.append(doc)
                if d.kind == "unit":
                    unit_docs[d.code] = doc
        s.flush()
        if rows:
            _insert_rows(s, IssuedCredential, rows)
            _insert_rows(s, AuditEvent, audit)
        return result

    def rotate_key(self, actor: str):
        """A new active signing key; older keys stay listed so old credentials verify."""
        new = self.keys.rotate()
        self._signer = None
        with self.sessions.begin() as s:
            record_audit_event(s, actor, "issuer.key.rotated",
                               f"{self.config.did}#{new.key_id}",
                               {"publicKeyMultibase": new.public_key_multibase})
        return new

    def _signing_key(self) -> tuple[str, Ed25519Multikey]:
        """The active key, decrypted once; the key index is re-read at most every 5 s so
        that a rotation by another process is picked up."""
        now = time.monotonic()
        if self._signer is None or now - self._signer_checked > 5:
            active = self.keys.active()
            if self._signer is None or self._signer[0] != active.key_id:
                self._signer = (active.key_id, self.keys.signing_key(active.key_id))
            self._signer_checked = now
        return self._signer

    # -- status ----------------------------------------------------------------------------
    def status_check(self, *, repair: bool = False, actor: str = "cli") -> list:
        """Credentials whose published status bit differs from what is recorded (see
        `issuer.status_check`); with `repair`, each is corrected with an audit row."""
        with self.sessions.begin() as s:
            if repair:
                self.status_changes += 1
                return status_check.repair(s, actor)
            return status_check.find_mismatches(s)

    def revoke(self, credential_id: str, reason: str, actor: str) -> None:
        def check(c: IssuedCredential) -> None:
            if c.revoked:
                raise IssuerError(f"{credential_id} is already revoked")
        self._flip(credential_id, "revocation", True, check, "credential.revoked", reason, actor)

    def suspend(self, credential_id: str, reason: str, actor: str) -> None:
        def check(c: IssuedCredential) -> None:
            if c.revoked:
                raise IssuerError(f"{credential_id} is revoked: it cannot be suspended")
            if c.suspended:
                raise IssuerError(f"{credential_id} is already suspended")
        self._flip(credential_id, "suspension", True, check, "credential.suspended", reason,
                   actor)

    def reinstate(self, credential_id: str, reason: str, actor: str) -> None:
        def check(c: IssuedCredential) -> None:
            if c.revoked:
                raise IssuerError(f"{credential_id} is revoked: a revoked credential can never "
                                  "be reinstated")
            if not c.suspended:
                raise IssuerError(f"{credential_id} is not suspended")
        self._flip(credential_id, "suspension", False, check, "credential.reinstated", reason,
                   actor)

    def _flip(self, credential_id: str, purpose: str, value: bool,
              check: Callable[[IssuedCredential], None], action: str, reason: str,
              actor: str) -> None:
        """One transaction: the stored flag, the status list bit and the audit row. The
        credential's row is written first (a no-op update), so that on SQLite the
        transaction holds the write lock before it reads, and on PostgreSQL the row lock:
        a concurrent change of the same credential waits, then sees this one."""
        with self.sessions.begin() as s:
            s.execute(update(IssuedCredential).where(IssuedCredential.id == credential_id)
                      .values(revoked=IssuedCredential.revoked))
            c = self._credential(s, credential_id)
            check(c)
            if purpose == "revocation":
                c.revoked = value
                status.set_bit(s, purpose, c.revocation_list, c.revocation_index, value)
            else:
                c.suspended = value
                status.set_bit(s, purpose, c.suspension_list, c.suspension_index, value)
            record_audit_event(s, actor, action, credential_id, {"reason": reason})
        self.status_changes += 1  # this process's own verifier sees the change at once

    def status_list_versions(self) -> dict[tuple[str, int], str]:
        """(purpose, number) -> a version that changes whenever the list's bits do (every
        flip sets `updated_at`): one cheap query that lets this server's own verifier
        reuse its lists until they change."""
        # Core, not an ORM session: this runs for every verification of our credentials
        with self.engine.connect() as connection:
            return {(purpose, number): str(changed) for purpose, number, changed
                    in connection.execute(_LIST_VERSIONS)}

    def status_list_credential(self, purpose: str, number: int) -> dict | None:
        """The signed BitstringStatusListCredential, re-signed only when the list changed."""
        if purpose not in status.PURPOSES:
            return None
        with self.sessions() as s:
            doc = status.unsigned_list_credential(s, self.config.public_url, self.config.did,
                                                  purpose, number)
        if doc is None:
            return None
        key = (purpose, number, doc["credentialSubject"]["encodedList"], doc.get("validFrom"))
        cached = self._list_cache.get(key)
        if cached is None:
            key_id, signer = self._signing_key()
            # created = the list's own time: every worker signs the same bytes (same ETag)
            cached = vc_api.sign(doc, signer, store=shared_store(CONTEXTS_DIR),
                                 suite=self.config.suite,
                                 verification_method=f"{self.config.did}#{key_id}",
                                 created=doc.get("validFrom"))
            self._list_cache = {k: v for k, v in self._list_cache.items()
                                if k[:2] != (purpose, number)}
            self._list_cache[key] = cached
        return cached

    # -- queries ---------------------------------------------------------------------------
    def credential(self, credential_id: str) -> IssuedCredential:
        with self.sessions() as s:
            return self._credential(s, credential_id)

    def credentials(self, candidate_ref: str | None = None, limit: int = 200,
                    offset: int = 0) -> list[IssuedCredential]:
        with self.sessions() as s:
            q = select(IssuedCredential).order_by(IssuedCredential.issued_at.desc(),
                                                  IssuedCredential.id)
            if candidate_ref is not None:
                q = q.where(IssuedCredential.candidate_id == self._candidate(
                    s, candidate_ref).id)
            return list(s.scalars(q.limit(limit).offset(offset)))

    def candidates(self) -> list[Candidate]:
        with self.sessions() as s:
            return list(s.scalars(select(Candidate).order_by(Candidate.name)))

    # -- helpers ---------------------------------------------------------------------------
    def _unit(self, code: str):
        try:
            return self.framework().unit(code)
        except (KeyError, LookupError):
            raise IssuerError(f"unit {code!r} is not in framework "
                              f"{self.framework().id}") from None

    @staticmethod
    def _candidate(s: Session, ref: str) -> Candidate:
        # two indexed lookups: SQLite does not use both unique indexes for an OR
        c = s.scalars(select(Candidate).where(Candidate.ref == ref)).first() or \
            s.scalars(select(Candidate).where(Candidate.email == ref.strip().lower())).first()
        if c is None:
            raise NotFound(f"no candidate {ref!r}")
        return c

    @staticmethod
    def _credential(s: Session, credential_id: str) -> IssuedCredential:
        c = s.get(IssuedCredential, credential_id)
        if c is None:
            raise NotFound(f"no credential {credential_id!r}")
        return c

    def _session(self, session: Session | None):
        """The caller's transaction, or a new one committed at the end."""
        if session is not None:
            return nullcontext(session)
        return self.sessions.begin()
