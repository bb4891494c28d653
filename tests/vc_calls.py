"""How the tests call `vc.api`, which takes everything from its caller: the project's
contexts (`shared_store(CONTEXTS_DIR)`, as the services use), an offline DID resolver
(did:key needs no fetch; a did:web key is then "could not fetch", never a network call) and
every cryptosuite vc implements."""
from typing import Any

from schemas.jsonld_contexts import CONTEXTS_DIR
from vc import api
from vc.checks import VerificationResult
from vc.contexts import ContextStore, shared_store
from vc.cryptosuites import ALL_SUITES
from vc.did_resolver import DIDResolver
from vc.fetch import StaticFetcher
from vc.multikey import Ed25519Multikey

STORE = shared_store(CONTEXTS_DIR)
OFFLINE = DIDResolver(fetcher=StaticFetcher({}))


def sign(document: dict, key: Ed25519Multikey, *, store: ContextStore = STORE,
         **options: Any) -> dict:
    return api.sign(document, key, store=store, **options)


def issue(document: dict, key: Ed25519Multikey, *, store: ContextStore = STORE,
          **options: Any) -> dict:
    return api.issue(document, key, store=store, **options)


def verify(document: object, *, resolver: Any = OFFLINE, store: ContextStore = STORE,
           **options: Any) -> VerificationResult:
    return api.verify(document, resolver=resolver, store=store, suites=ALL_SUITES, **options)
