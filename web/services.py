"""The per-application services views reach through `current_services()`."""
from dataclasses import dataclass

from flask import current_app

from issuer.service import IssuerService
from vc.key_store import KeyStore
from web.job_queue import JobQueue
from web.settings import Settings

EXTENSION_KEY = "s4c"


@dataclass(frozen=True)
class Services:
    settings: Settings
    issuer_keys: KeyStore
    issuer: IssuerService
    jobs: JobQueue  # cohort uploads run here (`web.job_queue`)


def current_services() -> Services:
    return current_app.extensions[EXTENSION_KEY]
