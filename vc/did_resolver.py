"""Resolves did:key and did:web, and turns a verification method URL into an Ed25519 key.

DID Core 1.0 §7.1 (resolution), §5.2 (verification methods), §5.3 (verification
relationships): a key only counts for a purpose when the DID document lists it there.
"""
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pydid
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vc.did_key import resolve_did_key
from vc.did_web import resolve_did_web
from vc.errors import DIDResolutionError, KeyFormatError, MalformedInputError
from vc.fetch import Fetcher
from vc.multibase import b58decode
from vc.multikey import public_key_from_multibase

RELATIONSHIPS = frozenset(
    {
        "assertionMethod",
        "authentication",
        "keyAgreement",
        "capabilityInvocation",
        "capabilityDelegation",
    }
)
MULTIBASE_TYPES = frozenset({"Multikey", "Ed25519VerificationKey2020"})
_DID = re.compile(r"did:([a-z0-9]+):[A-Za-z0-9._:%-]+")
MAX_CACHED_DOCUMENTS = 1024
MAX_KEY_TEXT = 128  # an Ed25519 key is 44-48 base58 characters


@dataclass(frozen=True)
class VerificationKey:
    id: str  # absolute verification method URL
    controller: str
    public_key: Ed25519PublicKey


def _shown(text: str) -> str:
    return text if len(text) <= 200 else text[:200] + "..."


def did_method(did: str) -> str:
    match = _DID.fullmatch(did) if isinstance(did, str) else None
    if match is None:
        raise DIDResolutionError(f"{_shown(str(did))!r} is not a DID")
    return match.group(1)


class DIDResolver:
    """did:key offline; did:web through the fetcher, with documents cached for cache_ttl s."""

    def __init__(
        self,
        fetcher: Fetcher,
        web_scheme: str = "https",
        cache_ttl: float = 300,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetcher = fetcher
        self._web_scheme = web_scheme
        self._ttl = cache_ttl
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, pydid.DIDDocument]] = OrderedDict()
        # resolved keys, so that verifying many credentials of one issuer resolves once
        self._keys: OrderedDict[tuple[str, str], tuple[float, VerificationKey]] = OrderedDict()
        self._lock = threading.Lock()

    def resolve(self, did: str) -> pydid.DIDDocument:
        """The DID document. Treat it as read-only: did:web documents are shared via the cache."""
        method = did_method(did)
        if method == "key":
            return resolve_did_key(did)
        if method == "web":
            return self._resolve_web(did)
        raise DIDResolutionError(f"DID method {method} is not supported (only did:key, did:web)")

    def _resolve_web(self, did: str) -> pydid.DIDDocument:
        with self._lock:
            entry = self._cache.get(did)
        if entry is not None and self._clock() - entry[0] < self._ttl:
            return entry[1]
        doc = resolve_did_web(did, self._fetcher, self._web_scheme)  # errors are not cached
        with self._lock:
            self._cache[did] = (self._clock(), doc)
            self._cache.move_to_end(did)
            while len(self._cache) > MAX_CACHED_DOCUMENTS:
                self._cache.popitem(last=False)
        return doc

    def resolve_verification_method(
        self, vm_url: str, purpose: str = "assertionMethod"
    ) -> VerificationKey:
        """The Ed25519 key at vm_url, if the DID authorises it for `purpose` (§5.3).

        Results are cached like documents (did:key forever, did:web for cache_ttl seconds);
        errors are not cached.
        """
        ck = (vm_url, purpose)
        with self._lock:
            hit = self._keys.get(ck)
        if hit is not None and (vm_url.startswith("did:key:")
                                or self._clock() - hit[0] < self._ttl):
            return hit[1]
        key = self._resolve_verification_method(vm_url, purpose)
        with self._lock:
            self._keys[ck] = (self._clock(), key)
            self._keys.move_to_end(ck)
            while len(self._keys) > MAX_CACHED_DOCUMENTS:
                self._keys.popitem(last=False)
        return key

    def _resolve_verification_method(self, vm_url: str, purpose: str) -> VerificationKey:
        if purpose not in RELATIONSHIPS:
            raise DIDResolutionError(f"{purpose!r} is not a verification relationship")
        if not isinstance(vm_url, str) or vm_url.count("#") != 1:
            raise DIDResolutionError(
                f"{_shown(str(vm_url))!r} is not a verification method URL (DID#fragment)"
            )
        did, fragment = vm_url.split("#")
        did_method(did)  # also refuses paths and queries: the key must be DID#fragment
        if not fragment:
            raise DIDResolutionError(f"{_shown(vm_url)!r} has an empty fragment")
        raw = self.resolve(did).serialize()  # raw dict: pydid does not model every key type
        method = _find_method(raw, did, vm_url)
        if not _is_authorised(raw, did, vm_url, purpose):
            raise DIDResolutionError(f"key {vm_url} is not authorised for {purpose} by DID {did}")
        controller = method.get("controller")
        if controller != did:
            raise DIDResolutionError(
                f"key {vm_url} has controller {_shown(str(controller))!r}, not the DID {did}"
            )
        return VerificationKey(vm_url, did, _public_key(method, vm_url))


