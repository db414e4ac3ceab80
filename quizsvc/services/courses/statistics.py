"""Per-assessment statistics: the score distribution of students' best attempts and the item
analytics of `services.analytics`, scoped to the assessment's finished attempts.

A distribution of fewer than `FEW_SCORES` students' scores is flagged as anecdote: with a
class of 30, a mean of 3 says little. A question's own numbers are flagged by the item
analysis (`ItemStats.small_sample`), the same rule as the instructor's analytics pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizsvc.analytics.stats import SMALL_SAMPLE, ItemStats, ScoreDistribution, score_distribution
from quizsvc.progress.courses import Assessment, Course
from quizsvc.progress.models import User
from quizsvc.services import analytics
from quizsvc.services.courses.assessments import get_assessment
from quizsvc.services.courses.gradebook import course_gradebook
from quizsvc.services.courses.people import staff_course

FEW_SCORES = 10


@dataclass(frozen=True)
class AssessmentStatistics:
    course: Course
    assessment: Assessment
    students: int
    started: int  # students with at least one attempt
    finished: int  # students with a finished attempt
    scores: ScoreDistribution  # best finished attempt per student
    items: tuple[ItemStats, ...]
    few_scores: int = FEW_SCORES
    small_sample: int = SMALL_SAMPLE  # answers below which a question's numbers are flagged

    @property
    def scores_are_few(self) -> bool:
        return self.scores.count < self.few_scores


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
