"""lti platforms, logins, accounts, links and passback

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

LTI 1.3: registered platforms, OIDC logins in flight (state, nonce, the verified claims until
the browser is confirmed), LMS accounts by (issuer, sub), resource links, and the attempts taken
through a link with the state of their grade passback.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lti_platform",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("deployment_ids", sa.JSON(), nullable=False),
        sa.Column("auth_login_url", sa.String(length=1000), nullable=False),
        sa.Column("access_token_url", sa.String(length=1000), nullable=False),
        sa.Column("jwks_url", sa.String(length=1000), nullable=False),
        sa.Column("frame_origin", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_platform")),
        sa.UniqueConstraint("issuer", "client_id", name=op.f("uq_lti_platform_issuer")),
    )
    op.create_table(
        "lti_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("sub", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_lti_account_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_account")),
        sa.UniqueConstraint("issuer", "sub", name=op.f("uq_lti_account_issuer")),
    )
    with op.batch_alter_table("lti_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_account_user_id"), ["user_id"], unique=False)

    op.create_table(
        "lti_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.Column("resource_link_id", sa.String(length=255), nullable=False),
        sa.Column("context_id", sa.String(length=255), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("lesson_id", sa.String(length=100), nullable=True),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=True),
        sa.Column("assessment_ref", sa.String(length=100), nullable=True),
        sa.Column("lineitem_url", sa.String(length=1000), nullable=True),
        sa.Column("lineitems_url", sa.String(length=1000), nullable=True),
        sa.Column("ags_scopes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platform.id"],
            name=op.f("fk_lti_link_platform_id_lti_platform"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_link")),
        sa.UniqueConstraint(
            "platform_id", "deployment_id", "resource_link_id", name=op.f("uq_lti_link_platform_id")
        ),
    )
    op.create_table(
        "lti_attempt",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "passback",
            sa.Enum(
                "waiting",
                "due",
                "sent",
                "no-service",
                "gave-up",
                name="passback",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["lti_account.id"],
            name=op.f("fk_lti_attempt_account_id_lti_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempt.id"],
            name=op.f("fk_lti_attempt_attempt_id_attempt"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["lti_link.id"],
            name=op.f("fk_lti_attempt_link_id_lti_link"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_lti_attempt")),
    )
    with op.batch_alter_table("lti_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_lti_attempt_due", ["passback", "next_try_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_lti_attempt_link_id"), ["link_id"], unique=False)

    op.create_table(
        "lti_login",
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("storage_target", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("launched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claims", sa.JSON(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("handoff", sa.String(length=64), nullable=True),
        sa.Column("handed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempt.id"],
            name=op.f("fk_lti_login_attempt_id_attempt"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platform.id"],
            name=op.f("fk_lti_login_platform_id_lti_platform"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_lti_login_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_lti_login")),
        sa.UniqueConstraint("handoff", name=op.f("uq_lti_login_handoff")),
        sa.UniqueConstraint("nonce", name=op.f("uq_lti_login_nonce")),
    )
    with op.batch_alter_table("lti_login", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_login_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lti_login", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_login_created_at"))

    op.drop_table("lti_login")
    with op.batch_alter_table("lti_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_attempt_link_id"))
        batch_op.drop_index("ix_lti_attempt_due")

    op.drop_table("lti_attempt")
    op.drop_table("lti_link")
    with op.batch_alter_table("lti_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_account_user_id"))

    op.drop_table("lti_account")
    op.drop_table("lti_platform")
