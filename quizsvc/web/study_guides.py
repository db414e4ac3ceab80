"""Printable study guides: per lesson, and a personal one for the learner's weak spots."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from quizsvc.progress.models import utcnow
from quizsvc.services import study_guides

bp = Blueprint("study_guides", __name__)


@bp.get("/lessons/<lesson_id>/study-guide")
def lesson(lesson_id: str) -> ResponseReturnValue:
    return render_template("guide/lesson.html", guide=study_guides.lesson_guide(lesson_id))


@bp.get("/study-guide")
@login_required
def personal() -> ResponseReturnValue:
    return render_template(
        "guide/personal.html", guide=study_guides.personal_guide(current_user), now=utcnow()
    )
