"""The verifier's kept results: what the employer's page shows after a check, for an hour.

Revision ID: v0002
Revises: v0001
"""
import sqlalchemy as sa
from alembic import op

revision = "v0002"
down_revision = "v0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "verifier_kept_results",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("email_hashes", sa.JSON(), nullable=False),
        sa.Column("email_attempts", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_verifier_kept_results_expires_at", "verifier_kept_results",
                    ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_verifier_kept_results_expires_at", table_name="verifier_kept_results")
    op.drop_table("verifier_kept_results")
