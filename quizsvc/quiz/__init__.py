"""Question variants and grading: pure functions of a template, a seed and a response.

Response shapes for :func:`grade`: numeric -> the text the learner typed; single and
plot_choice -> a choice id; multiple -> a list of choice ids; ordering -> a list of item ids
in the learner's order. Malformed responses raise :class:`AnswerError`.
"""

from quizsvc.quiz.figures import render_live_figure, render_variant_figure
from quizsvc.quiz.generate import VariantError, generate
from quizsvc.quiz.grading import Grade, correct_answer_html, grade
from quizsvc.quiz.numbers import AnswerError, parse_number
from quizsvc.quiz.simcache import SIM_CACHE, SimCache
from quizsvc.quiz.tolerance import within
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
