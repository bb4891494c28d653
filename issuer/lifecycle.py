"""A credential's status over its life: revoked for good, suspended and reinstated, and the
signed Bitstring Status List credentials that publish it (Bitstring Status List v1.0).

Each change is one transaction: the stored flag, the list's bit and the audit row.
"""
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from issuer import status, status_check
from issuer.audit import record_audit_event
from issuer.codes import IssuerCode
from issuer.errors import IssuerError, NotFound
from issuer.models import IssuedCredential, StatusList
from issuer.records import as_utc
from issuer.signing import IssuerSigner

_LIST_VERSIONS = select(StatusList.purpose, StatusList.number, StatusList.updated_at)


def find_credential(s: Session, credential_id: str) -> IssuedCredential:
    c = s.get(IssuedCredential, credential_id)
    if c is None:
        raise NotFound(IssuerCode.NO_CREDENTIAL, id=credential_id)
    return c


def credential_state(record: IssuedCredential, now: datetime) -> str:
    """One word for lists: revoked wins over suspended, suspended over expired."""
    if record.revoked:
        return "revoked"
    if record.suspended:
        return "suspended"
    until = as_utc(record.valid_until)
    if until is not None and until <= now:
        return "expired"
    return "active"


class CredentialLifecycle:
    """Revokes, suspends and reinstates; counts the changes this process made (so that its
    own verifier sees them at once, see `web.plumbing.own_origin`)."""

    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions
        self.changes = 0

    def revoke(self, credential_id: str, reason: str, actor: str) -> None:
        def check(c: IssuedCredential) -> None:
            if c.revoked:
                raise IssuerError(IssuerCode.ALREADY_REVOKED, id=credential_id)
        self._flip(credential_id, "revocation", True, check, "credential.revoked", reason, actor)

    def suspend(self, credential_id: str, reason: str, actor: str) -> None:
        def check(c: IssuedCredential) -> None:
            if c.revoked:
                raise IssuerError(IssuerCode.REVOKED_CANNOT_BE_SUSPENDED, id=credential_id)
            if c.suspended:
                raise IssuerError(IssuerCode.ALREADY_SUSPENDED, id=credential_id)
        self._flip(credential_id, "suspension", True, check, "credential.suspended", reason,
                   actor)

    def reinstate(self, credential_id: str, reason: str, actor: str) -> None:
        def check(c: IssuedCredential) -> None:
            if c.revoked:
                raise IssuerError(IssuerCode.REVOKED_NEVER_REINSTATED, id=credential_id)
            if not c.suspended:
                raise IssuerError(IssuerCode.NOT_SUSPENDED, id=credential_id)
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
            c = find_credential(s, credential_id)
            check(c)
            if purpose == "revocation":
                c.revoked = value
                status.set_bit(s, purpose, c.revocation_list, c.revocation_index, value)
            else:
                c.suspended = value
                status.set_bit(s, purpose, c.suspension_list, c.suspension_index, value)
            record_audit_event(s, actor, action, credential_id, {"reason": reason})
        self.changes += 1

    def check_lists(self, *, repair: bool, actor: str) -> list[status_check.StatusMismatch]:
        """Credentials whose published status bit differs from what is recorded (see
        `issuer.status_check`); with `repair`, each is corrected with an audit row."""
        with self.sessions.begin() as s:
            if repair:
                self.changes += 1
                return status_check.repair(s, actor)
            return status_check.find_mismatches(s)


class PublishedLists:
    """The signed BitstringStatusListCredentials, re-signed only when a list changed."""

    def __init__(self, engine: Engine, sessions: sessionmaker, signer: IssuerSigner) -> None:
        self.engine = engine
        self.sessions = sessions
        self.signer = signer
        self._cache: dict[tuple, dict] = {}

    def versions(self) -> dict[tuple[str, int], str]:
        """(purpose, number) -> a version that changes whenever the list's bits do (every
        flip sets `updated_at`): one cheap query that lets this server's own verifier
        reuse its lists until they change."""
        # Core, not an ORM session: this runs for every verification of our credentials
        with self.engine.connect() as connection:
            return {(purpose, number): str(changed) for purpose, number, changed
                    in connection.execute(_LIST_VERSIONS)}

    def credential(self, purpose: str, number: int) -> dict | None:
        if purpose not in status.PURPOSES:
            return None
        config = self.signer.config
        with self.sessions() as s:
            doc = status.unsigned_list_credential(s, config.public_url, config.did, purpose,
                                                  number)
        if doc is None:
            return None
        key = (purpose, number, doc["credentialSubject"]["encodedList"], doc.get("validFrom"))
        cached = self._cache.get(key)
        if cached is None:
            # created = the list's own time: every worker signs the same bytes (same ETag)
            cached = self.signer.sign(doc, created=doc.get("validFrom"))
            self._cache = {k: v for k, v in self._cache.items() if k[:2] != (purpose, number)}
            self._cache[key] = cached
        return cached
