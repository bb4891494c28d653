"""Wallet protocol limits: how many copies each access token has obtained per
credential configuration, and the single-use values wallets send (DPoP proofs' `jti`, key
proofs' `c_nonce`) seen once, kept until they would be stale anyway.

Both tables are new and start empty: an access token issued before this revision is counted
from its next request on (it lives `ACCESS_TOKEN_S`, 5 minutes).

Revision ID: i0012
Revises: i0009
"""
import sqlalchemy as sa
from alembic import op

revision = "i0012"
down_revision = "i0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issuer_wallet_copy_counts",
        sa.Column("grant_id", sa.Text(), sa.ForeignKey("issuer_wallet_grants.id"),
                  primary_key=True),
        sa.Column("configuration_id", sa.Text(), primary_key=True),
        sa.Column("copies", sa.Integer(), nullable=False),
    )
    op.create_table(
        "issuer_used_proofs",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("expires", sa.Integer(), nullable=False),
    )
    op.create_index("ix_issuer_used_proofs_expires", "issuer_used_proofs", ["expires"])


def downgrade() -> None:
    op.drop_index("ix_issuer_used_proofs_expires", table_name="issuer_used_proofs")
    op.drop_table("issuer_used_proofs")
    op.drop_table("issuer_wallet_copy_counts")
