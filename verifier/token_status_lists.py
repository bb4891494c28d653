"""Fetching and trusting IETF Status List Tokens for SD-JWT VCs (draft-ietf-oauth-status-list
§8.3), the counterpart of `verifier.status_lists` for W3C lists. A token comes through a
CachingFetcher kept no longer than its own `ttl` (§8.3 step 4d, over HTTP caching headers,
§8.2); a token verified once is remembered by the digest of its body.
"""
import hashlib
import threading
from collections import OrderedDict

from vc.errors import FetchError
from vc.fetch import CachingFetcher, Fetcher
from vc.jose import CompactJws, PublicKey
from vc.sd_jwt_errors import SdJwtError
from vc.sd_jwt_vc_issuer_key import IssuerKey, IssuerKeyPolicy, resolve_status_list_key
from vc.token_status_list import (
    MEDIA_TYPE,
    StatusReference,
    TokenStatusListError,
    VerifiedStatusListToken,
    status_of,
    verify_status_list_token,
)
from verifier.status_lists import StatusUnavailable

MAX_VERIFIED = 256
MAX_TOKEN_BYTES = 2_000_000


class TokenStatusReader:
    def __init__(self, fetcher: Fetcher, keys: IssuerKeyPolicy, ttl_seconds: float = 300,
                 skew_seconds: float = 300) -> None:
        self._fetcher = fetcher if isinstance(fetcher, CachingFetcher) \
            else CachingFetcher(fetcher, ttl_seconds=ttl_seconds)
        self._keys = keys
        self._skew = skew_seconds
        self._verified: OrderedDict[tuple[str, str, str], VerifiedStatusListToken] = \
            OrderedDict()
        self._ttls: dict[str, float] = {}
        self._lock = threading.Lock()

    def status(self, reference: StatusReference, issuer: IssuerKey, now: float) -> int:
        """The status value (`TokenStatus` when registered) at the reference, read from a
        token signed for the credential's own issuer and not expired; StatusUnavailable
        otherwise (never "valid")."""
        try:
            fetched = self._fetcher.fetch(reference.uri, accept=MEDIA_TYPE,
                                          max_age=self._ttls.get(reference.uri))
        except FetchError as e:
            raise StatusUnavailable(f"the status list token could not be fetched: {e}") \
                from None
        if len(fetched.body) > MAX_TOKEN_BYTES:
            raise StatusUnavailable("the status list token is too large")
        key = (reference.uri, issuer.issuer, hashlib.sha256(fetched.body).hexdigest())
        with self._lock:
            token = self._verified.get(key)
        if token is None or (token.expires_at is not None
                             and token.expires_at < now - self._skew):
            token = self._verify(reference.uri, fetched.body, issuer, now)
            with self._lock:
                self._verified[key] = token
                if token.ttl is not None:
                    if len(self._ttls) > MAX_VERIFIED:
                        self._ttls.clear()
                    self._ttls[reference.uri] = token.ttl
                while len(self._verified) > MAX_VERIFIED:
                    self._verified.popitem(last=False)
        try:
            return status_of(token, reference)
        except TokenStatusListError as e:
            raise StatusUnavailable(str(e)) from None

    def _verify(self, uri: str, body: bytes, issuer: IssuerKey,
                now: float) -> VerifiedStatusListToken:
        try:
            text = body.decode("ascii").strip()
        except UnicodeDecodeError:
            raise StatusUnavailable(f"the status list token at {uri} is not a JWT") from None

        def key(jws: CompactJws) -> PublicKey:
            return resolve_status_list_key(jws, issuer, self._keys)

        try:
            return verify_status_list_token(text, uri=uri, key=key, now=now,
                                            skew_seconds=self._skew)
        except (TokenStatusListError, SdJwtError) as e:
            raise StatusUnavailable(f"the status list token at {uri} cannot be used: {e}") \
                from None
