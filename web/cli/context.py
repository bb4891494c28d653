"""Building services for CLI commands from the settings (one data directory)."""
from functools import cache

import click

from issuer.keys import IssuerKeyError
from issuer.service import IssuerConfig, IssuerService
from web.datadir import open_issuer_keys, prepare_data_dir
from web.db import make_engine
from web.settings import Settings


@cache
def issuer_service(settings: Settings) -> IssuerService:
    """The issuer of the data directory (prepared first, so a command works on a new one)."""
    try:
        prepare_data_dir(settings)
        keys = open_issuer_keys(settings)
    except (IssuerKeyError, ValueError, OSError) as e:
        raise click.ClickException(str(e)) from None
    return IssuerService(make_engine(settings.database_url), keys, IssuerConfig(
        did=settings.issuer_did, name=settings.issuer_name, public_url=settings.public_url))
