"""Quiz attempts: start (variants generated and stored), show and answer, finish, review.

Variants are generated when an attempt starts and stored whole, so grading is a function of
stored data; figures are drawn later, when a question is first shown (see services.figures).
Every read goes through `access.get_attempt` or `access.question_of`, which answer NotFound for
another learner's attempt, so pages and the API cannot disagree about who may see what.

Reads never write. A timed attempt whose deadline has passed is graded by the next command
that touches it (show, answer, hint, finish, retry) or by `settle`, which a page or route calls
before it shows an attempt's final state.

The modules follow the life of an attempt: `start`, `access` (the reads), `views` (what a
learner may see of a question), `drafts` (what is entered but not submitted), `answering`,
`recording` (one graded response), `finishing` (which grades the drafts left).
"""

from quizsvc.services.attempts.access import (
    Resumable,
    attempt_title,
    get_attempt,
    question_of,
    resumable,
    unfinished_attempts,
)
from quizsvc.services.attempts.answering import (
    reveal_hint,
    reveal_model_answer,
    show_question,
    submit_answer,
)
from quizsvc.services.attempts.drafts import save_draft
from quizsvc.services.attempts.finishing import (
    FinishCheck,
    finish,
    finish_check,
    review,
    settle,
    settle_overdue,
)
from quizsvc.services.attempts.start import (
    DEFAULT_DRILL_MINUTES,
    DEFAULT_QUESTIONS,
    INTERVIEW_MINUTES_PER_QUESTION,
    MAX_DRILL_MINUTES,
    MAX_QUESTIONS,
    MIN_DRILL_QUESTIONS,
    DrillOptions,
    start_drill,
    start_lesson_attempt,
    start_practice,
    start_retry,
)
from quizsvc.services.attempts.views import QuestionView, Submission, results_visible

__all__ = [
    "DEFAULT_DRILL_MINUTES",
    "DEFAULT_QUESTIONS",
    "INTERVIEW_MINUTES_PER_QUESTION",
    "MAX_DRILL_MINUTES",
    "MAX_QUESTIONS",
    "MIN_DRILL_QUESTIONS",
    "DrillOptions",
    "FinishCheck",
    "QuestionView",
    "Resumable",
    "Submission",
    "attempt_title",
    "finish",
    "finish_check",
    "get_attempt",
    "question_of",
    "results_visible",
    "resumable",
    "reveal_hint",
    "reveal_model_answer",
    "review",
    "save_draft",
    "settle",
    "settle_overdue",
    "show_question",
    "start_drill",
    "start_lesson_attempt",
    "start_practice",
    "start_retry",
    "submit_answer",
    "unfinished_attempts",
]
