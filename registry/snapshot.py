"""What the registry's signed data says, once every signature and status bit is checked.

Both trust sources (the database and a trust-list file) hand the same raw material to
`build_snapshot`: the operator's DID, the signed anchor, accreditation and recognition
credentials, the signed status lists, and the public keys given for did:web bodies. So
both give the same answers by construction.

Rules, in order:
- an anchor counts when its S4CTrustAnchorCredential verifies as issued by the operator and
  is not revoked on the operator's status list;
- an accreditation or recognition counts only when it verifies as issued by such an anchor
  (anything else is ignored, with the reason kept in `ignored`); its effective period is
  the overlap of its own and the anchor's;
- revocation comes from the issuer's signed Bitstring Status List (§3.2 Validate
  Algorithm); a credential whose status cannot be read is ignored, never taken as valid;
- a recognition counts only for the anchor's own country, and a country has one current
  decision per achievement (the latest; an older one left over from before `replaces` was
  required is ignored);
- a body's name and country come only from the operator's registration
  (`registry.body_names`); the name an anchor gives in its accreditation is that
  accreditation's wording (`Accreditation.body_name`), never the body's name.
"""
import hashlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from registry.body_names import RegisteredBody
from registry.credentials import (
    AccreditationFacts,
    AnchorFacts,
    issuer_of,
    read_accreditation,
    read_anchor,
    read_recognition,
)
from schemas.jsonld_contexts import CONTEXTS_DIR
from vc.api import verify
from vc.contexts import ContextStore, shared_store
from vc.cryptosuites import ALL_SUITES
from vc.did_key import public_key_from_did_key
from vc.did_resolver import DIDResolver
from vc.errors import VCError
from vc.fetch import StaticFetcher
from vc.jcs import canonicalize
from vc.language_maps import pick_language
from vc.multikey import public_key_to_multibase
from vc.statuslist import read_status
from vc.trust import Accreditation, Recognition, TrustedIssuer

MAX_CACHED_CHECKS = 8192


@dataclass(frozen=True)
class TrustData:
    """The raw, signed material a snapshot is built from (nothing here is trusted yet)."""

    operator_did: str
    anchor_credentials: tuple[dict, ...] = ()
    accreditation_credentials: tuple[dict, ...] = ()
    recognition_credentials: tuple[dict, ...] = ()
    status_lists: dict[str, dict] = field(default_factory=dict)  # list URL -> signed list
    issuer_keys: dict[str, dict[str, str]] = field(default_factory=dict)  # did -> vm -> key
    # the operator's registration of bodies: their only accountable name and country
    registered_bodies: dict[str, RegisteredBody] = field(default_factory=dict)


@dataclass(frozen=True)
class TrustAnchor:
    did: str
    country: str
    name: dict[str, str]
    valid_from: datetime
    valid_until: datetime | None
    demo: bool
    credential_id: str


@dataclass(frozen=True)
class TrustSnapshot:
    operator_did: str
    anchors: dict[str, TrustAnchor]
    issuers: dict[str, TrustedIssuer]
    recognitions: tuple[Recognition, ...]
    ignored: dict[str, str]  # credential id -> why it does not count

    def issuer(self, did: str) -> TrustedIssuer | None:
        return self.issuers.get(did)

    def recognitions_for(self, achievement_id: str, country: str | None = None
                         ) -> list[Recognition]:
        return [r for r in self.recognitions if r.achievement == achievement_id
                and (country is None or r.country == country.upper())]


class SignatureChecker:
    """Verifies registry credentials offline (did:key) and remembers the outcome by digest."""

    def __init__(self, store: ContextStore | None = None) -> None:
        self._store = store or shared_store(CONTEXTS_DIR)
        # did:key needs no fetch; a did:web signer fails as "could not fetch", never online.
        self._resolver = DIDResolver(fetcher=StaticFetcher({}))
        self._cache: OrderedDict[bytes, str | None] = OrderedDict()

    def problem(self, credential: object, signer: str) -> str | None:
        """None when `credential` verifies and was issued and signed by `signer`."""
        if not isinstance(credential, dict):
            return "not a JSON object"
        try:
            digest = hashlib.sha256(signer.encode() + b"\0" + canonicalize(credential)).digest()
        except VCError as e:
            return f"not canonicalizable: {e}"
        if digest in self._cache:
            self._cache.move_to_end(digest)
            return self._cache[digest]
        result = self._check(credential, signer)
        self._cache[digest] = result
        while len(self._cache) > MAX_CACHED_CHECKS:
            self._cache.popitem(last=False)
        return result

    def _check(self, credential: dict, signer: str) -> str | None:
        try:
            issuer = issuer_of(credential)
        except ValueError as e:
            return str(e)
        if issuer != signer:
            return f"issued by {issuer}, not by {signer}"
        proofs = credential.get("proof")
        for proof in proofs if isinstance(proofs, list) else [proofs]:
            method = proof.get("verificationMethod") if isinstance(proof, dict) else None
            if not isinstance(method, str) or method.split("#", 1)[0] != signer:
                return f"signed with a key that is not {signer}'s"
        result = verify(credential, resolver=self._resolver, store=self._store,
                        suites=ALL_SUITES)
        failed = [c for c in result.checks if c.outcome != "passed"]
        return f"{failed[0].id}: {failed[0].technical}" if failed else None


