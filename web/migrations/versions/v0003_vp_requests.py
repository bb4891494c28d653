"""The verifier's OpenID4VP requests: each asks a wallet once, until answered or expired.

Revision ID: v0003
Revises: v0002
"""
import sqlalchemy as sa
from alembic import op

revision = "v0003"
down_revision = "v0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "verifier_vp_requests",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("transaction_id", sa.Text(), nullable=False, unique=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("decryption_key", sa.JSON(), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("answered_at", TZ, nullable=True),
        sa.Column("result_id", sa.Text(), nullable=True),
        sa.Column("refusal", sa.Text(), nullable=True),
    )
    op.create_index("ix_verifier_vp_requests_expires_at", "verifier_vp_requests",
                    ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_verifier_vp_requests_expires_at", table_name="verifier_vp_requests")
    op.drop_table("verifier_vp_requests")
