"""The issuer as a certification body runs it: candidates, assessments, decisions, credentials.

This is the front the web console, the API, the command line and the cohort workers call;
the work is done by the modules of each responsibility (`issuer.candidates`,
`issuer.assessments`, `issuer.issuing`, `issuer.lifecycle`, `issuer.qr_summary`,
`issuer.signing`, `issuer.frameworks`, `issuer.wallet_issuing`). Every state change that matters is one transaction
with an audit row: a method opens it, or joins the caller's (`session`).
"""
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from issuer import assessments, issuing, lifecycle, qr_summary
from issuer.assessments import RecordedAttempt
from issuer.candidates import (
    all_candidates,
    candidate_by_email,
    find_candidate,
    register_candidate,
)
from issuer.edc.service import EdcExport
from issuer.errors import IssuerError, NotFound
from issuer.frameworks import FrameworkInUse
from issuer.issuing import CandidateResult
from issuer.minting import Minter
from issuer.models import Candidate, IssuedCredential
from issuer.progress import RoleProgress, role_progress
from issuer.signing import IssuerConfig, IssuerSigner
from issuer.status_check import StatusMismatch
from issuer.voiding import VoidedAssessment, void_assessment
from issuer.wallet_issuing import WalletIssuing
from schemas.framework import Framework
from vc.key_store import KeyStore, StoredKey

