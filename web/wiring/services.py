"""The per-application services views reach through `current_services()`.

`web.wiring.build.build_services` makes every one of them once, in `create_app`, over ONE database
engine (one connection pool per worker process); views only read them. Nothing is added to
`app.extensions` later, so a worker's state is all here and its connections are bounded by
Settings' pool size.
"""
from dataclasses import dataclass, replace

from flask import Flask, current_app
from sqlalchemy import Engine

from issuer.service import IssuerService
from vc.key_store import KeyStore
from verifier.challenges import ChallengeStore
from verifier.edc import EdcVerifier
from verifier.kept_results import KeptResults
from verifier.pdf_seal import PdfSealChecker
from verifier.sd_jwt_vc import SdJwtVcVerifier
from verifier.service import Verifier
from verifier.vp_requests import PresentationRequests
from web.wiring.job_queue import JobQueue
from web.wiring.registry_setup import RegistryServices
from web.wiring.sd_jwt_keys import SdJwtIssuerKey
from web.wiring.seal_setup import BodySeal
from web.wiring.settings import Settings

EXTENSION_KEY = "s4c"


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine  # the one engine (and pool) every service below shares
    issuer_keys: KeyStore
    issuer: IssuerService
    jobs: JobQueue  # cohort uploads run here (`web.wiring.job_queue`)
    registry: RegistryServices
    kept: KeptResults  # what the employer's page shows of each check
    challenges: ChallengeStore  # VC-API presentation challenges
    presentation_requests: PresentationRequests  # OpenID4VP requests and their answers
    sd_jwt_key: SdJwtIssuerKey  # signs SD-JWT VCs and OpenID4VP request objects
    verifier_keys: KeyStore  # signs verification receipts (`web.wiring.verifier_identity`)
    verifier: Verifier
    aries_verifier: Verifier  # also accepts the DIF submission context of Aries
    sd_jwt_verifier: SdJwtVcVerifier
    edc_verifier: EdcVerifier  # European Digital Credentials (Europass): their seals
    body_seal: BodySeal  # seals PDF certificates (`web.wiring.seal_setup`)
    pdf_seal_checker: PdfSealChecker  # checks the seal of an uploaded PDF certificate


def services_of(app: Flask) -> Services:
    return app.extensions[EXTENSION_KEY]


def current_services() -> Services:
    return current_app.extensions[EXTENSION_KEY]


def replace_services(app: Flask, **changes: object) -> Services:
    """Swaps some services of `app` for others (tests: a verifier with no network)."""
    services = app.extensions[EXTENSION_KEY] = replace(services_of(app), **changes)  # type: ignore[arg-type]
    return services


def registry_of(app: Flask) -> RegistryServices:
    return services_of(app).registry


def current_registry() -> RegistryServices:
    return current_services().registry
