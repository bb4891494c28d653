"""The audit trail: one row for every state change that matters (issue, revoke, keys...)."""
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the issuer's tables."""


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: datetime.now(UTC), server_default=func.now()
    )
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text, index=True)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"AuditEvent({self.id!r}, {self.action!r}, subject={self.subject!r})"


def record_audit_event(
    session: Session,
    actor: str,
    action: str,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Adds an audit row to the caller's transaction (committed together with the change)."""
    event = AuditEvent(actor=actor, action=action, subject=subject, detail=detail)
    session.add(event)
    return event
