"""variant pools and figures shared by every instance

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

pooled_variant holds variants prepared before a class asks for them (each claimed once);
stored_figure holds drawn figures by content key, so a figure is drawn once for all instances.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pooled_variant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.String(length=100), nullable=False),
        sa.Column("lesson_id", sa.String(length=100), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("engine_version", sa.String(length=40), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("variant", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pooled_variant")),
    )
    with op.batch_alter_table("pooled_variant", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pooled_variant_template",
            ["template_id", "content_hash", "engine_version"],
            unique=False,
        )
    op.create_table(
        "stored_figure",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("svg", sa.Text(), nullable=True),
        sa.Column("alt", sa.Text(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_figure")),
    )


def downgrade() -> None:
    op.drop_table("stored_figure")
    with op.batch_alter_table("pooled_variant", schema=None) as batch_op:
        batch_op.drop_index("ix_pooled_variant_template")
    op.drop_table("pooled_variant")
