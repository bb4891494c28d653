"""The certification bodies the registry lists: their name, from the operator, and their
keys, from their own DID documents. Part of `registry.service.Registry` (a mixin over the
same database and clock), kept apart so that neither grows past what one reads at once.

- Name (`registry.body_names`): only the operator registers the name and
  country the registry shows for a body; an anchor's accreditation never sets it.
- Keys (DID Core 1.0 §5.3.1 assertionMethod, `registry.body_keys`): read only from the
  body's own DID document; an anchor may narrow which of them it accepts, never add one.
"""
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from registry import validation as check
from registry.authority import Authority
from registry.body_keys import BodyKeySource, BodyKeysUnavailable
from registry.body_names import RegisteredBody
from registry.codes import RegistryCode
from registry.errors import InvalidRecord, NotAuthorised, RecordConflict
from registry.models import BodyRecord, IssuerKeyRecord
from registry.snapshot import TrustSnapshot
from registry.validation import Problems


class BodyRecords:
    """A body's registered name and its keys (the registry's methods about bodies)."""

    _sessions: sessionmaker[Session]
    _clock: Callable[[], datetime]
    _body_keys: BodyKeySource

    if TYPE_CHECKING:  # provided by `registry.service.Registry`
        def snapshot(self) -> TrustSnapshot: ...

        def require_operator(self, operator: Authority) -> None: ...

        def _audit(self, session: Session, actor: str, action: str, subject: str | None,
                   detail: dict | None = None) -> None: ...

    def registered_body(self, issuer_did: str) -> RegisteredBody | None:
        """The operator's registration of a body (its name and country), if there is one."""
        with self._sessions() as session:
            row = session.get(BodyRecord, issuer_did)
            return None if row is None else RegisteredBody(dict(row.name), row.country)

    def register_body(self, operator: Authority, issuer_did: str, *, names: object,
                      country: object = None) -> bool:
        """The operator registers the name (and country) the registry shows for a body: its
        one accountable name (`registry.body_names`). True when it changed; audited."""
        found = Problems()
        found.check("/issuer", check.did, issuer_did, "certification body DID")
        clean = found.check("/name", check.names, names, "name")
        where = found.check("/country", check.country, country) if country else None
        found.raise_any()
        self.require_operator(operator)
        with self._sessions.begin() as session:
            record = session.get(BodyRecord, issuer_did, with_for_update=True)
            before = None if record is None else {"name": record.name,
                                                  "country": record.country}
            if before == {"name": clean, "country": where}:
                return False
            if record is None:
                session.add(BodyRecord(did=issuer_did, name=clean, country=where,
                                       registered_by=operator.did, updated_at=self._clock()))
            else:
                record.name, record.country = clean, where
                record.registered_by, record.updated_at = operator.did, self._clock()
            try:
                session.flush()
            except IntegrityError:
                raise RecordConflict(RegistryCode.BODY_REGISTERED_MEANWHILE,
                                     did=issuer_did) from None
            self._audit(session, operator.did, "registry.body.registered", issuer_did,
                        {"name": clean, "country": where, "before": before})
            return True

    def refresh_body_keys(self, actor: Authority, issuer_did: str) -> bool:
        """Re-reads the keys of an accredited did:web body from its DID document (after a
        key rotation, say); True if they changed. The operator or an anchor that accredits
        the body may ask; nobody can hand the registry a key."""
        issuer = self.snapshot().issuer(issuer_did)
        operator = self.snapshot().operator_did
        if actor.did != operator and (issuer is None or all(
                a.anchor_did != actor.did or a.revoked for a in issuer.accreditations)):
            raise NotAuthorised(RegistryCode.NEITHER_OPERATOR_NOR_ANCHOR, actor=actor.did,
                                did=issuer_did)
        keys = self._own_keys(issuer_did, required=True)
        try:
            with self._sessions.begin() as session:
                return self._record_body_keys(session, actor.did, issuer_did, keys or {})
        except IntegrityError:  # a concurrent refresh recorded the same keys first
            with self._sessions.begin() as session:
                return self._record_body_keys(session, actor.did, issuer_did, keys or {})

    def _own_keys(self, issuer_did: str, *, required: bool) -> dict[str, str] | None:
        """The body's assertion keys from its own DID document (None: not readable and not
        required, so none are recorded now; did:key bodies need none)."""
        if issuer_did.startswith("did:key:"):
            return None
        try:
            found = self._body_keys(issuer_did)
        except BodyKeysUnavailable as e:
            if required:
                raise InvalidRecord(RegistryCode.KEYS_UNREADABLE, str(e),
                                    did=issuer_did) from None
            return None
        # a DID document may point at keys of other DIDs: only the body's own count
        return check.public_keys(issuer_did, {vm: mb for vm, mb in found.items()
                                              if vm.startswith(issuer_did + "#")})

    @staticmethod
    def _accepted_keys(issuer_did: str, named: object, own: dict[str, str]
                       ) -> tuple[str, ...]:
        """The keys an anchor accepts, which must be keys the body itself lists: a list of
        verification methods, or `{method: publicKeyMultibase}` that must match the body's."""
        if isinstance(named, list):
            if not all(isinstance(method, str) for method in named):
                raise InvalidRecord(RegistryCode.KEY_IDS_NOT_STRINGS)
            named = dict.fromkeys(named)
        if not isinstance(named, dict) or len(named) > check.MAX_KEYS:
            raise InvalidRecord(RegistryCode.KEYS_TOO_MANY, n=check.MAX_KEYS)
        for method, multibase in named.items():
            if method not in own:
                raise InvalidRecord(RegistryCode.KEY_NOT_OF_BODY, id=str(method)[:120],
                                    did=issuer_did)
            if multibase is not None and multibase != own[method]:
                raise InvalidRecord(RegistryCode.KEY_DIFFERS, id=str(method), did=issuer_did)
        return tuple(sorted(named))

    def _record_body_keys(self, session: Session, actor_did: str, issuer_did: str,
                          keys: dict[str, str]) -> bool:
        """Makes the stored keys of `issuer_did` those of its DID document, with an audit
        row naming what was added, changed and removed; False when nothing changed."""
        stored = {r.verification_method: r for r in session.scalars(
            select(IssuerKeyRecord).where(IssuerKeyRecord.issuer_did == issuer_did))}
        added = sorted(set(keys) - set(stored))
        removed = sorted(set(stored) - set(keys))
        changed = sorted(vm for vm in set(keys) & set(stored)
                         if stored[vm].public_key_multibase != keys[vm])
        if not (added or removed or changed):
            return False
        for vm in removed:
            session.delete(stored[vm])
        for vm in changed:
            stored[vm].public_key_multibase = keys[vm]
        for vm in added:
            session.add(IssuerKeyRecord(verification_method=vm, issuer_did=issuer_did,
                                        public_key_multibase=keys[vm]))
        self._audit(session, actor_did, "registry.issuer.keys", issuer_did,
                    {"source": "the body's DID document", "added": added, "changed": changed,
                     "removed": removed})
        return True
