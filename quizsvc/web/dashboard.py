"""The learner's dashboard, the evidence behind one objective, and the instructor's class view."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from quizsvc.progress.mastery import LEVEL_THRESHOLDS, Level
from quizsvc.security import limit_starts
from quizsvc.services import catalog, dashboard
from quizsvc.web import progress_format

bp = Blueprint("dashboard", __name__)
bp.add_app_template_filter(progress_format.relative, "relative")
bp.add_app_template_filter(progress_format.last_answer, "last_answer")
bp.add_app_template_filter(progress_format.utc, "utc")


@bp.get("/dashboard")
@login_required
def index() -> ResponseReturnValue:
    return render_template(
        "dashboard/index.html", board=dashboard.dashboard(current_user), thresholds=LEVEL_THRESHOLDS
    )


@bp.get("/dashboard/objectives/<lesson_id>/<objective_id>")
@login_required
def objective(lesson_id: str, objective_id: str) -> ResponseReturnValue:
    detail = dashboard.objective_detail(current_user, lesson_id, objective_id)
    return render_template("dashboard/objective.html", detail=detail, thresholds=LEVEL_THRESHOLDS)


@bp.post("/dashboard/objectives/<lesson_id>/<objective_id>/practice")
@login_required
@limit_starts
def practice(lesson_id: str, objective_id: str) -> ResponseReturnValue:
    attempt = dashboard.practice_objective(current_user, lesson_id, objective_id)
    return redirect(url_for("quiz.question", attempt_id=attempt.id, position=1))


@bp.get("/dashboard/class")
@login_required
def class_view() -> ResponseReturnValue:
    if not current_user.is_instructor:
        abort(403, "The class view is for instructors.")
    lesson_id = request.args.get("lesson") or None
    if lesson_id is not None:
        catalog.lesson(lesson_id)  # an unknown lesson is a 404
    return render_template(
        "dashboard/class.html",
        view=dashboard.class_view(lesson_id),
        levels=list(Level),
    )
