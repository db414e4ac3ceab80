"""Typed models of classes: courses, who is in them, their assessments and accommodations.

An assessment attempt is an ordinary `Attempt` (so the quiz pages, grading and review work
unchanged) linked to its assessment by an `AssessmentAttempt` row; the link, not the attempt,
carries what only an assessment knows (which attempt of the student it is). Times are stored in
UTC; a course's time zone is only how its times are entered and shown.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from quizsvc.db import Base
from quizsvc.progress.models import Attempt, AttemptKind, User, UtcDateTime, _enum, utcnow


class CourseRole(enum.StrEnum):
    INSTRUCTOR = "instructor"  # everything, settings and grades included
    TA = "ta"  # sees everything staff see, changes nothing
    STUDENT = "student"


class AssessmentMode(enum.StrEnum):
    PRACTICE = "practice"  # feedback after each answer
    EXAM = "exam"  # answers may change until the end; graded when finished
    DRILL = "drill"  # a timed exam across the chosen questions


class SeedPolicy(enum.StrEnum):
    PER_STUDENT = "per_student"  # every student their own variants (the default)
    SHARED = "shared"  # the whole class the same seeds


class Release(enum.StrEnum):
    IMMEDIATELY = "immediately"  # results and keys when an attempt is finished
    AFTER_CLOSE = "after_close"  # when the assessment closes (for everyone)
    NEVER = "never"  # scores for staff only


class Course(Base):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    term: Mapped[str] = mapped_column(String(60), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    invite_token: Mapped[str] = mapped_column(String(43), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="course", cascade="all, delete-orphan", passive_deletes=True
    )
    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="course",
        order_by="Assessment.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Membership(Base):
    """One person's role in one course."""

    __tablename__ = "course_membership"
    __table_args__ = (UniqueConstraint("course_id", "user_id", name="uq_course_membership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[CourseRole] = mapped_column(_enum(CourseRole, "course_role"))
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    course: Mapped[Course] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(lazy="joined")


class Assessment(Base):
    """What an instructor assigns: which questions, how many, how, when, and what is released.

    `lesson_ids`, `objectives` ("lesson/objective") and `template_ids` together are the pool the
    questions are drawn from; `shared_seed` is the class's seed when every student gets the
    same variants.
    """

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    lesson_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    template_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    question_count: Mapped[int]
    mode: Mapped[AssessmentMode] = mapped_column(_enum(AssessmentMode, "assessment_mode"))
    time_limit_s: Mapped[int | None]
    opens_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts_allowed: Mapped[int | None]  # None: as many as the student likes
    seeds: Mapped[SeedPolicy] = mapped_column(_enum(SeedPolicy, "seed_policy"))
    shared_seed: Mapped[int] = mapped_column(BigInteger)
    release: Mapped[Release] = mapped_column(_enum(Release, "release_policy"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    course: Mapped[Course] = relationship(back_populates="assessments")
    accommodations: Mapped[list[Accommodation]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )

    def last_close(self) -> datetime | None:
        """When the last student's window closes (accommodations included); None: never."""
        if self.closes_at is None:
            return None
        later = [a.closes_at for a in self.accommodations if a.closes_at is not None]
        return max([self.closes_at, *later])

    def results_released(self, now: datetime) -> bool:
        """Whether students may see scores, keys and feedback now. "After closing" waits for
        the last accommodated student, so nobody still working can read the keys."""
        if self.release is Release.IMMEDIATELY:
            return True
        if self.release is Release.NEVER:
            return False
        last = self.last_close()
        return last is not None and now >= last


class Accommodation(Base):
    """One student's extra time (a factor, extra minutes, or both) and later close."""

    __tablename__ = "accommodation"
    __table_args__ = (
        UniqueConstraint("assessment_id", "user_id", name="uq_accommodation_student"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    time_factor: Mapped[float] = mapped_column(default=1.0)
    extra_minutes: Mapped[int] = mapped_column(default=0)
    closes_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    assessment: Mapped[Assessment] = relationship(back_populates="accommodations")
    user: Mapped[User] = relationship(lazy="joined")


class AssessmentAttempt(Base):
    """The link from an attempt to its assessment; `number` counts a student's attempts."""

    __tablename__ = "assessment_attempt"
    __table_args__ = (
        UniqueConstraint("assessment_id", "user_id", "number", name="uq_assessment_attempt"),
    )

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), primary_key=True
    )
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]

    attempt: Mapped[Attempt] = relationship(lazy="joined")
    assessment: Mapped[Assessment] = relationship()


def assessment_of(session: Session, attempt: Attempt) -> Assessment | None:
    """The assessment an attempt belongs to, if any (one lookup, for assessment attempts only)."""
    if attempt.kind is not AttemptKind.ASSESSMENT:
        return None
    link = session.get(AssessmentAttempt, attempt.id)
    return None if link is None else link.assessment


def results_withheld(session: Session, attempt: Attempt) -> bool:
    """An assessment's release setting still hides this attempt's results from its student."""
    assessment = assessment_of(session, attempt)
    return assessment is not None and not assessment.results_released(utcnow())
