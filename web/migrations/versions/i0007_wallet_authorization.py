"""OpenID4VCI authorization code flow: codes bound to PKCE, redirect URI and client, and
pushed authorization requests.

Revision ID: i0007
Revises: i0006
"""
import sqlalchemy as sa
from alembic import op

revision = "i0007"
down_revision = "i0006"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
GRANTS = "issuer_wallet_grants"


def upgrade() -> None:
    op.add_column(GRANTS, sa.Column("flow", sa.Text(), nullable=False,
                                    server_default="pre-authorized"))
    for name in ("pkce_challenge", "redirect_uri", "client_id"):
        op.add_column(GRANTS, sa.Column(name, sa.Text(), nullable=True))
    op.create_table(
        "issuer_wallet_requests",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("issuer_wallet_requests")
    with op.batch_alter_table(GRANTS) as batch:
        for name in ("client_id", "redirect_uri", "pkce_challenge", "flow"):
            batch.drop_column(name)
