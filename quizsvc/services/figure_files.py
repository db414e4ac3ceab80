"""A figure as a file of its own: what "open the figure full size" serves.

A figure in a page is shown at the width of its column; its file fills the browser window (and
zooms like any image), so a tap or click enlarges it without JavaScript. The file is the
cached SVG of the page, with a width and height of 100 % instead of its drawing size.
"""

from __future__ import annotations

import re

from quizsvc.content import Lesson
from quizsvc.progress.models import User
from quizsvc.services import attempts, figures
from quizsvc.services.errors import NotFound

_SIZE = re.compile(r'\s(width|height)="[^"]*"')
_ROOT = re.compile(r"<svg\b[^>]*>")


def full_window(svg: str) -> str:
    """The SVG document sized to its window (its viewBox keeps the proportions)."""
    root = _ROOT.search(svg)
    if root is None:
        raise ValueError("not an SVG document")
    tag = _SIZE.sub("", root.group(0))[:-1] + ' width="100%" height="100%">'
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + svg[: root.start()] + tag + svg[root.end() :]
    )


def question_figure(user: User, attempt_id: int, position: int, index: int) -> str:
    """Figure ``index`` of a question of the learner's own attempt (NotFound otherwise)."""
    question = attempts.question_of(user, attempt_id, position)
    if not 0 <= index < len(question.variant.get("figures", [])):
        raise NotFound("This question has no such figure.")
    return full_window(figures.variant_figure(question, index).svg)


def lesson_figure(lesson: Lesson, figure_id: str, seed: int) -> str:
    """A lesson's live figure for one seed of the page's pool."""
    if figure_id not in lesson.figures:
        raise NotFound("This lesson has no such figure.")
    return full_window(figures.live_figure(lesson, figure_id, seed).svg)
