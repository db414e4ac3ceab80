"""``grade(variant, response) -> Grade``: a pure function of the stored variant and the answer.

Each kind grades its own (``quizsvc.kinds``). Malformed responses raise :class:`AnswerError`
before anything is scored, so the caller can show the message and not count the attempt.
"""

from __future__ import annotations

from typing import Any

from quizsvc.kinds import Grade
from quizsvc.kinds import get as kind_of
from quizsvc.quiz.variant import Variant

__all__ = ["Grade", "correct_answer_html", "grade"]


def correct_answer_html(variant: Variant) -> str:
    """The answer key as a learner reads it; the one wording for graded and unanswered alike."""
    return kind_of(variant.kind).correct_answer_html(variant)


def grade(variant: Variant, response: Any) -> Grade:
    """Grade ``response`` (its shape per kind: the kind's ``response_doc``)."""
    return kind_of(variant.kind).grade(variant, response)
