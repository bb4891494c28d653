"""Fetching and trusting Bitstring Status List credentials (Bitstring Status List v1.0 §3.2
Validate Algorithm, steps 3-4: retrieve the list, verify its proof; VC DM 2.0 §4.9 its
validity period). Lists come through a CachingFetcher (TTL, then ETag revalidation); a list
verified once is remembered by the digest of its body, so a cached list is not re-verified.

The list's issuer may differ from the credential's (Bitstring Status List v1.0 §2.2
BitstringStatusListCredential: "the issuer value of a verifiable credential containing a
BitstringStatusListEntry MAY be different from the issuer value of a
BitstringStatusListCredential"): the credential's own signed entry names the list's URL,
the list must be signed by a key of the list's issuer, and each reading names that issuer,
so that the verifier can see whom it is trusting (§3.2, last note)."""
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from vc import api
from vc.contexts import ContextStore
from vc.cryptosuites import ALL_SUITES
from vc.errors import FetchError, StatusListError, VCError
from vc.fetch import CachingFetcher, Fetcher
from vc.instants import parse_instant
from vc.json_input import loads_strict
from vc.statuslist import read_status

ACCEPT = "application/vc+ld+json, application/vc+json;q=0.9, application/json;q=0.8"
MAX_VERIFIED_LISTS = 256


class StatusUnavailable(Exception):
    """The status could not be established; the message says why (never 'not revoked')."""


@dataclass(frozen=True)
class StatusReading:
    """One status bit, read from a verified list; `list_issuer` signed that list."""

    is_set: bool
    list_issuer: str
    url: str


@dataclass(frozen=True)
class _VerifiedList:
    credential: dict[str, Any]
    issuer: str
    valid_from: datetime | None
    valid_until: datetime | None
    ttl_seconds: float | None  # the list's own `ttl` (Bitstring Status List v1.0 §2.2)


class StatusListReader:
    def __init__(self, fetcher: Fetcher, resolver: api.VerificationMethodResolver,
                 store: ContextStore, ttl_seconds: float = 300,
                 skew: timedelta = timedelta(minutes=5)) -> None:
        self._fetcher = fetcher if isinstance(fetcher, CachingFetcher) \
            else CachingFetcher(fetcher, ttl_seconds=ttl_seconds)
        self._resolver = resolver
        self._store = store
        self._skew = skew
        self._verified: OrderedDict[tuple[str, str], _VerifiedList] = OrderedDict()
        self._ttls: dict[str, float] = {}  # url -> the last verified list's own ttl
        self._lock = threading.Lock()

    def read(self, entry: dict[str, Any], now: datetime) -> StatusReading:
        """The entry's bit (True: revoked/suspended) and who signed the list. StatusUnavailable
        when it cannot be read from a list that its own issuer signed and that is valid now."""
        url = entry.get("statusListCredential")
        if not isinstance(url, str):
            raise StatusUnavailable("the status entry names no status list")
        status_list = self._list(url)
        if status_list.valid_from is not None and now + self._skew < status_list.valid_from:
            raise StatusUnavailable(f"the status list {url} is not valid yet")
        if status_list.valid_until is not None and now - self._skew > status_list.valid_until:
            raise StatusUnavailable(f"the status list {url} expired at "
                                    f"{status_list.valid_until.isoformat()}")
        try:
            return StatusReading(read_status(entry, status_list.credential), status_list.issuer,
                                 url)
        except StatusListError as e:
            raise StatusUnavailable(f"the status list {url} cannot be read: {e}") from None

    def signed_at(self, url: str) -> datetime | None:
        """When the issuer signed the list at `url` (its validFrom, else its proof's
        `created`), read from the verified list (cached: no new fetch within its TTL). A
        Bitstring Status List has no date per entry, so this is the latest time at which a
        set bit is known to have been set. None when the list cannot be read now."""
        try:
            verified = self._list(url)
        except StatusUnavailable:
            return None
        if verified.valid_from is not None:
            return verified.valid_from
        proof = verified.credential.get("proof")
        proof = proof[0] if isinstance(proof, list) and len(proof) == 1 else proof
        return parse_instant(proof.get("created")) if isinstance(proof, dict) else None

    def _list(self, url: str) -> _VerifiedList:
        try:
            # kept no longer than the publisher says: max-age, or the list's own ttl
            fetched = self._fetcher.fetch(url, accept=ACCEPT, max_age=self._ttls.get(url))
        except FetchError as e:
            raise StatusUnavailable(f"the status list could not be fetched: {e}") from None
        key = (url, hashlib.sha256(fetched.body).hexdigest())
        with self._lock:
            hit = self._verified.get(key)
        if hit is not None:
            return hit
        verified = self._verify(url, fetched.body)
        with self._lock:
            self._verified[key] = verified
            if verified.ttl_seconds is not None:
                if len(self._ttls) > MAX_VERIFIED_LISTS:
                    self._ttls.clear()
                self._ttls[url] = verified.ttl_seconds
            while len(self._verified) > MAX_VERIFIED_LISTS:
                self._verified.popitem(last=False)
        return verified

    def _verify(self, url: str, body: bytes) -> _VerifiedList:
        try:
            credential = loads_strict(body)
        except VCError as e:
            raise StatusUnavailable(f"the status list {url} is not JSON: {e}") from None
        if not isinstance(credential, dict):
            raise StatusUnavailable(f"the status list {url} is not a JSON object")
        result = api.verify(credential, resolver=self._resolver, store=self._store,
                            suites=ALL_SUITES)
        bad = next((c for c in result.checks if c.outcome.value != "passed"), None)
        if bad is not None:
            raise StatusUnavailable(f"the status list {url} is not properly signed: {bad.technical}")
        issuer = credential.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        proofs = credential.get("proof")
        for proof in proofs if isinstance(proofs, list) else [proofs]:
            vm = proof.get("verificationMethod") if isinstance(proof, dict) else None
            if not isinstance(vm, str) or vm.split("#", 1)[0] != issuer:
                raise StatusUnavailable(f"the status list {url} was not signed by its issuer")
        subject = credential.get("credentialSubject")
        ttl = subject.get("ttl") if isinstance(subject, dict) else None
        ttl_seconds = ttl / 1000 if type(ttl) is int and ttl >= 0 else None  # milliseconds
        return _VerifiedList(credential, str(issuer),
                             parse_instant(credential.get("validFrom")),
                             parse_instant(credential.get("validUntil")), ttl_seconds)
