"""Typed models of what a learner knows: mastery per objective and FSRS review cards.

Two append-only logs are the source of truth, and two tables are projections of them:

* `ReviewLog`: one row per graded answer that counts as evidence (a practice answer when it is
  graded, an exam's final answer when the exam is finished). It is the FSRS review log of the
  template's card and the input of accuracy over time.
* `MasteryEvent`: what one such answer did to one objective it tests (the rating after it), so
  mastery can be drawn over time and every level can show the answers behind it.
* `ObjectiveMastery` and `ReviewCard` hold the current state, so the dashboard and the review
  queue read one row per objective or template instead of replaying a learner's history.
  `quizsvc.progress.tracking.rebuild` recomputes them from the logs (after a guest's work joins
  an account, or when a learner changes their desired retention).

Objectives are identified by (lesson id, objective id): objective ids are unique within a lesson,
and lesson files promise to keep both stable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quizsvc.db import Base
from quizsvc.progress.mastery import MasteryState
from quizsvc.progress.models import UtcDateTime

DEFAULT_RETENTION = 0.9


class LearnerSettings(Base):
    """Per-learner preferences of the progress features; a missing row means the defaults."""

    __tablename__ = "learner_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    desired_retention: Mapped[float] = mapped_column(default=DEFAULT_RETENTION)


class ReviewLog(Base):
    """One graded answer counted as evidence: an FSRS review of its template's card."""

    __tablename__ = "review_log"
    __table_args__ = (
        Index("ix_review_log_user_id_reviewed_at", "user_id", "reviewed_at"),
        Index("ix_review_log_user_id_template_id", "user_id", "template_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # Unique: an answer is counted once, however often a hook is called for it.
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), unique=True
    )
    template_id: Mapped[str] = mapped_column(String(120))
    lesson_id: Mapped[str] = mapped_column(String(100))
    score: Mapped[float]
    hints_used: Mapped[int] = mapped_column(default=0)
    elapsed_ms: Mapped[int | None]
    rating: Mapped[int]  # fsrs.Rating: 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MasteryEvent(Base):
    """The mastery of one objective right after one graded answer that tests it."""

    __tablename__ = "mastery_event"
    __table_args__ = (
        UniqueConstraint(
            "response_id", "lesson_id", "objective_id", name="uq_mastery_event_answer"
        ),
        Index("ix_mastery_event_objective", "user_id", "lesson_id", "objective_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(100))
    objective_id: Mapped[str] = mapped_column(String(100))
    template_id: Mapped[str] = mapped_column(String(120))
    difficulty: Mapped[int]
    score: Mapped[float]
    theta: Mapped[float]  # after this answer, before any later decay
    evidence: Mapped[int]  # answers counted so far, this one included
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class ObjectiveMastery(Base):
    """The current mastery state of one learner and objective (see quizsvc.progress.mastery)."""

    __tablename__ = "objective_mastery"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id", "objective_id", name="uq_objective_mastery"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(100))
    objective_id: Mapped[str] = mapped_column(String(100))
    theta: Mapped[float] = mapped_column(default=0.0)
    evidence: Mapped[int] = mapped_column(default=0)
    correct: Mapped[int] = mapped_column(default=0)
    last_seen: Mapped[datetime | None] = mapped_column(UtcDateTime())

    def state(self) -> MasteryState:
        return MasteryState(
            theta=self.theta, evidence=self.evidence, correct=self.correct, last_seen=self.last_seen
        )

    def set_state(self, state: MasteryState) -> None:
        self.theta = state.theta
        self.evidence = state.evidence
        self.correct = state.correct
        self.last_seen = state.last_seen


class ReviewCard(Base):
    """The FSRS card of one learner and question template: when to bring it back.

    The columns mirror `fsrs.Card`; `reps` and `lapses` are kept for the learner to see.
    """

    __tablename__ = "review_card"
    __table_args__ = (
        UniqueConstraint("user_id", "template_id", name="uq_review_card"),
        Index("ix_review_card_user_id_due", "user_id", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    template_id: Mapped[str] = mapped_column(String(120))
    lesson_id: Mapped[str] = mapped_column(String(100))
    state: Mapped[int]  # fsrs.State: 1 Learning, 2 Review, 3 Relearning
    step: Mapped[int | None]
    stability: Mapped[float | None]
    difficulty: Mapped[float | None]
    due: Mapped[datetime] = mapped_column(UtcDateTime())
    last_review: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_rating: Mapped[int | None]
    reps: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)
