"""The registry's tables: signed credentials with their query index, status lists, keys, audit.

The signed credentials are the record; the other columns index them for queries. Trust
answers are computed from the verified credentials (see `registry.snapshot`), so editing
an index column cannot make anybody accredited.
"""
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the registry's tables."""


class AuthorityRecord(Base):
    """Who may sign for the registry: the operator and each trust anchor (by slug)."""

    __tablename__ = "registry_authorities"
    __table_args__ = (
        UniqueConstraint("slug", name="uq_registry_authorities_slug"),
        UniqueConstraint("did", name="uq_registry_authorities_did"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)  # "operator" | "anchor"
    did: Mapped[str] = mapped_column(Text)
    # "scrypt$n$r$p$<salt b64>$<hash b64>" of the API token; the token itself is never kept.
    token_hash: Mapped[str | None] = mapped_column(Text)
    # scrypt of the console password (`registry.console_access`); None: no console sign-in
    password_hash: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, server_default=func.now()
    )


class CredentialRecord(Base):
    """One signed credential (anchor, accreditation or recognition) and its index."""

    __tablename__ = "registry_credentials"
    __table_args__ = (
        UniqueConstraint("issuer_did", "status_index", name="uq_registry_credentials_status"),
    )

    id: Mapped[str] = mapped_column(Text, primary_key=True)  # the credential's id
    kind: Mapped[str] = mapped_column(Text, index=True)  # anchor | accreditation | recognition
    issuer_did: Mapped[str] = mapped_column(Text, index=True)
    subject_did: Mapped[str | None] = mapped_column(Text, index=True)
    country: Mapped[str | None] = mapped_column(Text, index=True)
    framework: Mapped[str | None] = mapped_column(Text)
    achievement: Mapped[str | None] = mapped_column(Text, index=True)  # recognitions
    eqf_level: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_index: Mapped[int | None] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the credential that took this one's place (`replaces`): kept as history, not withdrawn
    replaced_by: Mapped[str | None] = mapped_column(Text)
    credential: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, server_default=func.now()
    )


class ScopeRecord(Base):
    """Index of an accreditation's achievements in scope (none = the whole framework)."""

    __tablename__ = "registry_credential_scope"

    credential_id: Mapped[str] = mapped_column(
        Text, ForeignKey("registry_credentials.id", ondelete="CASCADE"), primary_key=True
    )
    achievement: Mapped[str] = mapped_column(Text, primary_key=True, index=True)


class BodyRecord(Base):
    """The operator's registration of a certification body: the name (and country) the
    registry shows for it (`registry.body_names`). An anchor's accreditation never writes it."""

    __tablename__ = "registry_bodies"

    did: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[dict[str, str]] = mapped_column(JSON)  # language code -> name
    country: Mapped[str | None] = mapped_column(Text)
    registered_by: Mapped[str] = mapped_column(Text)  # the operator's DID
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, server_default=func.now()
    )


class CurrentRecognitionRecord(Base):
    """A country's current recognition decision on an achievement. One row per (country,
    framework, achievement) as primary key, moved by conditional updates: two anchors
    posting at once cannot both make their decision the current one."""

    __tablename__ = "registry_current_recognitions"

    country: Mapped[str] = mapped_column(Text, primary_key=True)
    framework: Mapped[str] = mapped_column(Text, primary_key=True)
    achievement: Mapped[str] = mapped_column(Text, primary_key=True)
    credential_id: Mapped[str] = mapped_column(Text)


class StatusListRecord(Base):
    """The latest signed BitstringStatusListCredential of one authority."""

    __tablename__ = "registry_status_lists"

    authority_did: Mapped[str] = mapped_column(Text, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    credential: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, server_default=func.now()
    )


class IssuerKeyRecord(Base):
    """A public key the registry was given for a did:web certification body."""

    __tablename__ = "registry_issuer_keys"

    verification_method: Mapped[str] = mapped_column(Text, primary_key=True)
    issuer_did: Mapped[str] = mapped_column(Text, index=True)
    public_key_multibase: Mapped[str] = mapped_column(Text)


class RegistryAuditEvent(Base):
    """One row per change (anchor added/removed, accredited, revoked, recognised...)."""

    __tablename__ = "registry_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, server_default=func.now()
    )
    actor: Mapped[str] = mapped_column(Text)  # the signing authority's DID
    action: Mapped[str] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text, index=True)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ConsoleSessionRecord(Base):
    """A signed-in console session of an authority: the SHA-256 of its random id."""

    __tablename__ = "registry_console_sessions"

    id_hash: Mapped[str] = mapped_column(Text, primary_key=True)
    slug: Mapped[str] = mapped_column(Text, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginThrottleRecord(Base):
    """Failed console sign-ins per account or client address, and the lock they cause."""

    __tablename__ = "registry_login_throttle"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
