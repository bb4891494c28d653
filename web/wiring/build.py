"""Builds every service of one web app, once, in `create_app` (`web.wiring.services.Services`).

One database engine per worker process, so one connection pool, sized by Settings
(S4C_DB_POOL_SIZE, S4C_DB_MAX_OVERFLOW): the issuer, the registry and the verifier's
tables live in the one database of `DATABASE_URL`. Views never build anything: a worker's
connections stay within one pool however many pages and APIs it serves.

`s4c serve` builds the app in each gunicorn worker after the fork (no `preload_app`), so
no worker inherits a parent's pooled connections. An app built before a fork anyway (a
server run with `--preload`) has its pool emptied in the child, without closing the
parent's connections (SQLAlchemy, "Using Connection Pools with Multiprocessing or
os.fork()").
"""
import os
import weakref

from flask import Flask
from sqlalchemy import Engine

from verifier.challenges import ChallengeStore
from verifier.kept_results import KeptResults
from verifier.pdf_seal import PdfSealChecker
from verifier.vp_requests import PresentationRequests
from web.wiring.datadir import issuer_service_for, open_issuer_keys
from web.wiring.db import make_engine
from web.wiring.job_queue import JobQueue
from web.wiring.registry_setup import open_registry
from web.wiring.sd_jwt_keys import sd_jwt_issuer_key
from web.wiring.seal_setup import BodySeal, seal_anchors
from web.wiring.services import Services
from web.wiring.settings import Settings
from web.wiring.verifier_identity import open_verifier_keys
from web.wiring.verifiers import (
    app_trust_source,
    build_app_sd_jwt_verifier,
    build_app_verifier,
    build_edc_verifier,
)


def build_services(app: Flask, settings: Settings) -> Services:
    """The services of `app` (which answers this server's own documents to its verifiers in
    process). Raises `vc.key_store.KeyStoreError` as `open_issuer_keys`."""
    keys = open_issuer_keys(settings)
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size,
                         max_overflow=settings.db_max_overflow)
    _forget_pool_in_forked_children(engine)
    issuer = issuer_service_for(settings, keys, engine)
    registry = open_registry(settings, engine)
    sd_jwt_key = sd_jwt_issuer_key(settings)
    trust = app_trust_source(settings, registry.trust_source)
    return Services(
        settings=settings, engine=engine, issuer_keys=keys, issuer=issuer,
        # a job worker is another process, with an engine of its own (`JobQueue`)
        jobs=JobQueue(settings, lambda: issuer_service_for(settings)),
        registry=registry,
        kept=KeptResults(engine),
        challenges=ChallengeStore(engine),
        presentation_requests=PresentationRequests(engine),
        sd_jwt_key=sd_jwt_key,
        verifier_keys=open_verifier_keys(settings),
        verifier=build_app_verifier(app, settings, trust),
        aries_verifier=build_app_verifier(app, settings, trust, aries=True),
        sd_jwt_verifier=build_app_sd_jwt_verifier(app, settings, trust, sd_jwt_key),
        edc_verifier=build_edc_verifier(settings),
        body_seal=BodySeal(settings),
        pdf_seal_checker=PdfSealChecker(seal_anchors(settings)))


def _forget_pool_in_forked_children(engine: Engine) -> None:
    # a weak reference: an app dropped (tests make many) is not kept alive by the hook
    ref = weakref.ref(engine)

    def after_fork() -> None:
        found = ref()
        if found is not None:
            found.dispose(close=False)
    os.register_at_fork(after_in_child=after_fork)
