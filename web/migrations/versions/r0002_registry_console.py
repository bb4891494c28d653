"""The registry's admin console: authority passwords, console sessions, login throttling
.

Revision ID: r0002
Revises: r0001
"""
import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("registry_authorities") as batch:
        batch.add_column(sa.Column("password_hash", sa.Text(), nullable=True))
    op.create_table(
        "registry_console_sessions",
        sa.Column("id_hash", sa.Text(), primary_key=True),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
    )
    op.create_index("ix_registry_console_sessions_slug", "registry_console_sessions", ["slug"])
    op.create_index("ix_registry_console_sessions_expires_at", "registry_console_sessions",
                    ["expires_at"])
    op.create_table(
        "registry_login_throttle",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", TZ, nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("registry_login_throttle")
    op.drop_index("ix_registry_console_sessions_expires_at",
                  table_name="registry_console_sessions")
    op.drop_index("ix_registry_console_sessions_slug", table_name="registry_console_sessions")
    op.drop_table("registry_console_sessions")
    with op.batch_alter_table("registry_authorities") as batch:
        batch.drop_column("password_hash")