__all__ = ["CandidateResult", "IssuerConfig", "IssuerError", "IssuerService", "NotFound"]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class IssuerService:
    def __init__(self, engine: Engine, keys: KeyStore, config: IssuerConfig,
                 clock: Callable[[], datetime] = _now,
                 write_gate: Callable[[], AbstractContextManager] = nullcontext) -> None:
        self.engine = engine
        # entered around the cohort path's write transactions (see web.wiring.db.write_gate)
        self.write_gate = write_gate
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.keys = keys
        self.config = config
        self.clock = clock
        self.signer = IssuerSigner(keys, config, self.sessions)
        self.frameworks = FrameworkInUse(self.sessions)
        self.lifecycle = lifecycle.CredentialLifecycle(self.sessions)
        self.published_lists = lifecycle.PublishedLists(engine, self.sessions, self.signer)
        # offers to wallets, copies bound to their keys; the clock is read through the service at
        # each call, since a caller may set `service.clock` after construction
        self.wallets = WalletIssuing(engine, self.sessions, lambda: self.clock(), self.signer,
                                     write_gate, self.framework, config)
        self.edcs = EdcExport(self.sessions, config)  # Europass: EDCs (`issuer.edc`)

    # -- framework and keys -----------------------------------------------------------------
    def framework(self) -> Framework:
        """The framework in use (the reference framework until another is loaded)."""
        return self.frameworks.current()

    def load_framework(self, framework: Framework, actor: str) -> None:
        self.frameworks.load(framework, actor)

    def rotate_key(self, actor: str) -> StoredKey:
        """A new active signing key; older keys stay listed so old credentials verify."""
        return self.signer.rotate(actor)

    # -- candidates and assessments ---------------------------------------------------------
    def add_candidate(self, name: str, email: str, did: str | None, actor: str,
                      session: Session | None = None) -> str:
        """Registers a candidate (idempotent by email); returns the candidate reference."""
        with self._transaction(session) as s:
            return register_candidate(s, name, email, did, actor)

    def record_assessment(self, candidate_ref: str, unit_code: str, score: float,
                          max_score: float, assessed_on: date, exam_body: str, assessor: str,
                          actor: str, session: Session | None = None) -> bool:
        """Records one unit assessment; returns whether the unit is passed by it."""
        return self.record_attempt(candidate_ref, unit_code, score, max_score, assessed_on,
                                   exam_body, assessor, actor, session).passed

    def record_attempt(self, candidate_ref: str, unit_code: str, score: float,
                       max_score: float, assessed_on: date, exam_body: str, assessor: str,
                       actor: str, session: Session | None = None) -> RecordedAttempt:
        """Records one unit assessment as the candidate's next attempt at the unit (the same
        result again is the attempt already recorded); returns what it is."""
        row = {"line": 1, "unit": unit_code, "score": score, "max_score": max_score,
               "assessed_on": assessed_on, "exam_body": exam_body, "assessor": assessor}
        if session is not None:
            return assessments.record_assessment(session, candidate_ref, row,
                                                 self.framework(), self.clock(), actor)
        try:
            with self.sessions.begin() as s:
                return assessments.record_assessment(s, candidate_ref, row, self.framework(),
                                                     self.clock(), actor)
        except IntegrityError:
            # another result of this unit took the same attempt number at the same moment:
            # the second try numbers this one after it (or finds it was this very result)
            with self.sessions.begin() as s:
                return assessments.record_assessment(s, candidate_ref, row, self.framework(),
                                                     self.clock(), actor)

    def void_assessment(self, assessment_ref: str, reason: str, actor: str) -> VoidedAssessment:
        """Voids an assessment recorded in error (see `issuer.voiding`): it no longer counts;
        credentials already issued from it are named, never changed."""
        with self.sessions.begin() as s:
            return void_assessment(s, assessment_ref, reason, self.framework(), self.clock(),
                                   actor)

    def record_assessments(self, candidate_ref: str, rows: list[dict], actor: str,
                           session: Session) -> assessments.NewAssessments:
        """Records several assessments of one candidate in the caller's transaction (see
        `issuer.assessments`); the rows refused are in `errors`, by line."""
        return assessments.record_assessments(session, candidate_ref, rows, self.framework(),
                                              self.clock(), actor)

    # -- decisions and issuing --------------------------------------------------------------
    def certify_and_issue(self, candidate_ref: str, actor: str,
                          session: Session | None = None) -> CandidateResult:
        """Applies the rules, records new decisions and issues their credentials."""
        with self._transaction(session) as s:
            candidate = find_candidate(s, candidate_ref)
            issuing.record_decisions(s, candidate, self.framework(), self.clock(), actor)
            return issuing.issue_pending(s, candidate, self.minter(actor))

    def certify(self, candidate_ref: str, actor: str) -> list[tuple[str, str]]:
        """Applies the decision rules; returns the (kind, code) decisions now on record."""
        with self.sessions.begin() as s:
            candidate = find_candidate(s, candidate_ref)
            issuing.record_decisions(s, candidate, self.framework(), self.clock(), actor)
            return issuing.decisions_on_record(s, candidate)

    def role_progress(self, candidate_ref: str) -> list[RoleProgress]:
        """For each role: certified, or which units it still needs and which results in
        them failed."""
        with self.sessions() as s:
            return role_progress(s, find_candidate(s, candidate_ref), self.framework(),
                                 self.clock().date())

    def issue(self, candidate_ref: str, actor: str) -> CandidateResult:
        """Issues the credentials of the decisions on record (idempotent)."""
        with self.sessions.begin() as s:
            return issuing.issue_pending(s, find_candidate(s, candidate_ref),
                                         self.minter(actor))

    def minter(self, actor: str) -> Minter:
        """The builder and signer of the credentials of one issuing run."""
        return Minter(self.config, self.framework(), self.signer, self.clock(), actor)

    def signed_summary(self, credential: dict[str, Any], actor: str) -> dict[str, Any]:
        """The compact summary of one of this issuer's credentials for a QR code, signed
        (see `issuer.qr_summary`), with an audit row."""
        with self.sessions.begin() as s:
            return qr_summary.sign_summary(s, self.signer, credential, actor)

    def edc(self, credential_id: str) -> dict[str, Any]:
        """The European Digital Credential of an issued credential that counts now (see
        `issuer.edc.service`; EdcRefused otherwise)."""
        return self.edcs.edc(credential_id, self.framework(), self.clock())

    def steady_summary(self, credential: dict[str, Any], actor: str) -> dict[str, Any]:
        """The same signed summary at every call for the active key (the holder's page shows
        it at each visit), recorded once (`issuer.qr_summary.sign_summary`, steady)."""
        with self.sessions.begin() as s:
            return qr_summary.sign_summary(s, self.signer, credential, actor, steady=True)

    # -- status ------------------------------------------------------------------------------
    def revoke(self, credential_id: str, reason: str, actor: str) -> None:
        self.lifecycle.revoke(credential_id, reason, actor)

    def suspend(self, credential_id: str, reason: str, actor: str) -> None:
        self.lifecycle.suspend(credential_id, reason, actor)

    def reinstate(self, credential_id: str, reason: str, actor: str) -> None:
        self.lifecycle.reinstate(credential_id, reason, actor)

    def status_check(self, *, repair: bool = False, actor: str = "cli") -> list[StatusMismatch]:
        """Credentials whose published status bit differs from what is recorded; with
        `repair`, each is corrected with an audit row."""
        return self.lifecycle.check_lists(repair=repair, actor=actor)

    @property
    def status_changes(self) -> int:
        """Status flips made by this process (see web.plumbing.own_origin)."""
        return self.lifecycle.changes

    def status_list_versions(self) -> dict[tuple[str, int], str]:
        return self.published_lists.versions()

    def status_list_credential(self, purpose: str, number: int) -> dict | None:
        """The signed BitstringStatusListCredential, re-signed only when the list changed."""
        return self.published_lists.credential(purpose, number)

    # -- queries -----------------------------------------------------------------------------
    def credential(self, credential_id: str) -> IssuedCredential:
        with self.sessions() as s:
            return lifecycle.find_credential(s, credential_id)

    def credentials(self, candidate_ref: str | None = None, limit: int = 200,
                    offset: int = 0) -> list[IssuedCredential]:
        with self.sessions() as s:
            q = select(IssuedCredential).order_by(IssuedCredential.issued_at.desc(),
                                                  IssuedCredential.id)
            if candidate_ref is not None:
                q = q.where(IssuedCredential.candidate_id == find_candidate(
                    s, candidate_ref).id)
            return list(s.scalars(q.limit(limit).offset(offset)))

    def candidates(self, search: str | None = None) -> list[Candidate]:
        with self.sessions() as s:
            return all_candidates(s, search)

    def candidate_by_email(self, email: str) -> Candidate | None:
        with self.sessions() as s:
            return candidate_by_email(s, email)

    def _transaction(self, session: Session | None) -> AbstractContextManager[Session]:
        """The caller's transaction, or a new one committed at the end."""
        if session is not None:
            return nullcontext(session)
        return self.sessions.begin()
