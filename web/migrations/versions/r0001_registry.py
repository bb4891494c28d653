"""The registry's tables: authorities, signed credentials and their index, status lists,
issuer keys, audit.

Revision ID: r0001
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = "0001"
branch_labels = ("registry",)
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "registry_authorities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("did", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("slug", name="uq_registry_authorities_slug"),
        sa.UniqueConstraint("did", name="uq_registry_authorities_did"),
    )
    op.create_table(
        "registry_credentials",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("issuer_did", sa.Text(), nullable=False),
        sa.Column("subject_did", sa.Text(), nullable=True),
        sa.Column("country", sa.Text(), nullable=True),
        sa.Column("framework", sa.Text(), nullable=True),
        sa.Column("achievement", sa.Text(), nullable=True),
        sa.Column("eqf_level", sa.Integer(), nullable=True),
        sa.Column("valid_from", TZ, nullable=False),
        sa.Column("valid_until", TZ, nullable=True),
        sa.Column("status_index", sa.Integer(), nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.Column("credential", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("issuer_did", "status_index", name="uq_registry_credentials_status"),
    )
    for column in ("kind", "issuer_did", "subject_did", "country", "achievement"):
        op.create_index(f"ix_registry_credentials_{column}", "registry_credentials", [column])
    op.create_table(
        "registry_credential_scope",
        sa.Column("credential_id", sa.Text(),
                  sa.ForeignKey("registry_credentials.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("achievement", sa.Text(), primary_key=True),
    )
    op.create_index("ix_registry_credential_scope_achievement", "registry_credential_scope",
                    ["achievement"])
    op.create_table(
        "registry_status_lists",
        sa.Column("authority_did", sa.Text(), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("credential", sa.JSON(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "registry_issuer_keys",
        sa.Column("verification_method", sa.Text(), primary_key=True),
        sa.Column("issuer_did", sa.Text(), nullable=False),
        sa.Column("public_key_multibase", sa.Text(), nullable=False),
    )
    op.create_index("ix_registry_issuer_keys_issuer_did", "registry_issuer_keys", ["issuer_did"])
    op.create_table(
        "registry_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
    )
    op.create_index("ix_registry_audit_subject", "registry_audit", ["subject"])


def downgrade() -> None:
    op.drop_index("ix_registry_audit_subject", table_name="registry_audit")
    op.drop_table("registry_audit")
    op.drop_index("ix_registry_issuer_keys_issuer_did", table_name="registry_issuer_keys")
    op.drop_table("registry_issuer_keys")
    op.drop_table("registry_status_lists")
    op.drop_index("ix_registry_credential_scope_achievement",
                  table_name="registry_credential_scope")
    op.drop_table("registry_credential_scope")
    for column in ("kind", "issuer_did", "subject_did", "country", "achievement"):
        op.drop_index(f"ix_registry_credentials_{column}", table_name="registry_credentials")
    op.drop_table("registry_credentials")
    op.drop_table("registry_authorities")
