"""Typed SQLAlchemy models of learners and what they did.

An attempt stores each generated variant whole (answer key included) when it starts, so grading
and review never re-run a simulation, and a content edit never changes an attempt in flight.
Responses are append-only: a learner's history is evidence for the mastery and item-analysis
layers built on top of these tables.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizsvc.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no time zones and hands back naive datetimes; comparing those with aware ones
    raises, so values are normalised to aware UTC on the way in and out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use quizsvc.progress.models.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as short strings with a CHECK-free VARCHAR, so adding a member needs no ALTER TYPE.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


class Role(enum.StrEnum):
    STUDENT = "student"
    INSTRUCTOR = "instructor"


class User(Base):
    """A learner or instructor; a guest is a user without an email who may sign up later.

    The four Flask-Login members are plain attributes here so that this layer does not import
    Flask-Login; the web layer's anonymous user supplies the other side.
    """

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=Role.STUDENT,
    )
    is_guest: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    is_authenticated = True
    is_active = True
    is_anonymous = False
    # The login session this object was loaded for, set by quizsvc.security.identity. It is what
    # Flask-Login keeps in the cookie (its "alternative token"): the cookie names a revocable
    # session on the server, never the account itself.
    __allow_unmapped__ = True
    session_token: str | None = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_instructor(self) -> bool:
        return self.role is Role.INSTRUCTOR

    @property
    def name(self) -> str:
        """What the interface calls this person."""
        if self.is_guest:
            return "Guest"
        return self.display_name or (self.email or "").split("@")[0]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email or 'guest'} {self.role.value}>"


class ApiToken(Base):
    """A personal API token; only its SHA-256 is stored, the token is shown once at creation."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship(lazy="joined")


class LoginSession(Base):
    """One logged-in browser (or guest). The cookie carries a random token; only its SHA-256 is
    stored, so logging out, "log out of all devices" and a password change delete rows here and
    every copy of the cookie stops working at once."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)

    user: Mapped[User] = relationship(lazy="joined")


class AttemptKind(enum.StrEnum):
    LESSON = "lesson"  # questions from one lesson
    DRILL = "drill"  # mixed questions across lessons, usually timed
    RETRY = "retry"  # one fresh variant of a template, started from a review
    REVIEW = "review"  # a spaced-review session: fresh variants of due (or soon due) cards
    ASSESSMENT = "assessment"  # assigned in a course (quizsvc.progress.courses)


class Mode(enum.StrEnum):
    PRACTICE = "practice"  # feedback after each answer; `Attempt.tries` answers per question
    EXAM = "exam"  # answers may change until the end; graded when finished


class Attempt(Base):
    __tablename__ = "attempt"
    __table_args__ = (Index("ix_attempt_user_id_started_at", "user_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[AttemptKind] = mapped_column(_enum(AttemptKind, "attempt_kind"))
    mode: Mapped[Mode] = mapped_column(_enum(Mode, "attempt_mode"))
    lesson_id: Mapped[str | None] = mapped_column(String(100))
    seed: Mapped[int] = mapped_column(BigInteger)
    question_count: Mapped[int]
    time_limit_s: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=1)  # the question last shown, for resuming
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    score: Mapped[float | None]
    # Answers each question takes: several in practice (credit follows the tries used), one in
    # an exam. See services.attempts.tries.
    tries: Mapped[int] = mapped_column(default=1, server_default="1")

    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt",
        order_by="AttemptQuestion.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def deadline(self) -> datetime | None:
        if self.time_limit_s is None:
            return None
        return self.started_at + timedelta(seconds=self.time_limit_s)


class AttemptQuestion(Base):
    """One generated variant inside an attempt, with the latest grade denormalised for queries."""

    __tablename__ = "attempt_question"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position", name="uq_attempt_question_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    position: Mapped[int]
    template_id: Mapped[str] = mapped_column(String(120), index=True)
    lesson_id: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64))
    engine_version: Mapped[str] = mapped_column(String(40))
    seed: Mapped[int] = mapped_column(BigInteger)
    variant: Mapped[dict[str, Any]] = mapped_column(JSON)
    hints_shown: Mapped[int] = mapped_column(default=0)
    first_viewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    score: Mapped[float | None]
    correct: Mapped[bool | None]

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    responses: Mapped[list[Response]] = relationship(
        back_populates="question",
        order_by="Response.seq",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class Response(Base):
    """One graded answer. `seq` numbers a question's answers; its uniqueness makes a double
    submission that races past the duplicate check fail instead of being recorded twice."""

    __tablename__ = "response"
    __table_args__ = (UniqueConstraint("question_id", "seq", name="uq_response_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("attempt_question.id", ondelete="CASCADE"))
    seq: Mapped[int]
    raw: Mapped[Any] = mapped_column(JSON)
    parsed: Mapped[Any] = mapped_column(JSON)
    score: Mapped[float]
    correct: Mapped[bool]
    feedback_html: Mapped[str] = mapped_column(Text, default="")
    correct_answer_html: Mapped[str] = mapped_column(Text, default="")
    hints_used: Mapped[int] = mapped_column(default=0)
    elapsed_ms: Mapped[int | None]
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    question: Mapped[AttemptQuestion] = relationship(back_populates="responses")
