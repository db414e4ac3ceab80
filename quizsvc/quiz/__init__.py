"""Question variants and grading: pure functions of a template, a seed and a response.

The shape of a response for :func:`grade` is the kind's (``quizsvc.kinds``, ``response_doc``).
Malformed responses raise :class:`AnswerError`.
"""

from quizsvc.kinds.numbers import AnswerError, parse_number
from quizsvc.kinds.tolerance import within
from quizsvc.quiz.figures import render_live_figure, render_variant_figure
from quizsvc.quiz.generate import VariantError, generate
from quizsvc.quiz.grading import Grade, correct_answer_html, grade
from quizsvc.quiz.simcache import SIM_CACHE, SimCache
from quizsvc.quiz.variant import Variant

__all__ = [
    "SIM_CACHE",
    "AnswerError",
    "Grade",
    "SimCache",
    "Variant",
    "VariantError",
    "correct_answer_html",
    "generate",
    "grade",
    "parse_number",
    "render_live_figure",
    "render_variant_figure",
    "within",
]
