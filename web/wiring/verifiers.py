"""How this deployment assembles a `Verifier`: the one place, for the VC-API, the employer's
page, the Aries pages and the command line.

A server verifies with its own registry (or a trust list named by S4C_TRUST_LIST), answers
its own DID document and status lists in process, and fetches everything else over HTTPS
only (plus its own loopback URL when S4C_ALLOW_LOOPBACK_FETCH, for development and tests).
"""
import logging
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy.orm import sessionmaker

from issuer.aries.contexts import aries_context_store
from registry import trust_source as registry_trust
from registry.service import Registry
from schemas.jsonld_contexts import CONTEXTS_DIR
from vc.contexts import ContextStore, shared_store
from vc.did_resolver import DIDResolver
from vc.fetch import Fetcher, FetchPolicy, FetchResult, HttpFetcher, StaticFetcher
from vc.jades.anchor_sources import load_anchors
from vc.jades.anchors import AnchorsError
from vc.sd_jwt_vc_issuer_key import IssuerKeyPolicy
from vc.trust import TrustSource, TrustSourceUnavailable
from verifier.edc import EdcVerifier
from verifier.edc_format import edc_format_check
from verifier.offline import OfflineStatusFetcher, TrustedKeyResolver
from verifier.sd_jwt_vc import SdJwtVcVerifier
from verifier.service import Verifier
from verifier.trust_cache import RecentTrustSource
from web.plumbing.own_origin import InProcessOrigin
from web.wiring.db import make_engine
from web.wiring.sd_jwt_keys import SdJwtIssuerKey, sd_jwt_issuer_key
from web.wiring.services import services_of
from web.wiring.settings import Settings

log = logging.getLogger(__name__)
TRUST_TTL_SECONDS = 5  # a registry change shows in verification within this time
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class OwnOriginFetcher:
    """HTTPS everywhere, except the app's own loopback public URL over plain http, which
    is allowed only with the explicit S4C_ALLOW_LOOPBACK_FETCH setting (dev and tests).
    did:web names https, so https://<own host>/ is fetched as http://<own host>/."""

    def __init__(self, public_url: str | None) -> None:
        self._strict = HttpFetcher()
        self._own: tuple[str, str] | None = None
        parts = urlsplit(public_url or "")
        if parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS:
            origin = f"{parts.hostname}:{parts.port or 80}"
            self._own = (f"http://{origin}/", f"https://{origin}/")
            self._loopback = HttpFetcher(FetchPolicy(unsafe_allow_http_loopback=True))

    def fetch(self, url: str, accept: str = "application/json",
              etag: str | None = None) -> FetchResult:
        if self._own is not None and isinstance(url, str):
            http_origin, https_origin = self._own
            if url.startswith(https_origin):
                url = http_origin + url[len(https_origin):]
            if url.startswith(http_origin):
                return self._loopback.fetch(url, accept, etag)
        return self._strict.fetch(url, accept, etag)


def own_origin_fetcher(settings: Settings) -> OwnOriginFetcher:
    """HTTPS only, plus this server's own loopback URL when S4C_ALLOW_LOOPBACK_FETCH."""
    return OwnOriginFetcher(settings.public_url if settings.allow_loopback_fetch else None)


def open_trust_source(database_url: str | None, public_url: str,
                      trust_list: str | None = None, operator_did: str | None = None,
                      sequences_file: Path | None = None) -> TrustSource | None:
    """A trust-list file (when named, with its operator's DID), else the registry's
    database; None when the registry is not installed or cannot be opened (issuer trust
    is then 'unknown'). Raises TrustSourceUnavailable for an unusable trust list."""
    if trust_list:
        if not operator_did:
            raise TrustSourceUnavailable("a trust list needs the DID of the registry operator "
                                         "that signed it")
        return registry_trust.TrustListTrustSource.from_file(
            trust_list, operator_did, seen=registry_trust.SeenSequences(sequences_file))
    if database_url is None:
        return None
    try:
        sessions = sessionmaker(make_engine(database_url))
        return registry_trust.DatabaseTrustSource(Registry(sessions, public_url))
    except Exception:  # a registry that cannot start must not take verification down
        log.exception("the registry trust source could not be opened; issuer trust is unknown")
        return None


def app_trust_source(settings: Settings, registry: TrustSource) -> TrustSource | None:
    """The app's registry (`registry`), or the trust list named by S4C_TRUST_LIST; wrapped
    so that a registry change shows within TRUST_TTL_SECONDS."""
    trust: TrustSource | None = registry
    if settings.trust_list:
        try:
            trust = open_trust_source(None, settings.public_url, settings.trust_list,
                                      settings.trust_operator_did)
        except TrustSourceUnavailable:
            log.exception("the trust list named by S4C_TRUST_LIST is unusable")
            return None
    return RecentTrustSource(trust, ttl_seconds=TRUST_TTL_SECONDS) if trust is not None \
        else None


