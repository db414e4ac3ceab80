"""lti courses: LMS contexts mapped to courses, and their rosters

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

A launch maps the LMS context (issuer, deployment, context id) to a course; `lti_member` keeps
who the LMS says is in it, so a Names and Roles sync can mark the ones it no longer lists;
`lti_login.target` is where a launch that opens no attempt leads (a staff page).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lti_login", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target", sa.String(length=300), nullable=True))
    op.create_table(
        "lti_context",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.Column("context_id", sa.String(length=255), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("memberships_url", sa.String(length=1000), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sync_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
            name=op.f("fk_lti_context_course_id_course"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platform.id"],
            name=op.f("fk_lti_context_platform_id_lti_platform"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_context")),
        sa.UniqueConstraint("course_id", name=op.f("uq_lti_context_course_id")),
        sa.UniqueConstraint(
            "issuer", "deployment_id", "context_id", name=op.f("uq_lti_context_issuer")
        ),
    )
    op.create_table(
        "lti_member",
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["lti_account.id"],
            name=op.f("fk_lti_member_account_id_lti_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lti_context.id"],
            name=op.f("fk_lti_member_context_id_lti_context"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("context_id", "account_id", name=op.f("pk_lti_member")),
    )


def downgrade() -> None:
    op.drop_table("lti_member")
    op.drop_table("lti_context")
    with op.batch_alter_table("lti_login", schema=None) as batch_op:
        batch_op.drop_column("target")
