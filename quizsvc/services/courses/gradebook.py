"""The gradebook: students by assessments, from the stored attempts; its CSV; staff reviews.

A cell is the student's best finished attempt (the score an LMS would receive), how many
attempts they made, how late the last one was submitted after the class's close (an
accommodation or a close moved earlier makes that possible) and the time spent in finished
attempts. Staff see every score whatever the release setting says to students.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.courses import Assessment, AssessmentAttempt, Course, CourseRole
from quizsvc.progress.models import Attempt, User
from quizsvc.services.attempts import QuestionView
from quizsvc.services.attempts.finishing import close_if_over
from quizsvc.services.attempts.views import attempt_views
from quizsvc.services.courses.assessments import assessments_of
from quizsvc.services.courses.people import Seat, members, staff_course
from quizsvc.services.errors import NotFound

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # so that Excel reads the file as UTF-8 (names with Greek letters)


@dataclass
class Cell:
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def finished(self) -> list[Attempt]:
        return [a for a in self.attempts if a.finished]

    @property
    def in_progress(self) -> bool:
        return any(not a.finished for a in self.attempts)

    @property
    def best(self) -> Attempt | None:
        done = self.finished
        return max(done, key=lambda a: (a.score or 0.0, a.id)) if done else None

    @property
    def score(self) -> float | None:
        best = self.best
        return None if best is None else (best.score or 0.0)

    @property
    def time_spent(self) -> timedelta:
        return sum(
            ((a.finished_at - a.started_at) for a in self.finished if a.finished_at),
            timedelta(),
        )

    def late_by(self, assessment: Assessment) -> timedelta | None:
        """How long after the class's close the last attempt was submitted (None: on time)."""
        if assessment.closes_at is None:
            return None
        ends = [a.finished_at for a in self.finished if a.finished_at is not None]
        if not ends or max(ends) <= assessment.closes_at:
            return None
        return max(ends) - assessment.closes_at


@dataclass(frozen=True)
class Gradebook:
    course: Course
    assessments: list[Assessment]
    students: list[User]
    cells: dict[tuple[int, int], Cell]  # (student id, assessment id)

    def cell(self, student: User, assessment: Assessment) -> Cell:
        return self.cells.get((student.id, assessment.id)) or Cell()


def _links(assessment_ids: Sequence[int]) -> list[AssessmentAttempt]:
    if not assessment_ids:
        return []
    query = (
        select(AssessmentAttempt)
        .where(AssessmentAttempt.assessment_id.in_(assessment_ids))
        .order_by(AssessmentAttempt.number)
    )
    return list(get_session().scalars(query))


def gradebook(user: User, course_id: int) -> Gradebook:
    seat = staff_course(user, course_id)
    return course_gradebook(seat)


def course_gradebook(seat: Seat) -> Gradebook:
    assessments = assessments_of(seat.course)
    students = [m.user for m in members(seat.course, CourseRole.STUDENT)]
    cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
    for link in _links([a.id for a in assessments]):
        close_if_over(link.attempt)  # a passed deadline reads as submitted
        cells[(link.user_id, link.assessment_id)].attempts.append(link.attempt)
    return Gradebook(seat.course, assessments, students, dict(cells))


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def gradebook_csv(book: Gradebook) -> str:
    """One row per student, four columns per assessment; UTF-8 with a BOM."""
    header = ["student", "email"]
    for assessment in book.assessments:
        title = assessment.title
        header += [f"{title}: score %", f"{title}: attempts", f"{title}: late minutes",
                   f"{title}: minutes spent"]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(h) for h in header])
    for student in book.students:
        row: list[Any] = [student.name, student.email or ""]
        for assessment in book.assessments:
            cell = book.cell(student, assessment)
            late = cell.late_by(assessment)
            row += [
                None if cell.score is None else round(cell.score * 100, 1),
                len(cell.attempts),
                None if late is None else round(late.total_seconds() / 60, 1),
                round(cell.time_spent.total_seconds() / 60, 1) if cell.finished else None,
            ]
        writer.writerow([_cell(v) for v in row])
    return BOM + buffer.getvalue()


# --- an attempt, as staff see it --------------------------------------------------------------


@dataclass(frozen=True)
class StaffAttempt:
    seat: Seat
    assessment: Assessment
    student: User
    attempt: Attempt
    number: int
    views: list[QuestionView]


def staff_attempt(user: User, course_id: int, attempt_id: int) -> StaffAttempt:
    """A student's assessment attempt for the course's staff, keys and feedback included
    (whatever the release setting shows the student); NotFound outside the course."""
    seat = staff_course(user, course_id)
    link = get_session().get(AssessmentAttempt, attempt_id)
    if link is None or link.assessment.course_id != seat.course.id:
        raise NotFound("This course has no such attempt.")
    attempt = link.attempt
    close_if_over(attempt)
    views = attempt_views(attempt, staff=True)
    student = get_session().get(User, link.user_id)
    assert student is not None
    return StaffAttempt(seat, link.assessment, student, attempt, link.number, views)
