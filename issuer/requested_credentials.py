"""Signing a credential an officer's software built (W3C VC-API (VCALM) "Issue Credential"),
under the certification body's rules: only an Open Badges achievement of the loaded
framework, only for a registered candidate, with this issuer's own status entries.

The client's credential arrives checked for shape (`web.vcapi_issuer`). Here:
- its achievement must be a unit or role of the framework in use, given either by its id
  alone (`{"id": ...}`, filled in from the framework) or exactly as the framework's;
  otherwise a verifier would be shown a name or EQF level the framework never gave;
- its subject must be a registered candidate, named by their DID;
- the issuer adds the two Bitstring Status List entries (revocation, suspension) at random
  indexes, so that the credential can be revoked like any other;
- the certification decision is recorded, with the officer as the one who decided, and
  the credential is stored with an audit row, in one transaction. A decision has at most
  one credential: asking again for the same candidate and achievement is a conflict.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer import credentials as build
from issuer import status
from issuer.audit import record_audit_event
from issuer.errors import IssuerError
from issuer.models import Candidate, Decision, IssuedCredential
from issuer.signing import IssuerSigner
from schemas.framework import Framework
from vc.errors import VCError
from vc.instants import parse_instant

BADGE_TYPES = ("OpenBadgeCredential", "AchievementCredential")
ISSUER_ASSIGNED = ("credentialStatus", "proof")
# s4c's own credential types name the kind of achievement: they must not say otherwise
KIND_TYPES = {"S4CCompetencyCredential": "unit", "S4CRoleCredential": "role"}
BACKDATING_SKEW = timedelta(minutes=5)


class RequestRefused(IssuerError):
    """A credential the issuer will not sign; `pointer` (RFC 6901) names the field."""

    def __init__(self, pointer: str, detail: str) -> None:
        super().__init__(f"{pointer}: {detail}")
        self.pointer = pointer
        self.detail = detail


class AlreadyIssued(IssuerError):
    """The candidate holds a credential for this achievement already."""

    def __init__(self, credential_id: str) -> None:
        super().__init__(f"this candidate already holds a credential for this achievement: "
                         f"{credential_id}")
        self.credential_id = credential_id


@dataclass(frozen=True)
class FrameworkItem:
    kind: str  # "unit" | "role"
    code: str
    achievement: dict[str, Any]


def framework_items(framework: Framework) -> dict[str, FrameworkItem]:
    """The framework's achievements by id, as s4c's own credentials carry them."""
    items = {}
    for unit in framework.units:
        items[unit.id] = FrameworkItem("unit", unit.code,
                                       build.unit_achievement(unit, framework))
    for role in framework.roles:
        items[role.id] = FrameworkItem("role", role.code,
                                       build.role_achievement(role, framework))
    return items


def _difference(given: Any, expected: Any, pointer: str) -> str | None:
    """The JSON Pointer of the first place where `given` differs from `expected`."""
    if isinstance(expected, dict):
        if not isinstance(given, dict):
            return pointer
        for key in sorted(set(given) | set(expected)):
            if key not in given or key not in expected:
                return f"{pointer}/{key}"
            found = _difference(given[key], expected[key], f"{pointer}/{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(given, list) or len(given) != len(expected):
            return pointer
        for i, (g, e) in enumerate(zip(given, expected, strict=True)):
            found = _difference(g, e, f"{pointer}/{i}")
            if found:
                return found
        return None
    return None if given == expected and type(given) is type(expected) else pointer


def achievement_item(credential: dict[str, Any], framework: Framework) -> FrameworkItem:
    """The framework unit or role the credential's achievement is; refused otherwise."""
    types = credential.get("type", [])
    if not any(t in types for t in BADGE_TYPES):
        raise RequestRefused("/type", "s4c issues Open Badges 3.0 achievement credentials "
                                      "only: the type must include OpenBadgeCredential")
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    pointer = "/credentialSubject/achievement"
    if not isinstance(achievement, dict) or not isinstance(achievement.get("id"), str):
        raise RequestRefused(pointer, "must be an object whose id is a unit or role of the "
                                      "loaded framework")
    items = framework_items(framework)
    item = items.get(achievement["id"])
    if item is None:
        raise RequestRefused(f"{pointer}/id", f"{achievement['id'][:200]!r} is not a unit or "
                                              f"role of the loaded framework {framework.id}")
    if set(achievement) - {"id", "type"} or achievement.get("type", ["Achievement"]) \
            != ["Achievement"]:
        where = _difference(achievement, item.achievement, pointer)
        if where is not None:
            raise RequestRefused(where, "differs from the framework's achievement: give "
                                        "the achievement's id alone, or exactly as the "
                                        "framework has it")
    return item


def _candidate(s: Session, credential: dict[str, Any]) -> Candidate:
    subject_id = credential["credentialSubject"].get("id")
    if not isinstance(subject_id, str):
        raise RequestRefused("/credentialSubject/id", "must be the DID of a registered "
                                                      "candidate")
    candidate = s.scalars(select(Candidate).where(Candidate.did == subject_id)).first()
    if candidate is None:
        raise RequestRefused("/credentialSubject/id",
                             f"no registered candidate has the DID {subject_id[:200]!r}: "
                             "register them first (s4c candidate add --did ...)")
    return candidate


