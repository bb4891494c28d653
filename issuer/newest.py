"""The newest issued credential of each role and unit: what a server verifies once at start-up
to warm its caches (contexts, RDF plans, JSON Schemas, DID document, status lists)."""
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from issuer.models import IssuedCredential as C


def newest_of_each_kind(sessions: sessionmaker[Session], limit: int) -> list[dict]:
    """The newest credential document of each (kind, code), at most `limit` of them."""
    with sessions() as s:
        latest = s.execute(select(C.kind, C.code, func.max(C.issued_at))
                           .group_by(C.kind, C.code).limit(limit)).all()
        documents = [s.scalars(select(C.document).where(
            C.kind == kind, C.code == code, C.issued_at == at).limit(1)).first()
            for kind, code, at in latest]
    return [d for d in documents if d is not None]
