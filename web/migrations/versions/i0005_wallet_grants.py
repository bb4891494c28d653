"""OpenID4VCI: offers to wallets (pre-authorized codes) and the copies issued into wallets
.

Revision ID: i0005
Revises: i0004
"""
import sqlalchemy as sa
from alembic import op

revision = "i0005"
down_revision = "i0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "issuer_wallet_grants",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("code_hash", sa.Text(), nullable=False, unique=True),
        sa.Column("tx_code_hash", sa.Text(), nullable=True),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("issuer_candidates.id"),
                  nullable=False, index=True),
        sa.Column("offered", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("redeemed_at", TZ, nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
    )
    op.create_table(
        "issuer_wallet_copies",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("original_id", sa.Text(), sa.ForeignKey("issuer_credentials.id"),
                  nullable=False, index=True),
        sa.Column("grant_id", sa.Text(), sa.ForeignKey("issuer_wallet_grants.id"),
                  nullable=False, index=True),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("holder_key", sa.Text(), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("token_list", sa.Integer(), nullable=True),
        sa.Column("token_index", sa.Integer(), nullable=True),
        sa.UniqueConstraint("token_list", "token_index", name="uq_token_slot"),
    )


def downgrade() -> None:
    op.drop_table("issuer_wallet_copies")
    op.drop_table("issuer_wallet_grants")