def _credential_id(credential: dict[str, Any], option: str | None) -> str:
    given = credential.get("id", option)
    if given is None:
        return f"urn:uuid:{uuid.uuid4()}"
    try:
        if not isinstance(given, str) or not given.startswith("urn:uuid:"):
            raise ValueError
        uuid.UUID(given.removeprefix("urn:uuid:"))
    except ValueError:
        raise RequestRefused("/id", "must be a urn:uuid: URN (or leave it out: the issuer "
                                    "makes one)") from None
    return given


def issue_requested(s: Session, signer: IssuerSigner, framework: Framework,
                    credential: dict[str, Any], *, credential_id: str | None, now: datetime,
                    actor: str) -> dict[str, Any]:
    """Signs and stores `credential` in the caller's transaction; returns it signed."""
    for key in ISSUER_ASSIGNED:
        if key in credential:
            raise RequestRefused(f"/{key}", "is assigned by the issuer: leave it out")
    if "credentialSchema" in credential:
        raise RequestRefused("/credentialSchema", "s4c names no schema in credentials it "
                                                  "signs for a client: leave it out")
    item = achievement_item(credential, framework)
    for name, kind in KIND_TYPES.items():
        if name in credential["type"] and kind != item.kind:
            raise RequestRefused("/type", f"{name} is for a {kind} achievement; this one is "
                                          f"a {item.kind}")
    _check_dates(credential, now)
    candidate = _candidate(s, credential)
    cid = _credential_id(credential, credential_id)
    if s.get(IssuedCredential, cid) is not None:
        raise RequestRefused("/id", f"{cid} is already the id of another credential")
    decision = s.scalars(select(Decision).where(
        Decision.candidate_id == candidate.id, Decision.framework_id == framework.id,
        Decision.kind == item.kind, Decision.code == item.code)).first()
    if decision is not None:
        held = s.scalars(select(IssuedCredential).where(
            IssuedCredential.decision_id == decision.id)).first()
        if held is not None:
            raise AlreadyIssued(held.id)
    else:
        decision = Decision(candidate_id=candidate.id, framework_id=framework.id,
                            kind=item.kind, code=item.code, assessment_id=None,
                            decided_on=now.date(), decided_by=actor)
        s.add(decision)
        s.flush()
    slots = status.StatusSlots.of(s)
    revocation, suspension = slots.allocate("revocation"), slots.allocate("suspension")
    document = {**credential, "id": cid}
    document["credentialSubject"] = {**credential["credentialSubject"],
                                     "achievement": item.achievement}
    document.setdefault("validFrom", build.rfc3339(now))
    document["credentialStatus"] = status.entries(signer.config.public_url, revocation,
                                                  suspension)
    try:
        signed = signer.sign(document, created=build.rfc3339(now))
    except VCError as e:  # e.g. a term no context defines: it would not be signed
        raise RequestRefused("", f"cannot be signed: {e}") from None
    valid_until = signed.get("validUntil")
    s.add(IssuedCredential(
        id=cid, decision_id=decision.id, candidate_id=candidate.id, kind=item.kind,
        code=item.code, document=signed, digest=build.digest_multibase(signed),
        issued_at=now, valid_until=_instant(valid_until),
        revocation_list=revocation[0], revocation_index=revocation[1],
        suspension_list=suspension[0], suspension_index=suspension[1],
        revoked=False, suspended=False))
    record_audit_event(s, actor, "credential.issued", cid,
                       {"candidate": candidate.ref, "kind": item.kind, "code": item.code,
                        "via": "vc-api"})
    return signed


def _check_dates(credential: dict[str, Any], now: datetime) -> None:
    """A credential becomes valid when it is signed or later, never earlier: a backdated
    validFrom would let a body whose accreditation has lapsed pass the verifier's check of
    its accreditation on the day the credential became valid."""
    instants = {}
    for key in ("validFrom", "validUntil"):
        if key in credential:
            moment = _instant(credential[key])
            if moment is None:
                raise RequestRefused(f"/{key}", "must be an XML Schema dateTimeStamp, e.g. "
                                                "2026-06-01T00:00:00Z (VC DM 2.0 §4.9)")
            instants[key] = moment
    valid_from = instants.get("validFrom")
    if valid_from is not None and valid_from < now - BACKDATING_SKEW:
        raise RequestRefused("/validFrom", "must not be earlier than now: leave it out, and "
                                           "the credential is valid from when it is signed")
    valid_until = instants.get("validUntil")
    if valid_until is not None and valid_until <= (valid_from or now):
        raise RequestRefused("/validUntil", "must be later than validFrom (or now)")


def _instant(value: object) -> datetime | None:
    return parse_instant(value) if isinstance(value, str) else None
