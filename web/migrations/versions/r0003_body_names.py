"""Accountable body names and one current recognition decision per country.

- `registry_bodies`: the operator's registration of each certification body (its name and
  country). Existing bodies keep a name: the one given in their earliest accreditation still
  in force (else their earliest), recorded as the operator's registration with an audit row,
  so the operator can review it. An accreditation's own name stays in its signed credential,
  where it is now read as that anchor's wording.
- `registry_current_recognitions`: which decision is each country's current one on an
  achievement; for existing data the latest not withdrawn (by validFrom, then id, as the
  snapshot reads it).
- `registry_credentials.replaced_by`: the credential that took a replaced one's place.

Revision ID: r0003
Revises: r0002
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from vc.language_maps import language_map

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
MIGRATED = "r0003: the name given in the body's earliest accreditation in force"

credentials = sa.table(
    "registry_credentials", sa.column("id", sa.Text), sa.column("kind", sa.Text),
    sa.column("subject_did", sa.Text), sa.column("country", sa.Text),
    sa.column("framework", sa.Text), sa.column("achievement", sa.Text),
    sa.column("valid_from", TZ), sa.column("revoked_at", TZ),
    sa.column("created_at", TZ), sa.column("credential", sa.JSON))
authorities = sa.table("registry_authorities", sa.column("did", sa.Text),
                       sa.column("kind", sa.Text))
audit = sa.table("registry_audit", sa.column("at", TZ), sa.column("actor", sa.Text),
                 sa.column("action", sa.Text), sa.column("subject", sa.Text),
                 sa.column("detail", sa.JSON))


def _aware(moment: datetime | None) -> datetime:
    """SQLite returns naive datetimes; everything the registry stores is UTC."""
    if moment is None:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _registration(credential: object) -> tuple[dict[str, str], str | None]:
    subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
    if not isinstance(subject, dict):
        return {}, None
    country = subject.get("country")
    return language_map(subject.get("name")), country if isinstance(country, str) else None


def _register_existing_bodies(connection: sa.Connection, bodies: sa.Table) -> None:
    operator = connection.scalar(sa.select(authorities.c.did).where(
        authorities.c.kind == "operator"))
    rows = connection.execute(sa.select(
        credentials.c.id, credentials.c.subject_did, credentials.c.valid_from,
        credentials.c.revoked_at, credentials.c.created_at, credentials.c.credential,
    ).where(credentials.c.kind == "accreditation",
            credentials.c.subject_did.is_not(None))).all()
    earliest: dict[str, tuple] = {}
    for row in rows:
        # in force before revoked; then the earliest: the first anchor to name the body,
        # not the last (which is how one anchor renamed another's body)
        key = (row.revoked_at is not None, _aware(row.valid_from), _aware(row.created_at),
               row.id)
        if row.subject_did not in earliest or key < earliest[row.subject_did][0]:
            earliest[row.subject_did] = (key, row.credential)
    now = datetime.now(UTC)
    for did, (_, credential) in sorted(earliest.items()):
        name, country = _registration(credential)
        if not name or operator is None:
            continue
        connection.execute(bodies.insert().values(
            did=did, name=name, country=country, registered_by=operator, updated_at=now))
        connection.execute(audit.insert().values(
            at=now, actor=operator, action="registry.body.registered", subject=did,
            detail={"name": name, "country": country, "before": None, "source": MIGRATED}))


def _record_current_recognitions(connection: sa.Connection, current: sa.Table) -> None:
    rows = connection.execute(sa.select(
        credentials.c.id, credentials.c.country, credentials.c.framework,
        credentials.c.achievement, credentials.c.valid_from,
    ).where(credentials.c.kind == "recognition", credentials.c.revoked_at.is_(None))).all()
    latest: dict[tuple[str, str, str], tuple] = {}
    for row in rows:
        if row.country is None or row.framework is None or row.achievement is None:
            continue
        key = (row.country, row.framework, row.achievement)
        rank = (_aware(row.valid_from), row.id)
        if key not in latest or rank > latest[key][0]:
            latest[key] = (rank, row.id)
    for (country, framework, achievement), (_, credential_id) in sorted(latest.items()):
        connection.execute(current.insert().values(
            country=country, framework=framework, achievement=achievement,
            credential_id=credential_id))


def upgrade() -> None:
    with op.batch_alter_table("registry_credentials") as batch:
        batch.add_column(sa.Column("replaced_by", sa.Text(), nullable=True))
    bodies = op.create_table(
        "registry_bodies",
        sa.Column("did", sa.Text(), primary_key=True),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("country", sa.Text(), nullable=True),
        sa.Column("registered_by", sa.Text(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
    )
    current = op.create_table(
        "registry_current_recognitions",
        sa.Column("country", sa.Text(), primary_key=True),
        sa.Column("framework", sa.Text(), primary_key=True),
        sa.Column("achievement", sa.Text(), primary_key=True),
        sa.Column("credential_id", sa.Text(), nullable=False),
    )
    connection = op.get_bind()
    _register_existing_bodies(connection, bodies)
    _record_current_recognitions(connection, current)


def downgrade() -> None:
    op.drop_table("registry_current_recognitions")
    op.drop_table("registry_bodies")
    with op.batch_alter_table("registry_credentials") as batch:
        batch.drop_column("replaced_by")
