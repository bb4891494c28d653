"""Wiring of the public registry into one data directory: database, authority keys, app.

Each registry authority (the operator, each trust anchor) has its own Ed25519 key, kept
like the issuer's (`vc.key_store.KeyStore`: PKCS#8 encrypted with the key
passphrase) under `<data_dir>/registry/authorities/<slug>/keys/`. Its DID is the key's
did:key. Only this module turns a slug into a signing authority.
"""
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from issuer.did_web import DID_JSON, issuer_did_document_json
from registry.authority import Authority
from registry.body_keys import did_document_keys
from registry.codes import RegistryCode
from registry.console_access import ConsoleAccess
from registry.demo import SeedReport, seed_demo
from registry.errors import RecordNotFound
from registry.service import Registry
from registry.trust_list import TRUST_LIST_TTL, sign_trust_list, unsigned_trust_list
from registry.trust_source import DatabaseTrustSource
from registry.validation import slug as check_slug
from registry.vocab import OPERATOR_SLUG, now
from vc.did_resolver import DIDResolver
from vc.did_web import did_web_to_url
from vc.fetch import Fetcher, FetchResult, HttpFetcher
from vc.key_store import KeyStore
from web.wiring.datadir import key_passphrase, key_store, open_issuer_keys
from web.wiring.db import make_engine
from web.wiring.settings import Settings

TRUST_LIST_REISSUE_SECONDS = 3600  # a cached list is re-signed after an hour or a change


class AuthorityKeys:
    """The signing keys of the registry's authorities in one data directory."""

    def __init__(self, data_dir: Path, passphrase: bytes) -> None:
        self._base = Path(data_dir) / "registry" / "authorities"
        self._passphrase = passphrase

    def _store(self, slug: str) -> KeyStore:
        check_slug(slug)
        for path in (self._base.parent, self._base, self._base / slug):
            if not path.exists():
                path.mkdir(mode=0o700, exist_ok=True)
                os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask
        return key_store(self._base / slug, self._passphrase)

    def authority(self, slug: str) -> Authority:
        """The authority's did:key and signing key; a key is created on first use."""
        store = self._store(slug)
        key = store.signing_key(store.ensure_active().key_id)
        return Authority.from_key(key)

    def existing(self, slug: str) -> Authority:
        """The authority's key, which must exist already: nothing is created for a mistyped
        slug (RecordNotFound)."""
        check_slug(slug)
        if not (self._base / slug).is_dir():
            raise RecordNotFound(RegistryCode.NO_AUTHORITY_KEY, slug=slug)
        return self.authority(slug)


@dataclass
class RegistryServices:
    settings: Settings
    engine: Engine
    registry: Registry
    keys: AuthorityKeys
    trust_source: DatabaseTrustSource
    access: ConsoleAccess
    _trust_list: tuple[int, datetime, dict] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def operator(self) -> Authority:
        """The operator's authority, registering it on first use."""
        operator = self.keys.authority(OPERATOR_SLUG)
        try:
            self.registry.ensure_operator(operator)
        except IntegrityError:  # another worker registered it at the same moment
            self.registry.ensure_operator(operator)
        return operator

    def trust_list(self) -> dict:
        """The signed trust list, re-issued after a change or an hour (validUntil: +24 h)."""
        version = self.registry.version()
        with self._lock:
            cached = self._trust_list
            if cached is not None and cached[0] == version and \
                    (now() - cached[1]).total_seconds() < TRUST_LIST_REISSUE_SECONDS:
                return cached[2]
            operator = self.operator()
            issued = now()
            document = sign_trust_list(unsigned_trust_list(
                self.registry.trust_data(), self.registry.snapshot(),
                list_url=self.registry.trust_list_url, sequence=version, issued=issued,
                ttl=TRUST_LIST_TTL), operator)
            self._trust_list = (version, issued, document)
            return document

    def close(self) -> None:
        self.engine.dispose()


class OwnDidDocument:
    """This instance's own issuer DID document, read in process; any other did:web document
    through the strict fetcher (https, public addresses, bounded)."""

    def __init__(self, settings: Settings, fallback: Fetcher | None = None) -> None:
        self._settings = settings
        self._fallback = fallback or HttpFetcher()
        did = settings.issuer_did
        self._own_url = did_web_to_url(did) if did.startswith("did:web:") else None

    def fetch(self, url: str, accept: str = "application/json",
              etag: str | None = None) -> FetchResult:
        if url != self._own_url:
            return self._fallback.fetch(url, accept, etag)
        body = issuer_did_document_json(self._settings.issuer_did,
                                 open_issuer_keys(self._settings).all())
        return FetchResult(url, 200, body, DID_JSON, None, max_age=0)


def body_key_source(settings: Settings):
    """Where the registry reads accredited bodies' keys: their DID documents (cached 60 s)."""
    return did_document_keys(DIDResolver(fetcher=OwnDidDocument(settings), cache_ttl=60))


def open_registry(settings: Settings, engine: Engine | None = None) -> RegistryServices:
    """The registry of an initialised data directory (`s4c init`); `engine`: the app's one
    engine (`web.wiring.build`), else one of its own."""
    passphrase = key_passphrase(settings)
    engine = engine or make_engine(settings.database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    registry = Registry(sessions, settings.public_url, body_keys=body_key_source(settings))
    return RegistryServices(settings=settings, engine=engine, registry=registry,
                            keys=AuthorityKeys(settings.data_dir, passphrase),
                            trust_source=DatabaseTrustSource(registry),
                            access=ConsoleAccess(sessions))


def seed_demo_registry(settings: Settings) -> SeedReport:
    """Seeds the demo registry (idempotent). Call after `prepare_data_dir` in `s4c init`."""
    services = open_registry(settings)
    try:
        services.operator()
        # the body is registered under the name its credentials carry (S4C_ISSUER_NAME)
        return seed_demo(services.registry, services.keys.authority, settings.issuer_did,
                         settings.issuer_name)
    finally:
        services.close()

