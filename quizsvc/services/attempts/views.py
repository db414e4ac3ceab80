"""What a learner may see of one question now: never the answer key before it is earned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quizsvc import kinds
from quizsvc.db import get_session
from quizsvc.kinds.base import CORRECT_HTML
from quizsvc.progress.courses import results_withheld
from quizsvc.progress.draft_models import AnswerDraft
from quizsvc.progress.models import Attempt, AttemptQuestion, Mode, Response
from quizsvc.quiz import Variant, correct_answer_html
from quizsvc.services.attempts import tries
from quizsvc.services.attempts.access import (
    draft_of,
    drafts_of,
    latest_response,
    latest_responses,
    over,
)
from quizsvc.services.attempts.earlier import EarlierAnswer


@dataclass(frozen=True)
class QuestionView:
    """One question as its learner may see it now."""

    attempt: Attempt
    question: AttemptQuestion
    public: dict[str, Any]  # Variant.public_dict(): never the answer key
    latest: Response | None
    draft: AnswerDraft | None  # entered, not submitted: never graded while the attempt runs
    reveal: bool  # feedback, answer key and explanation may be shown
    explanation_html: str  # "" unless reveal
    correct_answer_html: str  # "" unless reveal
    hints_html: list[str]  # the hints revealed so far
    hints_total: int
    can_answer: bool
    tries_allowed: int  # answers the question takes (several in practice)
    # A self-assessed question's model answer, once the learner has answered and asked for it.
    model_answer_html: str = ""
    # The learner's earlier answers to a self-assessed question's template, to compare.
    earlier: tuple[EarlierAnswer, ...] = ()

    @property
    def tries_used(self) -> int:
        return self.latest.seq if self.latest is not None else 0

    @property
    def tries_left(self) -> int:
        """Tries still open after a wrong one (0 once the question is settled)."""
        if self.latest is None or self.latest.correct or self.reveal:
            return 0
        return max(0, self.tries_allowed - self.latest.seq)

    @property
    def feedback_html(self) -> str:
        """The grader's feedback, less a bare "Correct." that the verdict already says."""
        latest = self.latest
        if latest is None or (latest.correct and latest.feedback_html == CORRECT_HTML):
            return ""
        return latest.feedback_html

    @property
    def try_feedback_html(self) -> str:
        """A wrong try's feedback before the next one, where the kind's never names the key."""
        if not self.tries_left or self.latest is None:
            return ""
        if not kinds.get(self.public["kind"]).feedback_between_tries:
            return ""
        return self.latest.feedback_html

    @property
    def credit_steps(self) -> list[int]:
        """Percent credit for a right answer on each try, as the page states it."""
        return tries.credit_steps(self.tries_allowed)

    @property
    def credit_percent(self) -> int:
        """Percent of the answer's score that counts, after the tries used."""
        return round(100 * tries.credit(max(1, self.tries_used), self.tries_allowed))

    @property
    def position(self) -> int:
        return self.question.position

    @property
    def answer_html(self) -> str:
        """The learner's latest answer as they chose it, in the question's own words."""
        if self.latest is None:
            return ""
        return kinds.get(self.public["kind"]).answer_html(self.public, self.latest.raw)

    @property
    def entered(self) -> object:
        """What the answer form shows: the draft, newer than any answer, else the answer."""
        if self.draft is not None:
            return self.draft.raw
        return self.latest.raw if self.latest is not None else None

    @property
    def draft_html(self) -> str:
        """The draft in the question's own words (the review shows one it could not grade)."""
        if self.draft is None:
            return ""
        return kinds.get(self.public["kind"]).answer_html(self.public, self.draft.raw)


@dataclass(frozen=True)
class Submission:
    view: QuestionView
    recorded: bool  # False when the same answer was already recorded (a double submission)


_UNLOADED: Any = object()


def question_view(
    attempt: Attempt,
    question: AttemptQuestion,
    latest: Response | None = _UNLOADED,
    draft: AnswerDraft | None = _UNLOADED,
    *,
    staff: bool = False,
) -> QuestionView:
    """What may be seen of one question: by its learner, or by ``staff`` of the course, who
    see keys and feedback whatever the release setting and never answer."""
    variant = Variant.from_dict(question.variant)
    if latest is _UNLOADED:
        latest = latest_response(question) if question.answered else None
    if draft is _UNLOADED:
        draft = draft_of(question)
    closed = attempt.finished or over(attempt)
    practice = attempt.mode is Mode.PRACTICE
    allowed = tries.of_question(attempt, question)
    settled = latest is not None and (latest.correct or latest.seq >= allowed)
    reveal = staff or ((closed or (practice and settled)) and results_visible(attempt))
    can_answer = not staff and not closed and (not practice or not settled)
    return QuestionView(
        attempt=attempt,
        question=question,
        public=variant.public_dict(),
        latest=latest,
        draft=draft,
        reveal=reveal,
        explanation_html=variant.explanation_html if reveal else "",
        correct_answer_html=_correct_answer_html(variant, latest) if reveal else "",
        hints_html=variant.hints_html[: question.hints_shown],
        hints_total=len(variant.hints_html),
        can_answer=can_answer,
        tries_allowed=allowed if practice else 1,
    )


def attempt_views(attempt: Attempt, *, staff: bool = False) -> list[QuestionView]:
    """Every question of an attempt as `question_view` shows it, loaded in two queries."""
    latest, drafts = latest_responses(attempt), drafts_of(attempt)
    return [
        question_view(attempt, q, latest.get(q.id), drafts.get(q.id), staff=staff)
        for q in attempt.questions
    ]


def results_visible(attempt: Attempt) -> bool:
    """False while a course assessment's release setting withholds results from the student."""
    return not results_withheld(get_session(), attempt)


def _correct_answer_html(variant: Variant, latest: Response | None) -> str:
    """The grader's wording stored with the response, else the key in the same words."""
    if latest is not None:
        return latest.correct_answer_html
    return correct_answer_html(variant)
