"""A cohort job may e-mail each holder a sign-in link once their chunk is issued.

Revision ID: i0008
Revises: i0007
"""
import sqlalchemy as sa
from alembic import op

revision = "i0008"
down_revision = "i0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("issuer_cohort_jobs", sa.Column("notify_holders", sa.Boolean(),
                                                  nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("issuer_cohort_jobs") as batch:
        batch.drop_column("notify_holders")
