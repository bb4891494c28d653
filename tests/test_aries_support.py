"""Shared set-up of the Aries tests (no tests here): one s4c issuer with its real ACA-Py agent,
one ACA-Py agent as the holder's wallet, a registry that accredits the issuer, and our
verifier. Started once per test session (`aries_world(request)`), stopped at its end."""
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from issuer.aries.agent import AgentClient
from issuer.aries.contexts import aries_context_store
from issuer.aries.exchanges import AriesIssuer
from issuer.aries.process import (
    HOLDER_FLAGS,
    ISSUER_FLAGS,
    AgentProcess,
    temporary_agent,
    write_did_documents,
)
from issuer.did_web import issuer_did_document
from issuer.service import IssuerService
from registry.authority import Authority
from registry.body_keys import did_document_keys
from registry.demo import seed_demo
from registry.service import Registry
from registry.trust_source import DatabaseTrustSource
from vc.did_resolver import DIDResolver
from vc.did_web import did_web_to_url
from vc.fetch import FetchResult, StaticFetcher
from vc.multikey import Ed25519Multikey
from verifier.service import Verifier
from web.cli.context import issuer_service
from web.wiring.db import make_engine, upgrade
from web.wiring.settings import Settings

PUBLIC_URL = "https://certify.example.eu"
WORLD_KEY = pytest.StashKey["AriesWorld"]()


class IssuerStatusFetcher:
    """Serves the issuer's status list credentials as they are now (after any revocation)."""

    def __init__(self, service: IssuerService) -> None:
        self.service = service
        self.prefix = f"{service.config.public_url}/status/"

    def fetch(self, url: str, accept: str = "application/json",
              etag: str | None = None) -> FetchResult:
        from vc.errors import FetchError

        purpose, _, number = url.removeprefix(self.prefix).partition("/")
        doc = self.service.status_list_credential(purpose, int(number)) \
            if url.startswith(self.prefix) and number.isdigit() else None
        if doc is None:
            raise FetchError(f"no status list at {url}")
        return FetchResult(url, 200, json.dumps(doc).encode(), "application/vc+ld+json", None)


@dataclass
class AriesWorld:
    root: Path
    service: IssuerService
    agents: list[AgentProcess]
    issuer: AgentClient
    holder: AgentClient
    aries: AriesIssuer
    holder_did: str
    trust: DatabaseTrustSource
    did_document: dict
    connection_id: str = ""
    issued: dict = field(default_factory=dict)  # s4c credential id -> s4c document

    def resolver(self) -> DIDResolver:
        did = self.service.config.did
        return DIDResolver(fetcher=StaticFetcher(
            {did_web_to_url(did): json.dumps(self.did_document).encode()}))

    def verifier(self) -> Verifier:
        """Our verifier: registry trust, the issuer's live status lists, no cache."""
        return Verifier(self.trust, self.resolver(), IssuerStatusFetcher(self.service),
                        status_ttl_seconds=0, store=aries_context_store())

    def certify(self, name: str, email: str, did: str | None, role: str = "SCPM") -> list[dict]:
        fw = self.service.framework()
        ref = self.service.add_candidate(name, email, did, "test")
        for j, unit in enumerate(fw.role(role).units):
            self.service.record_assessment(ref, unit, 80, 100, date.today() - timedelta(days=j),
                                           "Exam Centre", "Assessor", "test")
        docs = self.service.certify_and_issue(ref, "test").issued
        self.issued.update({d["id"]: d for d in docs})
        return docs

    def stop(self) -> None:
        for agent in self.agents:
            agent.stop()


def _registry(root: Path, service: IssuerService) -> DatabaseTrustSource:
    url = f"sqlite:///{root / 'registry.db'}"
    upgrade(url)
    # the body's keys come from its own DID document, served offline to a real resolver
    document = issuer_did_document(service.config.did, service.keys.all())
    fetcher = StaticFetcher({did_web_to_url(service.config.did): json.dumps(document).encode()})
    registry = Registry(sessionmaker(make_engine(url)), "https://registry.example.eu",
                        body_keys=did_document_keys(DIDResolver(fetcher=fetcher)))
    authorities: dict[str, Authority] = {}

    def authority_for(slug: str) -> Authority:
        return authorities.setdefault(slug, Authority.from_key(Ed25519Multikey.generate()))

    seed_demo(registry, authority_for, service.config.did)
    return DatabaseTrustSource(registry)


def start_world(root: Path) -> AriesWorld:
    settings = Settings.from_environment(root / "data", environ={
        "S4C_PUBLIC_URL": PUBLIC_URL, "S4C_KEY_PASSPHRASE": "aries test passphrase"})
    service = issuer_service(settings)
    did_document = issuer_did_document(service.config.did, service.keys.all())
    # the holder's wallet would resolve the issuer's did:web over HTTPS: here it is pinned
    dids = write_did_documents(root / "did-documents.json", [did_document])
    agents = [temporary_agent(root / "issuer-agent", label="s4c issuer", flags=ISSUER_FLAGS,
                              did_documents=dids),
              temporary_agent(root / "holder-agent", label="holder wallet", flags=HOLDER_FLAGS,
                              did_documents=dids)]
    for agent in agents:
        agent.launch()  # both boot at once
    try:
        issuer, holder = (agent.wait_ready() for agent in agents)
        aries = AriesIssuer.for_service(issuer, service)
        world = AriesWorld(root, service, agents, issuer, holder, aries,
                           holder.create_did_key(), _registry(root, service), did_document)
    except BaseException:
        for agent in agents:
            agent.stop()
        raise
    return world


def aries_world(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> AriesWorld:
    """The session's world, started by the first module that asks for it."""
    world = request.config.stash.get(WORLD_KEY, None)
    if world is None:
        world = start_world(tmp_path_factory.mktemp("aries"))
        request.config.stash[WORLD_KEY] = world
        request.config.add_cleanup(world.stop)
    return world
