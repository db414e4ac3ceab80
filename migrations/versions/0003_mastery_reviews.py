"""mastery per objective, review cards and their logs, learner settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["user.id"], name=op.f(f"fk_{table}_user_id_user"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "learner_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("desired_retention", sa.Double(), nullable=False),
        _user_fk("learner_settings"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_learner_settings")),
    )
    op.create_table(
        "objective_mastery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=100), nullable=False),
        sa.Column("objective_id", sa.String(length=100), nullable=False),
        sa.Column("theta", sa.Double(), nullable=False),
        sa.Column("evidence", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        _user_fk("objective_mastery"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective_mastery")),
        sa.UniqueConstraint("user_id", "lesson_id", "objective_id", name="uq_objective_mastery"),
    )
    op.create_table(
        "review_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.String(length=120), nullable=False),
        sa.Column("lesson_id", sa.String(length=100), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Double(), nullable=True),
        sa.Column("difficulty", sa.Double(), nullable=True),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_review", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_rating", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        _user_fk("review_card"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_card")),
        sa.UniqueConstraint("user_id", "template_id", name="uq_review_card"),
    )
    with op.batch_alter_table("review_card", schema=None) as batch_op:
        batch_op.create_index("ix_review_card_user_id_due", ["user_id", "due"], unique=False)

    op.create_table(
        "review_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.String(length=120), nullable=False),
        sa.Column("lesson_id", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("hints_used", sa.Integer(), nullable=False),
        sa.Column("elapsed_ms", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_review_log_response_id_response"),
            ondelete="CASCADE",
        ),
        _user_fk("review_log"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_log")),
        sa.UniqueConstraint("response_id", name=op.f("uq_review_log_response_id")),
    )
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_log_user_id_reviewed_at", ["user_id", "reviewed_at"], unique=False
        )
        batch_op.create_index(
            "ix_review_log_user_id_template_id", ["user_id", "template_id"], unique=False
        )

    op.create_table(
        "mastery_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=100), nullable=False),
        sa.Column("objective_id", sa.String(length=100), nullable=False),
        sa.Column("template_id", sa.String(length=120), nullable=False),
        sa.Column("difficulty", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("theta", sa.Double(), nullable=False),
        sa.Column("evidence", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_mastery_event_response_id_response"),
            ondelete="CASCADE",
        ),
        _user_fk("mastery_event"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mastery_event")),
        sa.UniqueConstraint(
            "response_id", "lesson_id", "objective_id", name="uq_mastery_event_answer"
        ),
    )
    with op.batch_alter_table("mastery_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mastery_event_objective",
            ["user_id", "lesson_id", "objective_id", "at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("mastery_event", schema=None) as batch_op:
        batch_op.drop_index("ix_mastery_event_objective")
    op.drop_table("mastery_event")
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.drop_index("ix_review_log_user_id_template_id")
        batch_op.drop_index("ix_review_log_user_id_reviewed_at")
    op.drop_table("review_log")
    with op.batch_alter_table("review_card", schema=None) as batch_op:
        batch_op.drop_index("ix_review_card_user_id_due")
    op.drop_table("review_card")
    op.drop_table("objective_mastery")
    op.drop_table("learner_settings")
