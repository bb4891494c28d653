"""Holders sign in with a personal link sent by e-mail, in their language.

Revision ID: i0006
Revises: i0005
"""
import sqlalchemy as sa
from alembic import op

revision = "i0006"
down_revision = "i0005"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # a plain ADD COLUMN (SQLite has it): a batch copy of the table would break the
    # foreign keys that point at it
    op.add_column("issuer_candidates", sa.Column("language", sa.Text(), nullable=True))
    op.create_table(
        "issuer_holder_sign_ins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.Text(), nullable=False, unique=True),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("issuer_candidates.id"),
                  nullable=False, index=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        sa.Column("session_hash", sa.Text(), nullable=True, unique=True),
        sa.Column("session_expires_at", TZ, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("issuer_holder_sign_ins")
    op.drop_column("issuer_candidates", "language")
