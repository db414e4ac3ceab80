"""instructors' template reports in the database, seen by every instance

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

A template report (services.template_report) was a JSON file and a progress file under each
host's instance folder: another instance neither found the report nor saw its run, and asked
for it again. template_report holds both: the report once computed, and while it runs its
progress and the heartbeat its lease is judged by. Reports in the old folder are not copied:
they are a cache, computed again on the next view.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "template_report",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("template_id", sa.String(length=100), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("running", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("beat", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_template_report")),
    )


def downgrade() -> None:
    op.drop_table("template_report")
