"""The registry service: every change is signed by the authority in charge, stored with its
index and an audit row in one transaction.

Who may do what (checked against the verified, signed data, not against index columns):
- the operator adds and removes trust anchors (S4CTrustAnchorCredential, revoked on the
  operator's status list);
- a registered anchor accredits certification bodies and records its country's recognition
  decisions, and revokes or withdraws only what it issued itself.
"""
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from registry import credentials as vcs
from registry import store as db
from registry import validation as check
from registry.authority import Authority, AuthorityInfo
from registry.bodies import BodyRecords
from registry.body_keys import BodyKeySource, no_body_keys
from registry.codes import RegistryCode
from registry.errors import InvalidRecord, NotAuthorised, RecordConflict, RecordNotFound
from registry.models import (
    AuthorityRecord,
    CredentialRecord,
    RegistryAuditEvent,
    ScopeRecord,
    StatusListRecord,
)
from registry.snapshot import SignatureChecker, TrustData, TrustSnapshot, build_snapshot
from registry.tokens import hash_token, new_token, token_matches, token_slug
from registry.validation import Problems
from registry.vocab import FRAMEWORK, OPERATOR_SLUG, now
from schemas.jsonld_contexts import CONTEXTS_DIR
from vc.api import issue
from vc.contexts import ContextStore, shared_store
from vc.errors import VCError
from vc.instants import format_instant
from vc.statuslist import status_entry, status_list_credential


@dataclass(frozen=True)
class AnchorAdded:
    credential: dict
    token: str  # the anchor's API token, shown once


@dataclass(frozen=True)
class IssuedRecord:
    id: str
    subject_did: str | None
    achievement: str | None
    credential: dict
    revoked: bool
    replaced_by: str | None = None  # revoked because this credential took its place


