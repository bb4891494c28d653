"""Wallet clients are authenticated: the wallets the operator registered, the
wallet providers whose attestations it trusts, the Client Attestation PoPs already used, and
on each pushed request and code who the client proved to be.

Requests pushed and codes issued before this revision came from clients nobody
authenticated: they are retired (marked answered, expired), so none reaches a consent page or
the token endpoint afterwards. Both live minutes at most.

Revision ID: i0010
Revises: i0009
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "i0010"
down_revision = "i0009"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
REQUESTS = "issuer_wallet_requests"
GRANTS = "issuer_wallet_grants"


def upgrade() -> None:
    op.create_table(
        "issuer_wallet_clients",
        sa.Column("client_id", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", TZ, nullable=False),
    )
    op.create_table(
        "issuer_wallet_providers",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("jwk", sa.JSON(), nullable=True),
        sa.Column("certificate", sa.Text(), nullable=True),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", TZ, nullable=False),
    )
    op.create_table(
        "issuer_client_attestation_pops",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("expires_at", TZ, nullable=False),
    )
    op.create_index("ix_issuer_client_attestation_pops_expires_at",
                    "issuer_client_attestation_pops", ["expires_at"])
    # plain ADD COLUMNs (no table rebuild): issuer_wallet_copies refers to the grants
    for name in ("client_name", "client_provider", "client_key"):
        op.add_column(REQUESTS, sa.Column(name, sa.Text(), nullable=True))
    for name in ("client_provider", "client_key"):
        op.add_column(GRANTS, sa.Column(name, sa.Text(), nullable=True))
    now = datetime.now(UTC)
    requests = sa.table(REQUESTS, sa.column("used_at", TZ))
    op.execute(sa.update(requests).where(requests.c.used_at.is_(None)).values(used_at=now))
    grants = sa.table(GRANTS, sa.column("flow", sa.Text()), sa.column("expires_at", TZ),
                      sa.column("redeemed_at", TZ))
    op.execute(sa.update(grants).where(grants.c.flow == "authorization-code",
                                       grants.c.redeemed_at.is_(None)).values(expires_at=now))


def downgrade() -> None:
    """ALTER TABLE ... DROP COLUMN (SQLite 3.35+, PostgreSQL): no table rebuild. It drops
    only what is there: Python's sqlite3 runs DDL outside the migration's transaction, so a
    downgrade that an older revision refuses later (i0009) has already done this part, and
    the next attempt must not fail on it."""
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())
    for table, names in ((GRANTS, ("client_key", "client_provider")),
                         (REQUESTS, ("client_key", "client_provider", "client_name"))):
        present = {c["name"] for c in inspector.get_columns(table)}
        for name in names:
            if name in present:
                op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
    for table in ("issuer_client_attestation_pops", "issuer_wallet_providers",
                  "issuer_wallet_clients"):
        if table in tables:
            op.drop_table(table)  # its index goes with it
