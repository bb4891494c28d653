"""The issuer's tables: frameworks, candidates, assessments, decisions, credentials,
status lists, share links, officers.

Revision ID: i0001
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "i0001"
down_revision = "0001"
branch_labels = ("issuer",)
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "issuer_frameworks",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("loaded_at", TZ, nullable=False),
    )
    op.create_table(
        "issuer_candidates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ref", sa.Text(), nullable=False, unique=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False, unique=True),
        sa.Column("did", sa.Text(), nullable=True),
        sa.Column("salt", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "issuer_assessments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ref", sa.Text(), nullable=False, unique=True),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("issuer_candidates.id"),
                  nullable=False),
        sa.Column("framework_id", sa.Text(), nullable=False),
        sa.Column("unit_code", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("exam_body", sa.Text(), nullable=False),
        sa.Column("assessor", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.UniqueConstraint("candidate_id", "framework_id", "unit_code", "assessed_on",
                            name="uq_assessment"),
    )
    op.create_index("ix_issuer_assessments_candidate_id", "issuer_assessments",
                    ["candidate_id"])
    op.create_table(
        "issuer_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("issuer_candidates.id"),
                  nullable=False),
        sa.Column("framework_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("issuer_assessments.id"),
                  nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", TZ, nullable=False),
        sa.UniqueConstraint("candidate_id", "framework_id", "kind", "code",
                            name="uq_decision"),
    )
    op.create_index("ix_issuer_decisions_candidate_id", "issuer_decisions", ["candidate_id"])
    op.create_table(
        "issuer_credentials",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("decision_id", sa.Integer(), sa.ForeignKey("issuer_decisions.id"),
                  nullable=False, unique=True),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("issuer_candidates.id"),
                  nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("digest", sa.Text(), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("valid_until", TZ, nullable=True),
        sa.Column("revocation_list", sa.Integer(), nullable=False),
        sa.Column("revocation_index", sa.Integer(), nullable=False),
        sa.Column("suspension_list", sa.Integer(), nullable=False),
        sa.Column("suspension_index", sa.Integer(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("revocation_list", "revocation_index", name="uq_revocation_slot"),
        sa.UniqueConstraint("suspension_list", "suspension_index", name="uq_suspension_slot"),
    )
    op.create_index("ix_issuer_credentials_candidate_id", "issuer_credentials",
                    ["candidate_id"])
    op.create_table(
        "issuer_status_lists",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("purpose", "number", name="uq_status_list"),
    )
    op.create_table(
        "issuer_share_links",
        sa.Column("token_hash", sa.Text(), primary_key=True),
        sa.Column("credential_id", sa.Text(), sa.ForeignKey("issuer_credentials.id"),
                  nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
    )
    op.create_index("ix_issuer_share_links_credential_id", "issuer_share_links",
                    ["credential_id"])
    op.create_table(
        "issuer_officers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.Text(), nullable=False, unique=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("api_token_hash", sa.Text(), nullable=True, unique=True),
        sa.Column("created_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in ("issuer_officers", "issuer_share_links", "issuer_status_lists",
                  "issuer_credentials", "issuer_decisions", "issuer_assessments",
                  "issuer_candidates", "issuer_frameworks"):
        op.drop_table(table)
