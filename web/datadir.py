"""Preparing a data directory: database schema and issuer key (what `s4c init` does)."""
import os
from dataclasses import dataclass

from sqlalchemy.orm import Session

from issuer.audit import record_audit_event
from issuer.keys import IssuerKeyStore, StoredKey, load_passphrase
from web.db import make_engine, upgrade
from web.settings import Settings


@dataclass(frozen=True)
class PreparedDataDir:
    """What `prepare_data_dir` found or made; public information only."""

    active_key: StoredKey
    key_created: bool


def open_issuer_keys(settings: Settings, *, create_passphrase: bool = False) -> IssuerKeyStore:
    passphrase = load_passphrase(
        settings.data_dir, settings.key_passphrase, create=create_passphrase
    )
    return IssuerKeyStore(settings.data_dir, passphrase)


def prepare_data_dir(settings: Settings) -> PreparedDataDir:
    """Creates what is missing (directory, migrated database, issuer key); idempotent."""
    did = settings.issuer_did  # a bad S4C_PUBLIC_URL fails here, before anything is written
    if not settings.data_dir.exists():
        settings.data_dir.mkdir(mode=0o700, parents=True)
        os.chmod(settings.data_dir, 0o700)
    upgrade(settings.database_url)
    keys = open_issuer_keys(settings, create_passphrase=True)
    had_key = any(k.is_active for k in keys.all())
    active = keys.ensure_active()
    if not had_key:
        _audit_key_created(settings, f"{did}#{active.key_id}", active)
    return PreparedDataDir(active_key=active, key_created=not had_key)


def _audit_key_created(settings: Settings, key_url: str, key: StoredKey) -> None:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            record_audit_event(
                session, actor="s4c init", action="issuer.key.created",
                subject=key_url,
                detail={"publicKeyMultibase": key.public_key_multibase},
            )
    finally:
        engine.dispose()