def build_verifier(settings: Settings, trust: TrustSource | None, *, app: Flask | None = None,
                   offline: bool = False, status_lists: list[object] | None = None,
                   store: ContextStore | None = None) -> Verifier:
    """A Verifier for this deployment. `app`: answer this server's own documents in process.
    `offline`: nothing is fetched (keys from the trust list, status only from
    `status_lists`). `status_lists`: status list credentials given by the caller (what is not
    a JSON object with an id is ignored)."""
    if offline:
        resolver = TrustedKeyResolver(trust) if trust is not None \
            else DIDResolver(fetcher=StaticFetcher({}))  # did:key only
        return Verifier(trust, resolver, OfflineStatusFetcher(status_lists or []), store=store)
    fetcher: Fetcher = own_origin_fetcher(settings)
    if app is not None:
        fetcher = InProcessOrigin(app, settings.public_url, fetcher)
    status = OfflineStatusFetcher(status_lists) if status_lists else fetcher
    return Verifier(trust, DIDResolver(fetcher=fetcher), status, store=store)


def context_store_for(settings: Settings) -> ContextStore | None:
    """The contexts this deployment's verifier accepts: the pinned ones (None: the
    verifier's default store), plus S4C_EXTRA_CONTEXTS when set (the conformance suites'
    configuration; each extra file is pinned by its SHA-256 in that folder's manifest)."""
    if settings.extra_contexts is None:
        return None
    return shared_store(CONTEXTS_DIR, settings.extra_contexts)


def build_app_verifier(app: Flask, settings: Settings, trust: TrustSource | None, *,
                       aries: bool = False) -> Verifier:
    """The app's Verifier (built once, in `create_app`); `aries`: the one that also accepts
    the DIF submission context of Aries presentations."""
    return build_verifier(settings, trust, app=app,
                          store=aries_context_store() if aries else context_store_for(settings))


def build_app_sd_jwt_verifier(app: Flask, settings: Settings, trust: TrustSource | None,
                              key: SdJwtIssuerKey) -> SdJwtVcVerifier:
    """The app's SD-JWT VC verifier (built once, in `create_app`): issuer keys from an x5c
    chain to this deployment's SD-JWT trust anchors (the demo CA of the data directory, or
    none when the body's own chain is configured: then JWT VC Issuer Metadata), Status List
    Tokens and metadata fetched like every other document (this server's own in process)."""
    fetcher = InProcessOrigin(app, settings.public_url, own_origin_fetcher(settings))
    return SdJwtVcVerifier(trust, IssuerKeyPolicy(trust_anchors=key.anchors,
                                                  metadata_fetcher=fetcher), fetcher)


def verifier_for_app(app: Flask, *, aries: bool = False) -> Verifier:
    """The app's Verifier; `aries`: the one that also accepts the DIF submission context."""
    services = services_of(app)
    return services.aries_verifier if aries else services.verifier


def sd_jwt_verifier_for_app(app: Flask) -> SdJwtVcVerifier:
    """The app's SD-JWT VC verifier."""
    return services_of(app).sd_jwt_verifier


def build_sd_jwt_verifier(settings: Settings, trust: TrustSource | None,
                          fetcher: Fetcher | None = None) -> SdJwtVcVerifier:
    """An SD-JWT VC verifier for this deployment (the page, the API, the command line)."""
    fetcher = fetcher or own_origin_fetcher(settings)
    anchors = sd_jwt_issuer_key(settings).anchors
    return SdJwtVcVerifier(trust, IssuerKeyPolicy(trust_anchors=anchors,
                                                  metadata_fetcher=fetcher), fetcher)


def build_edc_verifier(settings: Settings) -> EdcVerifier:
    """The verifier of European Digital Credentials, with the seal anchors of the settings
    read once (a folder, a trusted list, or none); ValueError names a file that cannot be
    read, so a misconfigured server does not start."""
    try:
        anchors = load_anchors(settings.seal_anchors_in_use, settings.seal_trusted_list,
                               settings.seal_trusted_list_signers)
    except AnchorsError as e:
        raise ValueError(f"S4C_SEAL_ANCHORS_DIR / S4C_TRUSTED_LIST: {e}") from None
    return EdcVerifier(anchors, format_check=edc_format_check)


def edc_verifier_for_app(app: Flask) -> EdcVerifier:
    return services_of(app).edc_verifier
