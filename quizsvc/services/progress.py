"""What a learner has done, joined with the catalog for the home page, history and API."""

from __future__ import annotations

from dataclasses import dataclass

from quizsvc.content import Lesson
from quizsvc.db import get_session
from quizsvc.progress.courses import assessment_of
from quizsvc.progress.history import (
    AttemptSummary,
    LessonProgress,
    attempt_history,
    lesson_progress,
)
from quizsvc.progress.models import User, utcnow
from quizsvc.services import attempts, catalog


@dataclass(frozen=True)
class LessonStatus:
    lesson: Lesson
    progress: LessonProgress

    @property
    def total(self) -> int:
        return len(self.lesson.questions)

    @property
    def mastered(self) -> int:
        """Distinct questions of the lesson the learner has answered correctly at least once."""
        ids = {q.id for q in self.lesson.questions}
        return len(self.progress.mastered & ids)

    @property
    def answered(self) -> int:
        ids = {q.id for q in self.lesson.questions}
        return len(self.progress.answered & ids)

    @property
    def share(self) -> float:
        return self.mastered / self.total if self.total else 0.0


@dataclass(frozen=True)
class HistoryRow:
    summary: AttemptSummary
    title: str
    released: bool = True  # False while a course assessment withholds the score


def lesson_statuses(user: User | None) -> list[LessonStatus]:
    """Every lesson in course order with this learner's progress (empty for visitors)."""
    progress = lesson_progress(get_session(), user.id) if user is not None else {}
    return [
        LessonStatus(lesson, progress.get(lesson.id) or LessonProgress(lesson.id))
        for lesson in catalog.lessons()
    ]


def history(user: User) -> list[HistoryRow]:
    session = get_session()
    rows = []
    for summary in attempt_history(session, user.id):
        assessment = assessment_of(session, summary.attempt)
        if assessment is None:
            rows.append(HistoryRow(summary, attempts.attempt_title(summary.attempt)))
        else:
            released = assessment.results_released(utcnow())
            rows.append(HistoryRow(summary, assessment.title, released))
    return rows