def _absolute(ref: object, did: str) -> object:
    """DID Core §3.2.2: '#frag' is relative to the DID document's own id."""
    return did + ref if isinstance(ref, str) and ref.startswith("#") else ref


def _methods(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Every verification method dict: listed, or embedded in a relationship."""
    found = [m for m in raw.get("verificationMethod") or [] if isinstance(m, dict)]
    for name in RELATIONSHIPS:
        found += [m for m in raw.get(name) or [] if isinstance(m, dict)]
    return found


def _find_method(raw: dict[str, Any], did: str, vm_url: str) -> dict[str, Any]:
    matches = [m for m in _methods(raw) if _absolute(m.get("id"), did) == vm_url]
    if not matches:
        raise DIDResolutionError(f"DID document of {did} has no verification method {vm_url}")
    # DID Core §5.2: ids are unique, so two different definitions make the key ambiguous. The
    # same method written twice (listed under verificationMethod and embedded again in a
    # relationship, as some DID documents do) is one method: compared with its id absolute.
    if not all(_same_method(m, matches[0], did) for m in matches[1:]):
        raise DIDResolutionError(f"DID document of {did} defines {vm_url} more than once, "
                                 "differently")
    return matches[0]


def _same_method(a: dict[str, Any], b: dict[str, Any], did: str) -> bool:
    return {**a, "id": _absolute(a.get("id"), did)} == {**b, "id": _absolute(b.get("id"), did)}


def _is_authorised(raw: dict[str, Any], did: str, vm_url: str, purpose: str) -> bool:
    for entry in raw.get(purpose) or []:
        ref = entry.get("id") if isinstance(entry, dict) else entry
        if _absolute(ref, did) == vm_url:
            return True
    return False


def _public_key(method: dict[str, Any], vm_url: str) -> Ed25519PublicKey:
    kind = method.get("type")
    for field in ("publicKeyMultibase", "publicKeyBase58"):
        value = method.get(field)
        if isinstance(value, str) and len(value) > MAX_KEY_TEXT:  # base58 decoding is quadratic
            raise DIDResolutionError(f"key {vm_url} has a {field} longer than {MAX_KEY_TEXT}")
    try:
        if kind in MULTIBASE_TYPES:
            value = method.get("publicKeyMultibase")
            if not isinstance(value, str):
                raise KeyFormatError(f"a {kind} needs publicKeyMultibase")
            return public_key_from_multibase(value)
        if kind == "Ed25519VerificationKey2018":
            value = method.get("publicKeyBase58")
            if not isinstance(value, str):
                raise KeyFormatError("an Ed25519VerificationKey2018 needs publicKeyBase58")
            raw = b58decode(value)
            if len(raw) != 32:
                raise KeyFormatError(f"publicKeyBase58 is {len(raw)} bytes, not 32")
            return Ed25519PublicKey.from_public_bytes(raw)
    except (KeyFormatError, MalformedInputError, ValueError) as e:
        raise DIDResolutionError(f"key {vm_url} is unusable: {e}") from None
    raise DIDResolutionError(
        f"key {vm_url} has type {_shown(str(kind))!r}; supported types are Multikey, "
        "Ed25519VerificationKey2020 and Ed25519VerificationKey2018"
    )
