"""Lesson pages: the study text with its live figures drawn in place."""

from __future__ import annotations

import random

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from quizsvc.services import attempts, catalog
from quizsvc.settings import Settings
from quizsvc.web.figures import lesson_html

bp = Blueprint("lessons", __name__)


@bp.get("/lessons/<lesson_id>")
def lesson(lesson_id: str) -> ResponseReturnValue:
    lesson = catalog.lesson(lesson_id)
    settings = Settings.of(current_app)
    pool = settings.lesson_figure_seeds
    seed = request.args.get("draw", type=int)
    if seed is None or not 0 <= seed < pool:
        seed = random.randrange(pool)
    in_progress = []
    if current_user.is_authenticated:
        in_progress = [
            a for a in attempts.unfinished_attempts(current_user) if a.lesson_id == lesson.id
        ]
    by_id = {other.id: other for other in catalog.lessons()}
    return render_template(
        "lesson.html",
        lesson=lesson,
        body=lesson_html(lesson, seed),
        next_seed=(seed + 1) % pool,
        prerequisites=[by_id[p] for p in lesson.prerequisites if p in by_id],
        in_progress=in_progress,
        question_count=min(len(lesson.questions), settings.quiz_questions),
    )
