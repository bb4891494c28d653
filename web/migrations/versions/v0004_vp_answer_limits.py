"""OpenID4VP answers are counted: a refused answer no longer ends a request,
so each request counts the answers it was sent, in all and per sender (the SHA-256 of the
request id and the sender's address, never the address), and closes when too many were
refused. Existing requests start at 0 answers.

Revision ID: v0004
Revises: v0003
"""
import sqlalchemy as sa
from alembic import op

revision = "v0004"
down_revision = "v0003"
branch_labels = None
depends_on = None

REQUESTS = "verifier_vp_requests"


def upgrade() -> None:
    op.add_column(REQUESTS, sa.Column("answers", sa.Integer(), nullable=False,
                                      server_default="0"))
    op.create_table(
        "verifier_vp_answer_sources",
        sa.Column("request_id", sa.Text(), sa.ForeignKey(f"{REQUESTS}.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("source", sa.Text(), primary_key=True),
        sa.Column("answers", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("verifier_vp_answer_sources")
    with op.batch_alter_table(REQUESTS) as batch:
        batch.drop_column("answers")
