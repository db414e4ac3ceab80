"""Read-side queries over attempts: per-lesson progress and attempt history.

Exam answers are graded when submitted but their correctness stays hidden until the attempt is
finished, so progress counts only what the learner has already been shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from quizsvc.progress.models import Attempt, AttemptKind, AttemptQuestion, Mode


@dataclass
class LessonProgress:
    lesson_id: str
    attempts: int = 0  # finished lesson attempts
    best_score: float | None = None
    answered: set[str] = field(default_factory=set)  # template ids answered
    mastered: set[str] = field(default_factory=set)  # template ids answered correctly at least once
    last_activity: datetime | None = None


@dataclass(frozen=True)
class AttemptSummary:
    attempt: Attempt
    answered: int


def lesson_progress(session: Session, user_id: int) -> dict[str, LessonProgress]:
    """Progress per lesson id, in two grouped queries whatever the learner's history."""
    progress: dict[str, LessonProgress] = {}

    def entry(lesson_id: str) -> LessonProgress:
        return progress.setdefault(lesson_id, LessonProgress(lesson_id))

    finished = (
        select(
            Attempt.lesson_id, func.count(), func.max(Attempt.score), func.max(Attempt.finished_at)
        )
        .where(
            Attempt.user_id == user_id,
            Attempt.kind == AttemptKind.LESSON,
            Attempt.finished_at.is_not(None),
        )
        .group_by(Attempt.lesson_id)
    )
    for lesson_id, count, best, last in session.execute(finished):
        if lesson_id is None:  # a lesson attempt always has one; the column allows none
            continue
        item = entry(lesson_id)
        item.attempts, item.best_score, item.last_activity = count, best, last

    shown = (
        select(AttemptQuestion.lesson_id, AttemptQuestion.template_id, AttemptQuestion.correct)
        .join(Attempt)
        .where(
            Attempt.user_id == user_id,
            AttemptQuestion.answered_at.is_not(None),
            or_(Attempt.finished_at.is_not(None), Attempt.mode == Mode.PRACTICE),
        )
        .distinct()
    )
    for lesson_id, template_id, correct in session.execute(shown):
        item = entry(lesson_id)
        item.answered.add(template_id)
        if correct:
            item.mastered.add(template_id)
    return progress


def attempt_history(session: Session, user_id: int, limit: int = 200) -> list[AttemptSummary]:
    answered = func.count(AttemptQuestion.answered_at)
    query = (
        select(Attempt, answered)
        .outerjoin(AttemptQuestion)
        .where(Attempt.user_id == user_id)
        .group_by(Attempt.id)
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
        .limit(limit)
    )
    return [AttemptSummary(attempt, count) for attempt, count in session.execute(query)]