def derived_keys(did: str) -> dict[str, str]:
    """The one verification method of a did:key, as `{vm id: publicKeyMultibase}`."""
    multibase = public_key_to_multibase(public_key_from_did_key(did))
    return {f"{did}#{multibase}": multibase}


def _revoked(status: dict | None, issuer: str, data: TrustData,
             checker: SignatureChecker) -> bool | str:
    """True/False from the issuer's signed revocation list, or why it cannot be read."""
    if status is None or status.get("statusPurpose") != "revocation":
        return "it has no revocation status entry"
    url = status.get("statusListCredential")
    listed = data.status_lists.get(url) if isinstance(url, str) else None
    if listed is None:
        return f"its status list {url!r} is not available"
    problem = checker.problem(listed, issuer)
    if problem:
        return f"its status list does not verify ({problem})"
    try:  # the registry's lists carry no validUntil: each change re-signs them
        return read_status(status, listed)
    except (VCError, ValueError) as e:
        return f"its status cannot be read: {e}"


def _overlap(start: datetime, end: datetime | None, anchor: TrustAnchor
             ) -> tuple[datetime, datetime | None]:
    ends = [e for e in (end, anchor.valid_until) if e is not None]
    return max(start, anchor.valid_from), min(ends) if ends else None


def _anchors(data: TrustData, checker: SignatureChecker,
             ignored: dict[str, str]) -> dict[str, TrustAnchor]:
    found: dict[str, AnchorFacts] = {}
    for credential in data.anchor_credentials:
        cid = str(credential.get("id"))
        problem = checker.problem(credential, data.operator_did)
        if problem:
            ignored[cid] = f"anchor credential not signed by the operator: {problem}"
            continue
        try:
            facts = read_anchor(credential)
        except ValueError as e:
            ignored[cid] = f"malformed anchor credential: {e}"
            continue
        revoked = _revoked(facts.status, data.operator_did, data, checker)
        if revoked is not False:
            ignored[cid] = "anchor removed by the operator" if revoked is True else str(revoked)
            continue
        previous = found.get(facts.did)
        if previous is None or (facts.valid_from, cid) > (previous.valid_from,
                                                          previous.credential_id):
            found[facts.did] = facts
    return {did: TrustAnchor(did, f.country, f.name, f.valid_from, f.valid_until, f.demo,
                             f.credential_id) for did, f in found.items()}


def _anchor_of(credential: dict, anchors: dict[str, TrustAnchor], checker: SignatureChecker
               ) -> TrustAnchor | str:
    try:
        issuer = issuer_of(credential)
    except ValueError as e:
        return str(e)
    anchor = anchors.get(issuer)
    if anchor is None:
        return f"issued by {issuer}, which is not a registered trust anchor"
    problem = checker.problem(credential, issuer)
    return f"signature of the anchor does not verify: {problem}" if problem else anchor


def _anchored(credential: dict, reader, kind: str, anchors: dict[str, TrustAnchor],
              checker: SignatureChecker, ignored: dict[str, str]):
    """(id, facts, anchor) of a credential signed by a registered anchor and well formed;
    otherwise None, with the reason recorded in `ignored`."""
    cid = str(credential.get("id"))
    anchor = _anchor_of(credential, anchors, checker)
    if isinstance(anchor, str):
        ignored[cid] = anchor
        return None
    try:
        return cid, reader(credential), anchor
    except ValueError as e:
        ignored[cid] = f"malformed {kind}: {e}"
        return None


