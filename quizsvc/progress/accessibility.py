"""Per-account accessibility settings: what a learner's pages show besides the usual.

"Describe figures as data" adds a data table under each figure: the accommodation for learners
who cannot read values off a picture (docs/instructor-tools.md says what it changes about what a
question measures). The learner may switch it on or off; an instructor may switch it on for a
student, and the row records who set it last, so an instructor sees which accommodations they
granted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizsvc.db import Base
from quizsvc.progress.models import User, UtcDateTime, utcnow


class AccessibilitySetting(Base):
    """One account's settings; no row means every setting is off."""

    __tablename__ = "accessibility_setting"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    figure_data: Mapped[bool] = mapped_column(default=False)
    # Who set it last: None for the learner, else the instructor who granted it.
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    set_by: Mapped[User | None] = relationship(foreign_keys=[set_by_id])
