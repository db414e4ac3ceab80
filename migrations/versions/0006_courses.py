"""courses, memberships, assessments, accommodations and assessment attempts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Attempts gain the kind "assessment" (a VARCHAR without a CHECK, so no ALTER is needed).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("term", sa.String(length=60), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("join_code", sa.String(length=12), nullable=False),
        sa.Column("invite_token", sa.String(length=43), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
        sa.UniqueConstraint("invite_token", name=op.f("uq_course_invite_token")),
        sa.UniqueConstraint("join_code", name=op.f("uq_course_join_code")),
    )
    op.create_table(
        "course_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", _enum("course_role", "instructor", "ta", "student"), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
            name=op.f("fk_course_membership_course_id_course"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_course_membership_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_membership")),
        sa.UniqueConstraint("course_id", "user_id", name="uq_course_membership"),
    )
    with op.batch_alter_table("course_membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_membership_user_id"), ["user_id"], unique=False)
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("lesson_ids", sa.JSON(), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("template_ids", sa.JSON(), nullable=False),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("mode", _enum("assessment_mode", "practice", "exam", "drill"), nullable=False),
        sa.Column("time_limit_s", sa.Integer(), nullable=True),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts_allowed", sa.Integer(), nullable=True),
        sa.Column("seeds", _enum("seed_policy", "per_student", "shared"), nullable=False),
        sa.Column("shared_seed", sa.BigInteger(), nullable=False),
        sa.Column(
            "release",
            _enum("release_policy", "immediately", "after_close", "never"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
            name=op.f("fk_assessment_course_id_course"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_course_id"), ["course_id"], unique=False)
    op.create_table(
        "accommodation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("time_factor", sa.Double(), nullable=False),
        sa.Column("extra_minutes", sa.Integer(), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_accommodation_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_accommodation_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accommodation")),
        sa.UniqueConstraint("assessment_id", "user_id", name="uq_accommodation_student"),
    )
    with op.batch_alter_table("accommodation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accommodation_user_id"), ["user_id"], unique=False)
    op.create_table(
        "assessment_attempt",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_attempt_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempt.id"],
            name=op.f("fk_assessment_attempt_attempt_id_attempt"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_assessment_attempt_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_assessment_attempt")),
        sa.UniqueConstraint("assessment_id", "user_id", "number", name="uq_assessment_attempt"),
    )
    with op.batch_alter_table("assessment_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_attempt_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_attempt_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("assessment_attempt")
    op.drop_table("accommodation")
    op.drop_table("assessment")
    op.drop_table("course_membership")
    op.drop_table("course")
