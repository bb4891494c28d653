"""Session-level reads and writes of the registry's tables, inside the caller's transaction."""
import secrets
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.body_names import RegisteredBody
from registry.codes import RegistryCode
from registry.credentials import issuer_of
from registry.errors import RecordConflict
from registry.models import (
    AuthorityRecord,
    BodyRecord,
    CredentialRecord,
    CurrentRecognitionRecord,
    IssuerKeyRecord,
    RegistryAuditEvent,
    StatusListRecord,
)
from registry.snapshot import TrustData
from vc.statuslist import MIN_BITS, Bitstring


def load_trust_data(session: Session) -> TrustData:
    """Everything signed the registry holds, unverified (the snapshot verifies it)."""
    operator = session.scalar(select(AuthorityRecord.did).where(
        AuthorityRecord.kind == "operator"))
    by_kind: dict[str, list[dict]] = {"anchor": [], "accreditation": [], "recognition": []}
    for row in session.scalars(select(CredentialRecord).order_by(
            CredentialRecord.created_at, CredentialRecord.id)):
        by_kind[row.kind].append(row.credential)
    lists = {r.url: r.credential for r in session.scalars(select(StatusListRecord))}
    keys: dict[str, dict[str, str]] = {}
    for key in session.scalars(select(IssuerKeyRecord)):
        keys.setdefault(key.issuer_did, {})[key.verification_method] = key.public_key_multibase
    return TrustData(operator_did=operator or "", status_lists=lists, issuer_keys=keys,
                     anchor_credentials=tuple(by_kind["anchor"]),
                     accreditation_credentials=tuple(by_kind["accreditation"]),
                     recognition_credentials=tuple(by_kind["recognition"]),
                     registered_bodies=registered_bodies(session))


def registered_bodies(session: Session) -> dict[str, RegisteredBody]:
    """The operator's registration of each body (its accountable name and country)."""
    return {r.did: RegisteredBody(dict(r.name), r.country)
            for r in session.scalars(select(BodyRecord))}


# -- a country's current recognition decision (`replaces`) ---------------------

def current_recognition(session: Session, country: str, framework: str,
                        achievement: str) -> str | None:
    """The id of the country's current decision on the achievement, if one was recorded."""
    return session.scalar(select(CurrentRecognitionRecord.credential_id).where(
        CurrentRecognitionRecord.country == country,
        CurrentRecognitionRecord.framework == framework,
        CurrentRecognitionRecord.achievement == achievement))


def make_current_recognition(session: Session, country: str, framework: str,
                             achievement: str, credential_id: str,
                             expected: str | None) -> None:
    """Makes `credential_id` the current decision, provided the current one is still
    `expected` (None: there is none). One conditional statement: on PostgreSQL a concurrent
    change waits for this transaction and then finds the row changed, so only one of two
    decisions posted at once becomes current; the other is a RecordConflict."""
    conflict = RecordConflict(RegistryCode.DECISION_RECORDED_MEANWHILE, country=country,
                              achievement=achievement)
    if expected is None:
        session.add(CurrentRecognitionRecord(country=country, framework=framework,
                                             achievement=achievement,
                                             credential_id=credential_id))
        try:
            session.flush()
        except IntegrityError:
            raise conflict from None
        return
    moved = session.execute(update(CurrentRecognitionRecord).where(
        CurrentRecognitionRecord.country == country,
        CurrentRecognitionRecord.framework == framework,
        CurrentRecognitionRecord.achievement == achievement,
        CurrentRecognitionRecord.credential_id == expected,
    ).values(credential_id=credential_id).execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise conflict


def release_current_recognition(session: Session, credential_id: str) -> None:
    """A withdrawn decision is no longer its country's current one."""
    session.execute(delete(CurrentRecognitionRecord).where(
        CurrentRecognitionRecord.credential_id == credential_id
    ).execution_options(synchronize_session=False))


def new_status_index(session: Session, issuer_did: str) -> int:
    """A random free position (Bitstring Status List v1.0 §6.2: herd privacy)."""
    used = set(session.scalars(select(CredentialRecord.status_index).where(
        CredentialRecord.issuer_did == issuer_did)))
    if len(used) >= MIN_BITS // 2:
        raise RecordConflict(RegistryCode.STATUS_LIST_HALF_FULL, did=issuer_did)
    while True:
        index = secrets.randbelow(MIN_BITS)
        if index not in used:
            return index


def revocation_bits(session: Session, issuer_did: str) -> Bitstring:
    """The issuer's revocation bitstring: one set bit per revoked credential (§2.2)."""
    bits = Bitstring()
    for index in session.scalars(select(CredentialRecord.status_index).where(
            CredentialRecord.issuer_did == issuer_did,
            CredentialRecord.revoked_at.is_not(None),
            CredentialRecord.status_index.is_not(None))):
        if index is not None:  # excluded by the query; the column itself is nullable
            bits.set(index, True)
    return bits


def add_credential(session: Session, kind: str, credential: dict, index: int, *,
                   valid_from: datetime, valid_until: datetime | None,
                   subject: str | None = None, country: str | None = None,
                   framework: str | None = None, achievement: str | None = None,
                   eqf_level: int | None = None) -> None:
    session.add(CredentialRecord(
        id=credential["id"], kind=kind, issuer_did=issuer_of(credential),
        subject_did=subject, country=country, framework=framework, achievement=achievement,
        eqf_level=eqf_level, valid_from=valid_from, valid_until=valid_until,
        status_index=index, credential=credential))
    try:
        session.flush()
    except IntegrityError:
        raise RecordConflict(RegistryCode.CONCURRENT_CHANGE) from None


def audit(session: Session, at: datetime, actor: str, action: str, subject: str | None,
          detail: dict | None = None) -> None:
    session.add(RegistryAuditEvent(at=at, actor=actor, action=action, subject=subject,
                                   detail=detail))
