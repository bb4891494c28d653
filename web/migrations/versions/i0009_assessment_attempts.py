"""Assessments become numbered attempts that can be voided: a retake on the same
day is a new attempt, and a voided one stays on record but no longer counts.

The unique constraint `uq_assessment` (candidate, framework, unit, date) becomes a unique
index on (candidate, framework, unit, attempt) over the attempts not voided, so a voided
attempt frees its number for the corrected result. Existing assessments are numbered per
candidate and unit by date (then by id): each was the only one of its day.

On SQLite, dropping a table constraint rebuilds the table (Alembic batch mode), which
`issuer_decisions.assessment_id` refers to: `web.wiring.db.upgrade` runs migrations with foreign
keys off and checks them all before committing (SQLite's procedure, "ALTER TABLE" §7), and
this revision refuses to rebuild with them on rather than fail half-way.

Revision ID: i0009
Revises: i0008
"""
import sqlalchemy as sa
from alembic import op

revision = "i0009"
down_revision = "i0008"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
NOT_VOIDED = "voided_at IS NULL"
NUMBER_EXISTING = """
UPDATE issuer_assessments SET attempt = (
    SELECT count(*) FROM issuer_assessments AS earlier
    WHERE earlier.candidate_id = issuer_assessments.candidate_id
      AND earlier.framework_id = issuer_assessments.framework_id
      AND earlier.unit_code = issuer_assessments.unit_code
      AND (earlier.assessed_on < issuer_assessments.assessed_on
           OR (earlier.assessed_on = issuer_assessments.assessed_on
               AND earlier.id <= issuer_assessments.id)))
"""


def _require_foreign_keys_off() -> None:
    """On SQLite with foreign keys on, dropping the old table fails once a decision refers
    to an assessment: say why before anything is changed."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql(
            "PRAGMA foreign_keys").scalar() and bind.exec_driver_sql(
            "SELECT count(*) FROM issuer_decisions WHERE assessment_id IS NOT NULL").scalar():
        raise RuntimeError(
            "revision i0009 rebuilds issuer_assessments, which issuer_decisions refers to: "
            "run it with SQLite's foreign keys off (web.wiring.db.upgrade and web.wiring.db.downgrade do)")


def upgrade() -> None:
    _require_foreign_keys_off()
    with op.batch_alter_table("issuer_assessments") as batch:  # ADD COLUMN: no rebuild
        batch.add_column(sa.Column("attempt", sa.Integer(), nullable=False,
                                   server_default="1"))
        batch.add_column(sa.Column("voided_at", TZ, nullable=True))
        batch.add_column(sa.Column("voided_by", sa.Text(), nullable=True))
        batch.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
    op.execute(NUMBER_EXISTING)
    with op.batch_alter_table("issuer_assessments") as batch:  # SQLite: one rebuild
        batch.alter_column("attempt", existing_type=sa.Integer(), existing_nullable=False,
                           server_default=None)
        batch.drop_constraint("uq_assessment", type_="unique")
    op.create_index("uq_assessment_attempt", "issuer_assessments",
                    ["candidate_id", "framework_id", "unit_code", "attempt"], unique=True,
                    sqlite_where=sa.text(NOT_VOIDED), postgresql_where=sa.text(NOT_VOIDED))


def downgrade() -> None:
    """Refused while it would lose what this revision allows: a voided attempt (it would
    count again) or a second attempt on the same day (the old constraint forbids it)."""
    _require_foreign_keys_off()
    bind = op.get_bind()
    voided = bind.exec_driver_sql(
        "SELECT count(*) FROM issuer_assessments WHERE voided_at IS NOT NULL").scalar()
    same_day = bind.exec_driver_sql(
        "SELECT count(*) FROM (SELECT 1 FROM issuer_assessments GROUP BY candidate_id, "
        "framework_id, unit_code, assessed_on HAVING count(*) > 1) AS retaken").scalar()
    if voided or same_day:
        raise RuntimeError(
            f"cannot downgrade below i0009: {voided} voided assessment(s) would count again "
            f"and {same_day} same-day retake(s) break the old one-result-a-day rule")
    op.drop_index("uq_assessment_attempt", table_name="issuer_assessments")
    with op.batch_alter_table("issuer_assessments") as batch:
        batch.create_unique_constraint("uq_assessment", ["candidate_id", "framework_id",
                                                         "unit_code", "assessed_on"])
        batch.drop_column("void_reason")
        batch.drop_column("voided_by")
        batch.drop_column("voided_at")
        batch.drop_column("attempt")
