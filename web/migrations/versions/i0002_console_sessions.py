"""Server-side console sessions (logout ends a session) and login throttling.

Revision ID: i0002
Revises: i0001
"""
import sqlalchemy as sa
from alembic import op

revision = "i0002"
down_revision = "i0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "issuer_console_sessions",
        sa.Column("id_hash", sa.Text(), primary_key=True),
        sa.Column("officer", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
    )
    op.create_index("ix_issuer_console_sessions_officer", "issuer_console_sessions",
                    ["officer"])
    op.create_index("ix_issuer_console_sessions_expires_at", "issuer_console_sessions",
                    ["expires_at"])
    op.create_table(
        "issuer_login_throttle",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", TZ, nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("issuer_login_throttle")
    op.drop_index("ix_issuer_console_sessions_expires_at", table_name="issuer_console_sessions")
    op.drop_index("ix_issuer_console_sessions_officer", table_name="issuer_console_sessions")
    op.drop_table("issuer_console_sessions")
