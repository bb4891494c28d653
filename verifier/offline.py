"""Verification with no network: issuer keys from a trust list (`TrustedIssuer.public_keys`),
did:key from the key itself, status lists only when they are given."""
import json
from collections.abc import Iterable

from vc.did_resolver import DIDResolver, VerificationKey
from vc.errors import DIDResolutionError, FetchError
from vc.fetch import FetchResult, StaticFetcher
from vc.multikey import public_key_from_multibase
from vc.trust import TrustSource, TrustSourceUnavailable


class TrustedKeyResolver:
    """Resolves a verification method from the trust source's registered issuer keys.

    A registered key counts for issuing (assertionMethod) and for the issuer's own
    presentations (authentication): the trust anchor vouched for it. did:key resolves from
    the key itself; any other DID is refused (never fetched).
    """

    def __init__(self, trust: TrustSource) -> None:
        self._trust = trust
        self._did_key = DIDResolver(fetcher=StaticFetcher({}))

    def resolve_verification_method(self, vm_url: str,
                                    purpose: str = "assertionMethod") -> VerificationKey:
        if isinstance(vm_url, str) and vm_url.startswith("did:key:"):
            return self._did_key.resolve_verification_method(vm_url, purpose)
        if not isinstance(vm_url, str) or "#" not in vm_url:
            raise DIDResolutionError(f"{str(vm_url)[:200]!r} is not a verification method URL")
        did = vm_url.split("#", 1)[0]
        try:
            issuer = self._trust.issuer(did)
        except TrustSourceUnavailable as e:
            raise FetchError(f"the trust list could not be read: {e}") from None
        if issuer is None:
            raise DIDResolutionError(f"{did} is not in the trust list, and offline "
                                     "verification cannot fetch its DID document")
        multibase = issuer.public_keys.get(vm_url)
        if multibase is None:
            raise DIDResolutionError(f"the trust list has no key {vm_url} for {did}")
        return VerificationKey(vm_url, did, public_key_from_multibase(multibase))


class OfflineStatusFetcher(StaticFetcher):
    """Status list credentials given as files; any other URL is 'not available offline'."""

    def __init__(self, lists: Iterable[object] = ()) -> None:
        super().__init__({doc["id"]: json.dumps(doc).encode() for doc in lists
                          if isinstance(doc, dict) and isinstance(doc.get("id"), str)})

    def fetch(self, url: str, accept: str = "application/json",
              etag: str | None = None) -> FetchResult:
        try:
            return super().fetch(url, accept, etag)
        except FetchError:
            raise FetchError(f"offline: the status list {url[:200]} was not given "
                             "(--status-list FILE)") from None
