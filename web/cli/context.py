"""Building services for CLI commands from the settings (one data directory)."""
from functools import cache

import click

from issuer.service import IssuerService
from vc.key_store import KeyStoreError
from web.wiring.datadir import issuer_service_for, prepare_data_dir
from web.wiring.job_queue import JobQueue
from web.wiring.settings import Settings


@cache
def issuer_service(settings: Settings) -> IssuerService:
    """The issuer of the data directory (prepared first, so a command works on a new one)."""
    try:
        prepare_data_dir(settings)
        return issuer_service_for(settings)
    except (KeyStoreError, ValueError, OSError) as e:
        raise click.ClickException(str(e)) from None


def job_queue(settings: Settings) -> JobQueue:
    """The deployment's job queue; its workers build their own issuer after forking."""
    return JobQueue(settings, lambda: issuer_service_for(settings))
