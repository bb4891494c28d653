"""The verifier's tables: presentation challenges (each accepted once, until it expires) and
results kept for a short time (the employer's page redirects to one after each check)."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the verifier's tables."""


class PresentationChallenge(Base):
    __tablename__ = "verifier_challenges"

    challenge: Mapped[str] = mapped_column(Text, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class KeptResult(Base):
    """One verification as the employer saw it, kept until `expires_at`: the report (no
    credential), and the salted e-mail hashes the holder e-mail field compares with."""

    __tablename__ = "verifier_kept_results"

    id: Mapped[str] = mapped_column(Text, primary_key=True)  # random, unguessable
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    email_hashes: Mapped[list[list[str]]] = mapped_column(JSON)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
