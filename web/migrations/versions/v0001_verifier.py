"""The verifier's tables: presentation challenges.

Revision ID: v0001
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "v0001"
down_revision = "0001"
branch_labels = ("verifier",)
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "verifier_challenges",
        sa.Column("challenge", sa.Text(), primary_key=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
    )
    op.create_index("ix_verifier_challenges_expires_at", "verifier_challenges", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_verifier_challenges_expires_at", table_name="verifier_challenges")
    op.drop_table("verifier_challenges")
