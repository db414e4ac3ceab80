"""Read-side queries of mastery and reviews, each one statement whatever a learner's history.

The dashboard of a learner with thousands of answers must cost the same handful of queries as
that of a new one: activity is aggregated per day in the database, mastery and cards are read
from their projections (one row per objective or template), never from the answers themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from quizsvc.progress.mastery import expected_score
from quizsvc.progress.mastery_models import (
    MasteryEvent,
    ObjectiveMastery,
    ReviewCard,
    ReviewLog,
)
from quizsvc.progress.models import AttemptQuestion, Response, Role, User

MEDIUM_DIFFICULTY = 3  # levels read the chance of a right answer at this difficulty


class utc_day(FunctionElement[date]):
    """The UTC calendar day of a timestamp column, in SQL, on SQLite and PostgreSQL alike.

    Lower-case like the SQL function it renders; the SQL differs per backend (see below).
    """

    type = Date()
    name = "utc_day"
    inherit_cache = True


@compiles(utc_day)
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # UtcDateTime stores UTC text ("2026-11-29 13:05:00.000000") in SQLite.
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # Not the session's time zone: a day is a UTC day wherever the server runs.
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"


@dataclass(frozen=True)
class DayActivity:
    day: date
    answers: int
    score_sum: float
    correct: int

    @property
    def accuracy(self) -> float:
        """Mean score of the day's answers (partial credit counts as its fraction)."""
        return self.score_sum / self.answers


@dataclass(frozen=True)
class Streak:
    current: int  # consecutive days with answers, ending today or yesterday
    longest: int


def daily_activity(session: Session, user_id: int) -> list[DayActivity]:
    """Counted answers per UTC day, oldest first."""
    day = utc_day(ReviewLog.reviewed_at)
    query = (
        select(
            day,
            func.count(),
            func.sum(ReviewLog.score),
            func.sum(case((ReviewLog.score >= 1.0, 1), else_=0)),
        )
        .where(ReviewLog.user_id == user_id)
        .group_by(day)
        .order_by(day)
    )
    return [
        DayActivity(d, int(n), float(total or 0.0), int(right or 0))
        for d, n, total, right in session.execute(query)
    ]


def streak(days: list[date], today: date) -> Streak:
    """Streaks of consecutive active days; today's streak survives until a whole day is missed."""
    longest = run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    alive = previous is not None and today - previous <= timedelta(days=1)
    return Streak(current=run if alive else 0, longest=longest)


def mastery_rows(session: Session, user_id: int) -> list[ObjectiveMastery]:
    return list(
        session.scalars(select(ObjectiveMastery).where(ObjectiveMastery.user_id == user_id))
    )


def mastery_row(
    session: Session, user_id: int, lesson_id: str, objective_id: str
) -> ObjectiveMastery | None:
    return session.scalar(
        select(ObjectiveMastery).where(
            ObjectiveMastery.user_id == user_id,
            ObjectiveMastery.lesson_id == lesson_id,
            ObjectiveMastery.objective_id == objective_id,
        )
    )


def cards(session: Session, user_id: int) -> list[ReviewCard]:
    """Every card of the learner, soonest due first (at most one per question template)."""
    return list(
        session.scalars(
            select(ReviewCard)
            .where(ReviewCard.user_id == user_id)
            .order_by(ReviewCard.due, ReviewCard.id)
        )
    )


@dataclass(frozen=True)
class EvidenceRow:
    """One answer behind an objective's mastery, with where to see it again."""

    event: MasteryEvent
    attempt_id: int
    position: int

    @property
    def chance(self) -> float:
        """The chance of a right answer to a medium question right after this answer."""
        return expected_score(self.event.theta, MEDIUM_DIFFICULTY)


def objective_events(
    session: Session, user_id: int, lesson_id: str, objective_id: str
) -> list[EvidenceRow]:
    """The answers that tested one objective, oldest first, with their attempt and position."""
    query = (
        select(MasteryEvent, AttemptQuestion.attempt_id, AttemptQuestion.position)
        .join(Response, Response.id == MasteryEvent.response_id)
        .join(AttemptQuestion, AttemptQuestion.id == Response.question_id)
        .where(
            MasteryEvent.user_id == user_id,
            MasteryEvent.lesson_id == lesson_id,
            MasteryEvent.objective_id == objective_id,
        )
        .order_by(MasteryEvent.at, MasteryEvent.id)
    )
    rows = session.execute(query)
    return [EvidenceRow(event, attempt, position) for event, attempt, position in rows]


@dataclass(frozen=True)
class LearnerMastery:
    user_id: int
    name: str
    row: ObjectiveMastery


def class_mastery(session: Session) -> list[LearnerMastery]:
    """Mastery rows of every registered student (guests and instructors left out)."""
    query = (
        select(User.id, User.display_name, User.email, ObjectiveMastery)
        .join(ObjectiveMastery, ObjectiveMastery.user_id == User.id)
        .where(User.role == Role.STUDENT, User.is_guest.is_(False))
        .order_by(User.id)
    )
    return [
        LearnerMastery(user_id, display_name or (email or "").split("@")[0], row)
        for user_id, display_name, email, row in session.execute(query)
    ]


def student_count(session: Session) -> int:
    query = select(func.count()).where(User.role == Role.STUDENT, User.is_guest.is_(False))
    return int(session.scalar(query.select_from(User)) or 0)


# --- shaping activity for the accuracy figure ---------------------------------------------------

# Past this many days, answers are grouped by week so that bars stay readable.
DAILY_SPAN_DAYS = 92
ROLLING_BUCKETS = 7


@dataclass(frozen=True)
class Bucket:
    start: date
    answers: int
    score_sum: float

    @property
    def accuracy(self) -> float:
        return self.score_sum / self.answers


def buckets(days: Sequence[DayActivity]) -> tuple[list[Bucket], str]:
    """Days as they are, or grouped into weeks (starting Monday) for a long history."""
    if not days:
        return [], "day"
    if (days[-1].day - days[0].day).days <= DAILY_SPAN_DAYS:
        return [Bucket(d.day, d.answers, d.score_sum) for d in days], "day"
    weeks: dict[date, Bucket] = {}
    for d in days:
        start = d.day - timedelta(days=d.day.weekday())
        old = weeks.get(start, Bucket(start, 0, 0.0))
        weeks[start] = Bucket(start, old.answers + d.answers, old.score_sum + d.score_sum)
    return sorted(weeks.values(), key=lambda b: b.start), "week"


def rolling(items: Sequence[Bucket], width: int = ROLLING_BUCKETS) -> list[float]:
    """Accuracy over the last `width` buckets, weighted by their answers."""
    out = []
    for i in range(len(items)):
        window = items[max(0, i - width + 1) : i + 1]
        out.append(sum(b.score_sum for b in window) / sum(b.answers for b in window))
    return out
