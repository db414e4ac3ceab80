"""Printable study guides: per lesson, and a personal one for the learner's weak spots."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from markupsafe import Markup

from quizsvc import kinds
from quizsvc.progress.models import utcnow
from quizsvc.services import study_guides
from quizsvc.services.study_guides import PracticeQuestion
from quizsvc.settings import Settings

bp = Blueprint("study_guides", __name__)


@bp.app_template_filter("answer_key")
def answer_key_html(question: PracticeQuestion) -> Markup:
    """The answer key in the words of the printed question (choices by their letter)."""
    return kinds.get(question.kind).guide_answer_html(question.answer_key, question.choices)


@bp.get("/lessons/<lesson_id>/study-guide")
def lesson(lesson_id: str) -> ResponseReturnValue:
    figure_seeds = Settings.of(current_app).lesson_figure_seeds
    return render_template(
        "guide/lesson.html", guide=study_guides.lesson_guide(lesson_id, figure_seeds)
    )


@bp.get("/study-guide")
@login_required
def personal() -> ResponseReturnValue:
    return render_template(
        "guide/personal.html", guide=study_guides.personal_guide(current_user), now=utcnow()
    )
