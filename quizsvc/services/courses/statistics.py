"""Per-assessment statistics: the score distribution of students' best attempts and the item
analytics of `services.analytics`, scoped to the assessment's finished attempts.

A number that rests on fewer than `FEW_ANSWERS` answers is flagged: with a class of 30, a
facility of 2 of 3 says little about the question.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizsvc.analytics.stats import ItemStats, ScoreDistribution, score_distribution
from quizsvc.progress.courses import Assessment, Course
from quizsvc.progress.models import User
from quizsvc.services import analytics
from quizsvc.services.courses.assessments import get_assessment
from quizsvc.services.courses.gradebook import course_gradebook
from quizsvc.services.courses.people import staff_course

FEW_ANSWERS = 10


@dataclass(frozen=True)
class AssessmentStatistics:
    course: Course
    assessment: Assessment
    students: int
    started: int  # students with at least one attempt
    finished: int  # students with a finished attempt
    scores: ScoreDistribution  # best finished attempt per student
    items: tuple[ItemStats, ...]
    few_answers: int = FEW_ANSWERS

    @property
    def scores_are_few(self) -> bool:
        return self.scores.count < self.few_answers

    def item_is_thin(self, item: ItemStats) -> bool:
        return item.answered + item.unanswered < self.few_answers


def assessment_statistics(user: User, course_id: int, assessment_id: int) -> AssessmentStatistics:
    seat = staff_course(user, course_id)
    assessment = get_assessment(course_id, assessment_id)
    book = course_gradebook(seat)
    students = {s.id for s in book.students}
    cells = [book.cell(s, assessment) for s in book.students]
    best = [c.score for c in cells if c.score is not None]
    attempt_ids = [
        a.id
        for (student_id, found_id), cell in book.cells.items()
        if found_id == assessment.id and student_id in students
        for a in cell.finished
    ]
    return AssessmentStatistics(
        course=seat.course,
        assessment=assessment,
        students=len(book.students),
        started=sum(1 for c in cells if c.attempts),
        finished=len(best),
        scores=score_distribution(best),
        items=analytics.attempt_items(attempt_ids),
    )
