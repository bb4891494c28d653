"""Share links get an id (the server derives their token from it, so it can show a link
again), a use count and the officer who made them.

Links stored before this revision get a random id: they still open, but their token cannot
be derived from it, so the console cannot show them.

Revision ID: i0003
Revises: i0002
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "i0003"
down_revision = "i0002"
branch_labels = None
depends_on = None

TABLE = "issuer_share_links"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("id", sa.Text(), nullable=True))
        batch.add_column(sa.Column("created_by", sa.Text(), nullable=True))
        batch.add_column(sa.Column("uses", sa.Integer(), server_default="0", nullable=False))
    links = sa.table(TABLE, sa.column("token_hash", sa.Text()), sa.column("id", sa.Text()))
    connection = op.get_bind()
    for (token_hash,) in connection.execute(sa.select(links.c.token_hash)).all():
        connection.execute(links.update().where(links.c.token_hash == token_hash)
                           .values(id=secrets.token_hex(16)))
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("id", existing_type=sa.Text(), nullable=False)
        batch.create_index("ix_issuer_share_links_id", ["id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index("ix_issuer_share_links_id")
        batch.drop_column("uses")
        batch.drop_column("created_by")
        batch.drop_column("id")
