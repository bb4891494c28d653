"""Preparing a data directory: database schema, issuer key and cookie secret (`s4c init`)."""
import contextlib
import os
import secrets
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from issuer.audit import record_audit_event
from issuer.edc.sealing import SealOnFirstUse
from issuer.seal import Seal, SealConfig, open_seal
from issuer.service import IssuerConfig, IssuerService
from vc.key_store import KeyStore, KeyStoreError, StoredKey, load_passphrase
from web.wiring.db import make_engine, upgrade, write_gate
from web.wiring.settings import PASSPHRASE_ENV, Settings

SETUP_HINT = "run `s4c init` first"

SECRET_FILE = "flask-secret"  # noqa: S105 - a file name under the data directory
SECRET_BYTES = 32


def secret_key(data_dir: Path) -> bytes:
    """The data directory's session-signing key (cookies, share-link tokens), created
    (0600) on first use. Every instance of one deployment needs the same key: copy the data
    directory after `s4c init` (README, production).

    Several server workers may start at once: the key is written to a private temporary
    file and hard-linked into place, so every worker reads the same complete key.
    """
    path = data_dir / SECRET_FILE
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    tmp = data_dir / f".{SECRET_FILE}.{secrets.token_hex(8)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(SECRET_BYTES))
        with contextlib.suppress(FileExistsError):  # another worker won the race; use its key
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    text = path.read_text().strip()
    if len(text) < 2 * SECRET_BYTES:
        raise RuntimeError(f"{path} holds no usable session key; delete it to make a new one")
    return text.encode()


@dataclass(frozen=True)
class PreparedDataDir:
    """What `prepare_data_dir` found or made; public information only."""

    active_key: StoredKey
    key_created: bool


def key_passphrase(settings: Settings, *, create: bool = False) -> bytes:
    """The passphrase of this data directory's keys: S4C_KEY_PASSPHRASE, else its file."""
    return load_passphrase(settings.data_dir, settings.key_passphrase, create=create,
                           given_name=PASSPHRASE_ENV, setup_hint=SETUP_HINT)


def key_store(directory: Path, passphrase: bytes) -> KeyStore:
    """The key store of `directory` (the data directory, or an authority's)."""
    return KeyStore(directory, passphrase, passphrase_name=PASSPHRASE_ENV, setup_hint=SETUP_HINT)


def open_issuer_keys(settings: Settings, *, create_passphrase: bool = False) -> KeyStore:
    """The issuer's keys: encrypted files in the data directory, or, with
    S4C_ISSUER_KEY_IN_TOKEN, Ed25519 keys in the seal's PKCS#11 token (`issuer.seal`)."""
    passphrase = key_passphrase(settings, create=create_passphrase)
    if settings.issuer_key_in_token:
        # deferred on purpose: the PKCS#11 binding loads only when the key is in a token
        from issuer.seal.token_keys import TokenKeyStore

        if not (settings.seal_pkcs11_module and settings.seal_token_label and settings.seal_pin):
            raise KeyStoreError("S4C_ISSUER_KEY_IN_TOKEN needs the seal's token: set "
                                "S4C_SEAL_PKCS11_MODULE, S4C_SEAL_TOKEN_LABEL and S4C_SEAL_PIN")
        return TokenKeyStore(settings.data_dir, settings.seal_pkcs11_module,
                             settings.seal_token_label, settings.seal_pin,
                             setup_hint=SETUP_HINT)
    return key_store(settings.data_dir, passphrase)


def issuer_service_for(settings: Settings, keys: KeyStore | None = None,
                       engine: Engine | None = None) -> IssuerService:
    """The issuer of the data directory (the one place an `IssuerService` is built);
    `engine`: the app's one engine (`web.wiring.build`), else one of its own."""
    service = IssuerService(
        engine or make_engine(settings.database_url), keys or open_issuer_keys(settings),
        IssuerConfig(did=settings.issuer_did, name=settings.issuer_name,
                     public_url=settings.public_url, wallet_copies=settings.wallet_copies,
                     country=settings.issuer_country,
                     legal_identifier=settings.issuer_legal_id),
        write_gate=write_gate(settings.database_url))
    # EDCs leave sealed with the body's seal, opened when the first one is made
    service.edcs.seal = SealOnFirstUse(partial(issuer_seal, settings))
    return service


def seal_config(settings: Settings) -> SealConfig:
    return SealConfig(
        data_dir=settings.data_dir, passphrase=key_passphrase(settings),
        issuer_name=settings.issuer_name, legal_identifier=settings.issuer_legal_id,
        country=settings.issuer_country,
        pkcs12=settings.seal_pkcs12, pkcs12_passphrase=settings.seal_passphrase,
        pkcs11_module=settings.seal_pkcs11_module, token_label=settings.seal_token_label,
        key_label=settings.seal_key_label, pin=settings.seal_pin, chain=settings.seal_chain,
        tsa_url=settings.tsa_url, content_timestamp=settings.seal_content_timestamp)


def issuer_seal(settings: Settings) -> Seal:
    """The seal key and TSA (the demo ones, made on first use, for what is not configured).
    Opening a token logs in: build it once per process, not per request."""
    return open_seal(seal_config(settings))


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
    secret_key(settings.data_dir)  # made now, so that a copy of the directory carries it
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
