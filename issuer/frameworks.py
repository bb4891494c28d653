"""The competency framework in use: the last one loaded, else the reference framework."""
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from issuer.audit import record_audit_event
from issuer.models import FrameworkRecord
from schemas.framework import Framework, load_framework, load_reference_framework


class FrameworkInUse:
    """Read once per process; loading another one replaces it (with an audit row)."""

    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions
        self._framework: Framework | None = None

    def current(self) -> Framework:
        if self._framework is None:
            with self.sessions() as session:
                record = session.scalars(select(FrameworkRecord).order_by(
                    FrameworkRecord.loaded_at.desc()).limit(1)).first()
            self._framework = load_framework(record.data) if record else \
                load_reference_framework()
        return self._framework

    def load(self, framework: Framework, actor: str) -> None:
        """Stores `framework` as the one in use."""
        with self.sessions.begin() as session:
            session.merge(FrameworkRecord(id=framework.id, version=framework.version,
                                          data=framework.to_dict(),
                                          loaded_at=datetime.now(UTC).replace(microsecond=0)))
            record_audit_event(session, actor, "framework.loaded", framework.id,
                               {"version": framework.version})
        self._framework = framework