def _accreditations(data: TrustData, anchors: dict[str, TrustAnchor],
                    checker: SignatureChecker, ignored: dict[str, str]
                    ) -> list[tuple[AccreditationFacts, Accreditation]]:
    found = []
    for credential in data.accreditation_credentials:
        read = _anchored(credential, read_accreditation, "accreditation", anchors, checker,
                         ignored)
        if read is None:
            continue
        cid, facts, anchor = read
        revoked = _revoked(facts.status, anchor.did, data, checker)
        if isinstance(revoked, str):
            ignored[cid] = f"status unknown: {revoked}"
            continue
        start, end = _overlap(facts.valid_from, facts.valid_until, anchor)
        found.append((facts, Accreditation(
            id=facts.credential_id, anchor_did=anchor.did,
            anchor_name=pick_language(anchor.name, "en") or anchor.did, country=anchor.country,
            issuer_did=facts.issuer_did, framework=facts.framework,
            achievements=facts.achievements, max_eqf_level=facts.max_eqf_level,
            valid_from=start, valid_until=end, revoked=revoked,
            accepted_keys=facts.accepted_keys, body_name=dict(facts.name))))
    return found


def _issuers(accredited: Iterable[tuple[AccreditationFacts, Accreditation]],
             data: TrustData) -> dict[str, TrustedIssuer]:
    by_issuer: dict[str, list[tuple[AccreditationFacts, Accreditation]]] = {}
    for facts, accreditation in accredited:
        by_issuer.setdefault(facts.issuer_did, []).append((facts, accreditation))
    issuers = {}
    for did, entries in sorted(by_issuer.items()):
        entries.sort(key=lambda e: (e[1].valid_from, e[1].id))
        # the operator's registration, never what an anchor wrote
        registered = data.registered_bodies.get(did) or RegisteredBody()
        keys = derived_keys(did) if did.startswith("did:key:") else dict(
            data.issuer_keys.get(did, {}))
        issuers[did] = TrustedIssuer(did=did, name=dict(registered.name),
                                     country=registered.country, public_keys=keys,
                                     accreditations=tuple(a for _, a in entries))
    return issuers


def _recognitions(data: TrustData, anchors: dict[str, TrustAnchor],
                  checker: SignatureChecker, ignored: dict[str, str]) -> list[Recognition]:
    found = []
    for credential in data.recognition_credentials:
        read = _anchored(credential, read_recognition, "recognition", anchors, checker,
                         ignored)
        if read is None:
            continue
        cid, facts, anchor = read
        if facts.country != anchor.country:
            ignored[cid] = f"an anchor of {anchor.country} cannot decide for {facts.country}"
            continue
        revoked = _revoked(facts.status, anchor.did, data, checker)
        if revoked is not False:
            ignored[cid] = "withdrawn by the anchor" if revoked is True else str(revoked)
            continue
        start, end = _overlap(facts.valid_from, facts.valid_until, anchor)
        found.append(Recognition(
            id=facts.credential_id, anchor_did=anchor.did, country=facts.country,
            framework=facts.framework, achievement=facts.achievement,
            nqf_level=facts.nqf_level, eqf_level=facts.eqf_level,
            equivalence=dict(facts.equivalence), legal_basis=facts.legal_basis,
            valid_from=start, valid_until=end))
    found.sort(key=lambda r: (r.achievement, r.country, r.valid_from, r.id))
    return _current_decisions(found, ignored)


def _current_decisions(found: list[Recognition], ignored: dict[str, str]) -> list[Recognition]:
    """One decision per country, framework and achievement: the latest. The registry lets a
    second decision in only when it `replaces` (and so revokes) the first; two that both
    count are left over from before, and the older one no longer speaks for the country."""
    latest: dict[tuple[str, str, str], Recognition] = {}
    for r in found:  # sorted by validFrom, then id: the last one is the latest
        key = (r.country, r.framework, r.achievement)
        if key in latest:
            ignored[latest[key].id] = f"a later decision of {r.country} ({r.id}) replaces it"
        latest[key] = r
    return [r for r in found if latest[(r.country, r.framework, r.achievement)] is r]


def build_snapshot(data: TrustData, checker: SignatureChecker) -> TrustSnapshot:
    ignored: dict[str, str] = {}
    anchors = _anchors(data, checker, ignored)
    accredited = _accreditations(data, anchors, checker, ignored)
    return TrustSnapshot(
        operator_did=data.operator_did, anchors=anchors,
        issuers=_issuers(accredited, data),
        recognitions=tuple(_recognitions(data, anchors, checker, ignored)),
        ignored=ignored)