class Registry(BodyRecords):
    """The registry over one database; thread-safe (one session per call)."""

    def __init__(self, session_factory: sessionmaker[Session], public_url: str,
                 store: ContextStore | None = None,
                 clock: Callable[[], datetime] = now,
                 body_keys: BodyKeySource = no_body_keys) -> None:
        self._sessions = session_factory
        self._body_keys = body_keys  # a body's keys come only from its own DID document
        self.public_url = public_url.rstrip("/")
        self._store = store or shared_store(CONTEXTS_DIR)
        self._clock = clock
        self.checker = SignatureChecker(self._store)
        self._snapshot: tuple[int, TrustSnapshot] | None = None
        self._lock = threading.Lock()

    # -- URLs ---------------------------------------------------------------------------

    def status_list_url(self, slug: str) -> str:
        return f"{self.public_url}/registry/status/{slug}"

    @property
    def trust_list_url(self) -> str:
        return f"{self.public_url}/registry/trust-list"

    # -- authorities and tokens ---------------------------------------------------------

    def ensure_operator(self, operator: Authority) -> str | None:
        """Registers the operator once; returns its first API token, or None if known."""
        with self._sessions.begin() as session:
            record = session.scalar(select(AuthorityRecord).where(
                AuthorityRecord.kind == "operator"))
            if record is not None:
                if record.did != operator.did:
                    raise RecordConflict(RegistryCode.OPERATOR_TAKEN, did=record.did)
                return None
            token = new_token(OPERATOR_SLUG)
            session.add(AuthorityRecord(slug=OPERATOR_SLUG, kind="operator", did=operator.did,
                                        token_hash=hash_token(token)))
            session.flush()
            self._publish_status_list(session, operator, OPERATOR_SLUG)
            self._audit(session, operator.did, "registry.operator.registered", operator.did)
            return token

    def operator_did(self) -> str | None:
        with self._sessions() as session:
            return session.scalar(select(AuthorityRecord.did).where(
                AuthorityRecord.kind == "operator"))

    def authority(self, slug_or_did: str) -> AuthorityInfo | None:
        with self._sessions() as session:
            record = session.scalar(select(AuthorityRecord).where(
                (AuthorityRecord.slug == slug_or_did) | (AuthorityRecord.did == slug_or_did)))
            return None if record is None else AuthorityInfo(record.slug, record.kind,
                                                             record.did)

    def rotate_token(self, slug: str) -> str:
        """A new API token for an authority; the old one stops working."""
        with self._sessions.begin() as session:
            record = session.scalar(select(AuthorityRecord).where(AuthorityRecord.slug == slug))
            if record is None:
                raise RecordNotFound(RegistryCode.NO_AUTHORITY, slug=slug)
            token = new_token(slug)
            record.token_hash = hash_token(token)
            self._audit(session, record.did, "registry.token.rotated", record.did)
            return token

    def authenticate(self, token: str) -> AuthorityInfo | None:
        slug = token_slug(token)
        if slug is None:
            return None
        with self._sessions() as session:
            record = session.scalar(select(AuthorityRecord).where(AuthorityRecord.slug == slug))
            if record is None or not token_matches(token, record.token_hash):
                return None
            return AuthorityInfo(record.slug, record.kind, record.did)

    # -- the operator: trust anchors ----------------------------------------------------

    def check_anchor(self, *, slug: object, country: object, names: object,
                     valid_from: datetime | None = None, valid_until: datetime | None = None,
                     problems: Problems | None = None) -> tuple[str, str, dict[str, str]]:
        """Every field of a new trust anchor, checked at once (before a key is made for it)."""
        found = problems or Problems()
        clean_slug = found.check("/slug", check.slug, slug)
        if clean_slug == OPERATOR_SLUG:
            found.add("/slug", RegistryCode.SLUG_RESERVED, slug=str(clean_slug))
        clean_country = found.check("/country", check.country, country)
        clean_names = found.check("/name", check.names, names, "name")
        found.check("/validUntil", check.period, valid_from or self._clock(), valid_until)
        found.raise_any()
        return clean_slug, clean_country, clean_names

    def add_anchor(self, operator: Authority, anchor_did: str, *, slug: str, country: str,
                   names: dict[str, str], valid_from: datetime | None = None,
                   valid_until: datetime | None = None, demo: bool = False) -> AnchorAdded:
        """The operator registers `anchor_did` as a trust anchor of `country`."""
        problems = Problems()
        problems.check("/did", check.did, anchor_did, "anchor DID")
        slug, country, names = self.check_anchor(slug=slug, country=country, names=names,
                                                 valid_from=valid_from,
                                                 valid_until=valid_until, problems=problems)
        start = valid_from or self._clock()
        self.require_operator(operator)
        if slug == OPERATOR_SLUG:
            raise RecordConflict(RegistryCode.SLUG_RESERVED, slug=slug)
        snapshot = self.snapshot()
        with self._sessions.begin() as session:
            record = session.scalar(select(AuthorityRecord).where(
                (AuthorityRecord.slug == slug) | (AuthorityRecord.did == anchor_did)))
            if record is not None and (record.slug, record.did) != (slug, anchor_did):
                raise RecordConflict(RegistryCode.SLUG_IS_ANOTHER_DID, slug=record.slug,
                                     did=record.did)
            if anchor_did in snapshot.anchors:
                raise RecordConflict(RegistryCode.ANCHOR_ALREADY_REGISTERED, did=anchor_did)
            token = new_token(slug)
            if record is None:
                session.add(AuthorityRecord(slug=slug, kind="anchor", did=anchor_did,
                                            token_hash=hash_token(token)))
            else:
                record.token_hash = hash_token(token)
            index = db.new_status_index(session, operator.did)
            credential = self._sign(operator, vcs.anchor_credential(
                operator_did=operator.did, anchor_did=anchor_did, country=country,
                names=names, valid_from=start, valid_until=valid_until, demo=demo,
                status=status_entry(self.status_list_url(OPERATOR_SLUG), index,
                                    "revocation")))
            db.add_credential(session, "anchor", credential, index, subject=anchor_did,
                                   country=country, valid_from=start, valid_until=valid_until)
            self._audit(session, operator.did, "registry.anchor.added", anchor_did,
                        {"credential": credential["id"], "slug": slug, "country": country})
            return AnchorAdded(credential, token)

    def remove_anchor(self, operator: Authority, slug_or_did: str) -> str:
        """Revokes the anchor's credential; what the anchor signed stops counting."""
        self.require_operator(operator)
        info = self.authority(slug_or_did)
        if info is None or info.kind != "anchor":
            raise RecordNotFound(RegistryCode.NO_ANCHOR, anchor=slug_or_did)
        with self._sessions.begin() as session:
            rows = session.scalars(select(CredentialRecord).where(
                CredentialRecord.kind == "anchor", CredentialRecord.subject_did == info.did,
                CredentialRecord.revoked_at.is_(None))).all()
            if not rows:
                raise RecordConflict(RegistryCode.NOT_AN_ANCHOR_NOW, anchor=info.slug)
            for row in rows:
                row.revoked_at = self._clock()
            session.flush()
            self._publish_status_list(session, operator, OPERATOR_SLUG)
            self._audit(session, operator.did, "registry.anchor.removed", info.did,
                        {"credentials": [r.id for r in rows], "slug": info.slug})
            return rows[0].id

    # -- anchors: accreditations and recognitions ---------------------------------------

    def accredit(self, anchor: Authority, issuer_did: str, *, names: dict[str, str] | None = None,
                 achievements: tuple[str, ...] | list[str] = (), max_eqf_level: int,
                 valid_from: datetime | None = None, valid_until: datetime | None = None,
                 framework: str = FRAMEWORK, country: str | None = None,
                 public_keys: list[str] | dict[str, str] | None = None,
                 demo: bool = False, replaces: str | None = None,
                 problems: Problems | None = None) -> dict:
        """The anchor accredits `issuer_did` for `achievements` (empty: the whole framework).
        `names` is the anchor's wording of the body's name, kept beside this accreditation
        only; the body's name is the operator's (`register_body`). With `replaces`, the
        anchor changes its accreditation of the same body: the new credential is signed and
        the old one revoked (kept as replaced) in one transaction."""
        found = problems or Problems()
        found.check("/issuer", check.did, issuer_did, "certification body DID")
        # optional: the anchor's own wording, shown as the anchor's; it never names the body
        names = found.check("/name", check.names, names, "name") if names else {}
        scope = found.check("/achievements", check.achievements, achievements, framework)
        level = found.check("/maxEqfLevel", check.eqf_level, max_eqf_level, "maxEqfLevel")
        start = valid_from or self._clock()
        found.check("/validUntil", check.period, start, valid_until)
        body_country = found.check("/country", check.country, country) if country else None
        found.raise_any()
        slug = self._require_anchor(anchor)
        own_keys = self._own_keys(issuer_did, required=bool(public_keys))
        accepted = self._accepted_keys(issuer_did, public_keys or {}, own_keys or {})
        with self._sessions.begin() as session:
            if replaces is not None:
                old = self._revoke_in(session, anchor, replaces, "accreditation")
                if old.subject_did != issuer_did:
                    raise InvalidRecord(RegistryCode.REPLACES_OTHER_BODY, id=replaces,
                                        body=str(old.subject_did), did=issuer_did)
            index = db.new_status_index(session, anchor.did)
            credential = self._sign(anchor, vcs.accreditation_credential(
                anchor_did=anchor.did, issuer_did=issuer_did, names=names,
                country=body_country, framework=framework, achievements=scope,
                max_eqf_level=level, valid_from=start, valid_until=valid_until,
                status=status_entry(self.status_list_url(slug), index, "revocation"),
                demo=demo, accepted_keys=accepted))
            db.add_credential(session, "accreditation", credential, index,
                                   subject=issuer_did, country=body_country,
                                   framework=framework, eqf_level=level, valid_from=start,
                                   valid_until=valid_until)
            if replaces is not None:
                old.replaced_by = credential["id"]
            for achievement in scope:
                session.add(ScopeRecord(credential_id=credential["id"], achievement=achievement))
            if own_keys is not None:
                self._record_body_keys(session, anchor.did, issuer_did, own_keys)
            self._publish_or_ensure_list(session, anchor, slug, replaced=replaces is not None)
            self._audit(session, anchor.did, "registry.accreditation.changed" if replaces
                        else "registry.accreditation.issued", issuer_did,
                        {"credential": credential["id"], "achievements": list(scope),
                         "maxEqfLevel": level} | ({"replaces": replaces} if replaces else {}))
            return credential

    def revoke_accreditation(self, anchor: Authority, credential_id: str) -> None:
        self._revoke(anchor, credential_id, "accreditation", "registry.accreditation.revoked")

    def recognise(self, anchor: Authority, achievement: str, *, nqf_level: str, eqf_level: int,
                  equivalence: dict[str, str], legal_basis: str,
                  valid_from: datetime | None = None, valid_until: datetime | None = None,
                  framework: str = FRAMEWORK, demo: bool = False, replaces: str | None = None,
                  problems: Problems | None = None) -> dict:
        """The anchor records how its own country recognises `achievement`. A country has
        one current decision per achievement: a second one must name it in `replaces`
        (RecordConflict otherwise, or when `replaces` is not the current one); it is then
        revoked and kept as replaced, in the same transaction."""
        found = problems or Problems()
        scope = found.check("/achievement", check.achievements, [achievement], framework)
        level = found.check("/eqfLevel", check.eqf_level, eqf_level, "eqfLevel")
        nqf = found.check("/nqfLevel", check.text, nqf_level, "nqfLevel", 100)
        basis = found.check("/legalBasis", check.text, legal_basis, "legalBasis", 2000)
        notes = found.check("/equivalence", check.names, equivalence, "equivalence")
        start = valid_from or self._clock()
        found.check("/validUntil", check.period, start, valid_until)
        found.raise_any()
        (achievement,) = scope
        slug = self._require_anchor(anchor)
        anchors = self.snapshot().anchors
        country = anchors[anchor.did].country
        with self._sessions.begin() as session:
            head = db.current_recognition(session, country, framework, achievement)
            current = head if head is not None and self._speaks(session, head, anchors) \
                else None
            self._check_replaces(country, achievement, current, replaces)
            if replaces is not None:
                old = self._revoke_in(session, anchor, replaces, "recognition")
            index = db.new_status_index(session, anchor.did)
            credential = self._sign(anchor, vcs.recognition_credential(
                anchor_did=anchor.did, country=country, framework=framework,
                achievement=achievement, nqf_level=nqf, eqf_level=level, equivalence=notes,
                legal_basis=basis, valid_from=start, valid_until=valid_until,
                status=status_entry(self.status_list_url(slug), index, "revocation"),
                demo=demo))
            db.add_credential(session, "recognition", credential, index, country=country,
                                   framework=framework, achievement=achievement,
                                   eqf_level=level, valid_from=start, valid_until=valid_until)
            db.make_current_recognition(session, country, framework, achievement,
                                        credential["id"], expected=head)
            if replaces is not None:
                old.replaced_by = credential["id"]  # history: replaced, not withdrawn
            self._publish_or_ensure_list(session, anchor, slug, replaced=replaces is not None)
            self._audit(session, anchor.did, "registry.recognition.updated" if replaces
                        else "registry.recognition.issued", achievement,
                        {"credential": credential["id"], "country": country}
                        | ({"replaces": replaces} if replaces else {}))
            return credential

    @staticmethod
    def _speaks(session: Session, credential_id: str, anchors: dict) -> bool:
        """Whether a country's recorded current decision still speaks for it: its anchor is
        a registered trust anchor now (a removed anchor's decisions stop counting)."""
        row = session.get(CredentialRecord, credential_id)
        return row is not None and row.revoked_at is None and row.issuer_did in anchors

    @staticmethod
    def _check_replaces(country: str, achievement: str, current: str | None,
                        replaces: str | None) -> None:
        """A second decision names the current one in `replaces`; a first one names none."""
        if current is None and replaces is not None:
            raise RecordConflict(RegistryCode.NO_DECISION_TO_REPLACE, country=country,
                                 achievement=achievement)
        if current is not None and replaces is None:
            raise RecordConflict(RegistryCode.DECISION_EXISTS, country=country,
                                 achievement=achievement, current=current)
        if current is not None and replaces != current:
            raise RecordConflict(RegistryCode.NOT_CURRENT_DECISION, id=str(replaces),
                                 country=country, achievement=achievement, current=current)

    def withdraw_recognition(self, anchor: Authority, credential_id: str) -> None:
        self._revoke(anchor, credential_id, "recognition", "registry.recognition.withdrawn")

    # -- reading ------------------------------------------------------------------------

    def version(self) -> int:
        """Grows with every change (each change writes one audit row or more)."""
        with self._sessions() as session:
            return session.scalar(select(func.max(RegistryAuditEvent.id))) or 0

    def trust_data(self) -> TrustData:
        with self._sessions() as session:
            return db.load_trust_data(session)

    def snapshot(self) -> TrustSnapshot:
        """The verified view of the registry, rebuilt only after a change."""
        version = self.version()
        with self._lock:
            if self._snapshot is not None and self._snapshot[0] == version:
                return self._snapshot[1]
            snapshot = build_snapshot(self.trust_data(), self.checker)
            self._snapshot = (version, snapshot)
            return snapshot

    def status_list(self, slug: str) -> dict | None:
        with self._sessions() as session:
            return session.scalar(select(StatusListRecord.credential).where(
                StatusListRecord.url == self.status_list_url(slug)))

    def credential(self, credential_id: str) -> dict | None:
        with self._sessions() as session:
            row = session.get(CredentialRecord, credential_id)
            return None if row is None else row.credential

    def anchor_slugs(self) -> dict[str, str]:
        """DID -> slug of every anchor authority."""
        with self._sessions() as session:
            rows = session.execute(select(AuthorityRecord.did, AuthorityRecord.slug).where(
                AuthorityRecord.kind == "anchor"))
            return {did: slug for did, slug in rows}

    def audit_events(self, limit: int = 100, actor: str | None = None) -> list[dict]:
        """The latest audit rows, newest first; with `actor`, only that authority's."""
        query = select(RegistryAuditEvent).order_by(RegistryAuditEvent.id.desc()).limit(limit)
        if actor is not None:
            query = query.where(RegistryAuditEvent.actor == actor)
        with self._sessions() as session:
            rows = session.scalars(query).all()
            # SQLite returns naive datetimes; every time the registry stores is UTC
            return [{"at": format_instant(r.at.replace(tzinfo=r.at.tzinfo or UTC)),
                     "actor": r.actor, "action": r.action,
                     "subject": r.subject, "detail": r.detail} for r in rows]

    def issued_records(self, issuer_did: str, kind: str) -> list[IssuedRecord]:
        """What an authority signed of one kind (anchor, accreditation, recognition), newest
        first, revoked ones included; the signed credential is the record."""
        with self._sessions() as session:
            rows = session.scalars(select(CredentialRecord).where(
                CredentialRecord.issuer_did == issuer_did, CredentialRecord.kind == kind
            ).order_by(CredentialRecord.created_at.desc(), CredentialRecord.id)).all()
            return [IssuedRecord(r.id, r.subject_did, r.achievement, r.credential,
                                 r.revoked_at is not None, r.replaced_by) for r in rows]

    def record_publication(self, operator: Authority) -> None:
        """The operator asks for the trust list to be signed now: an audit row, which also
        makes the next trust list a new one (its sequence is the audit version)."""
        self.require_operator(operator)
        with self._sessions.begin() as session:
            self._audit(session, operator.did, "registry.trust-list.published", None)

    # -- internals ----------------------------------------------------------------------

    def require_operator(self, operator: Authority) -> None:
        registered = self.operator_did()
        if registered is None:
            raise RecordNotFound(RegistryCode.NO_OPERATOR)
        if operator.did != registered:
            raise NotAuthorised(RegistryCode.ONLY_OPERATOR, did=registered)

    def _require_anchor(self, anchor: Authority) -> str:
        """The anchor's slug, if `anchor` is a registered trust anchor now."""
        registered = self.snapshot().anchors.get(anchor.did)
        at = self._clock()
        if registered is None or at < registered.valid_from or (
                registered.valid_until is not None and at > registered.valid_until):
            raise NotAuthorised(RegistryCode.NOT_AN_ANCHOR_NOW, anchor=anchor.did)
        info = self.authority(anchor.did)
        if info is None:
            raise NotAuthorised(RegistryCode.NO_AUTHORITY_RECORD, did=anchor.did)
        return info.slug

    def _sign(self, authority: Authority, document: dict) -> dict:
        try:
            signed = issue(document, authority.key,
                           verification_method=authority.verification_method, store=self._store)
        except VCError as e:
            raise NotAuthorised(RegistryCode.CANNOT_SIGN, str(e), did=authority.did) from None
        problem = self.checker.problem(signed, authority.did)
        if problem:  # proves possession: the key must be the DID's own
            raise NotAuthorised(RegistryCode.KEY_DOES_NOT_SIGN, str(problem), did=authority.did)
        return signed

    def _revoke(self, authority: Authority, credential_id: str, kind: str, action: str) -> None:
        with self._sessions.begin() as session:
            row = self._revoke_in(session, authority, credential_id, kind)
            if kind == "recognition":
                db.release_current_recognition(session, credential_id)
            info = session.scalar(select(AuthorityRecord).where(
                AuthorityRecord.did == authority.did))
            if info is None:
                raise NotAuthorised(RegistryCode.NOT_AN_AUTHORITY, did=authority.did)
            self._publish_status_list(session, authority, info.slug)
            self._audit(session, authority.did, action, credential_id,
                        {"subject": row.subject_did or row.achievement})

    def _revoke_in(self, session: Session, authority: Authority, credential_id: str,
                   kind: str) -> CredentialRecord:
        """Marks the authority's own credential revoked (the caller re-signs the list)."""
        row = session.get(CredentialRecord, credential_id, with_for_update=True)
        if row is None or row.kind != kind:
            raise RecordNotFound(RegistryCode.NO_RECORD, kind=kind, id=credential_id)
        if row.issuer_did != authority.did:
            raise NotAuthorised(RegistryCode.ONLY_ITS_ISSUER, did=row.issuer_did, kind=kind,
                                id=credential_id)
        if row.revoked_at is not None:
            raise RecordConflict(RegistryCode.ALREADY_REVOKED, kind=kind, id=credential_id)
        row.revoked_at = self._clock()
        session.flush()
        return row

    def _publish_or_ensure_list(self, session: Session, authority: Authority, slug: str, *,
                                replaced: bool) -> None:
        if replaced:
            self._publish_status_list(session, authority, slug)
        else:
            self._ensure_status_list(session, authority, slug)

    def _ensure_status_list(self, session: Session, authority: Authority, slug: str) -> None:
        """An anchor signs its (empty) revocation list along with its first credential."""
        if session.get(StatusListRecord, authority.did) is None:
            self._publish_status_list(session, authority, slug)

    def _publish_status_list(self, session: Session, authority: Authority, slug: str) -> None:
        """Re-signs the authority's revocation list from the revoked rows (§3.1 steps 2-4)."""
        bits = db.revocation_bits(session, authority.did)
        url = self.status_list_url(slug)
        signed = self._sign(authority, status_list_credential(
            url, authority.did, "revocation", bits, valid_from=format_instant(self._clock())))
        session.merge(StatusListRecord(authority_did=authority.did, url=url, credential=signed,
                                       updated_at=self._clock()))

    def _audit(self, session: Session, actor: str, action: str, subject: str | None,
               detail: dict | None = None) -> None:
        db.audit(session, self._clock(), actor, action, subject, detail)
