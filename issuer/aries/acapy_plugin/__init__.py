"""ACA-Py plugin (`aca-py start --plugin issuer.aries.acapy_plugin`): JSON-LD documents from
s4c's pinned files, never from the network.

ACA-Py 1.7 loads only the contexts of its own static cache; any other context URL is fetched
over HTTP. This plugin replaces the agent's `DocumentLoader` with `PinnedDocumentLoader`:
- http(s) URLs are answered from `vc.contexts.ContextStore` (the contexts pinned by SHA-256
  in `vc/pinned_contexts/` and `schemas/contexts/`), then from the files ACA-Py bundles
  (security v1/v2, which it frames keys with, DIF submission, ...); any other URL is an
  error, not a fetch;
- DIDs listed in the file named by `--plugin-config-value s4c.did_documents=FILE` (a JSON
  object DID -> DID document, e.g. the issuer's did:web written by `s4c agent start`) are
  answered from it; other DIDs go to the agent's resolvers (did:key, did:peer, ...).

The conductor binds its default loader after plugins are set up, so the plugin rebinds on
the startup event; `GET /s4c/contexts` (see `routes`) tells whether that happened.
"""
import json
import logging
from pathlib import Path

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.event_bus import Event, EventBus
from acapy_agent.core.profile import Profile
from acapy_agent.core.util import STARTUP_EVENT_PATTERN
from acapy_agent.vc.ld_proofs.document_downloader import StaticCacheJsonLdDownloader
from acapy_agent.vc.ld_proofs.document_loader import DocumentLoader
from acapy_agent.vc.ld_proofs.error import LinkedDataProofException

from schemas.jsonld_contexts import CONTEXTS_DIR
from vc.contexts import ContextStore, shared_store
from vc.errors import ContextError

LOGGER = logging.getLogger(__name__)
CONFIG_KEY = "s4c"
MAX_DID_DOCUMENTS_BYTES = 1024 * 1024
AGENT_BUNDLED = frozenset(StaticCacheJsonLdDownloader.CONTEXT_FILE_MAPPING)


class PinnedDocumentLoader(DocumentLoader):
    """ACA-Py's document loader, with s4c's pinned contexts and DID documents first."""

    def __init__(self, profile: Profile, store: ContextStore,
                 did_documents: dict[str, dict]) -> None:
        super().__init__(profile)
        self.store = store
        self.did_documents = did_documents
        self.refused: list[str] = []  # context URLs asked for and refused (diagnostics)

    def urls(self) -> list[str]:
        return sorted(set(self.store.urls()) | set(AGENT_BUNDLED))

    def _load_http_document(self, url: str, options: dict) -> dict:
        if url not in self.store.manifest and url in AGENT_BUNDLED:
            return super()._load_http_document(url, options)  # a hit in its static cache
        try:
            document = self.store.load(url)
        except ContextError as e:
            self.refused = [*self.refused[-63:], url]
            raise LinkedDataProofException(str(e)) from None
        return {"contentType": "application/ld+json", "contextUrl": None,
                "documentUrl": url, "document": document}

    async def _load_did_document(self, did: str, options: dict) -> dict:
        plain = did.split("#", 1)[0].split("?", 1)[0]
        document = self.did_documents.get(plain)
        if document is None:
            return await super()._load_did_document(did, options)
        return {"contentType": "application/ld+json", "contextUrl": None,
                "documentUrl": plain, "document": document}


def plugin_settings(context: InjectionContext) -> dict:
    config = context.settings.get("plugin_config") or {}
    value = config.get(CONFIG_KEY) if isinstance(config, dict) else None
    return value if isinstance(value, dict) else {}


def read_did_documents(path: str | None) -> dict[str, dict]:
    """DID -> DID document from a JSON file; every entry must name its own DID."""
    if not path:
        return {}
    raw = Path(path).read_bytes()
    if len(raw) > MAX_DID_DOCUMENTS_BYTES:
        raise ValueError(f"{path} is larger than {MAX_DID_DOCUMENTS_BYTES} bytes")
    documents = json.loads(raw)
    if not isinstance(documents, dict) or not all(
            isinstance(d, dict) and d.get("id") == did for did, d in documents.items()):
        raise ValueError(f"{path} must map each DID to a DID document with that id")
    return documents


async def setup(context: InjectionContext) -> None:
    """Called by ACA-Py when it loads the plugin; rebinds the loader on startup."""
    settings = plugin_settings(context)
    store = shared_store(CONTEXTS_DIR)
    for url in store.urls():
        store.load(url)  # a changed pinned file stops the agent now, with its SHA-256 error
    did_documents = read_did_documents(settings.get("did_documents"))

    async def bind_loader(profile: Profile, event: Event) -> None:
        loader = PinnedDocumentLoader(profile, store, did_documents)
        profile.context.injector.bind_instance(DocumentLoader, loader)
        LOGGER.info("s4c: pinned document loader bound (%d contexts, %d DID documents)",
                    len(store.urls()), len(did_documents))

    context.inject(EventBus).subscribe(STARTUP_EVENT_PATTERN, bind_loader)
