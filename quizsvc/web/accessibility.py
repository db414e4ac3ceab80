"""Accessibility pages: the "describe figures as data" setting, an instructor granting it, and
each figure as a file of its own (tap or click to enlarge, no JavaScript needed).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from quizsvc.security.identity import login_manager
from quizsvc.services import accessibility, catalog, figure_files
from quizsvc.services.errors import ServiceError
from quizsvc.settings import Settings

bp = Blueprint("accessibility", __name__)

SVG = "image/svg+xml"


def _svg(document: str) -> Response:
    response = Response(document, mimetype=SVG)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/attempts/<int:attempt_id>/questions/<int:position>/figures/<int:index>.svg")
@login_required
def question_figure(attempt_id: int, position: int, index: int) -> ResponseReturnValue:
    return _svg(figure_files.question_figure(current_user, attempt_id, position, index))


@bp.get("/lessons/<lesson_id>/figures/<figure_id>.svg")
def lesson_figure(lesson_id: str, figure_id: str) -> ResponseReturnValue:
    pool = Settings.of(current_app).lesson_figure_seeds
    seed = request.args.get("draw", type=int)
    if seed is None or not 0 <= seed < pool:
        abort(404)
    return _svg(figure_files.lesson_figure(catalog.lesson(lesson_id), figure_id, seed))


@bp.post("/account/accessibility")
@login_required
def account_setting() -> ResponseReturnValue:
    if current_user.is_guest:
        flash("Sign up to keep accessibility settings with your account.", "info")
        return redirect(url_for("auth.signup"))
    enabled = request.form.get("figure_data") == "on"
    accessibility.set_figure_data(current_user._get_current_object(), enabled)
    flash(
        "Figures now come with a table of their data."
        if enabled
        else "Figures no longer come with a table of their data.",
        "success",
    )
    return redirect(url_for("account.settings", _anchor="accessibility"))


@bp.route("/instructor/accessibility", methods=["GET", "POST"])
def instructor_grants() -> ResponseReturnValue:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_instructor:
        abort(403, "This page is for instructors.")
    instructor = current_user._get_current_object()
    error, status, email = None, 200, ""
    if request.method == "POST":
        email = request.form.get("email", "")
        enabled = request.form.get("action") != "revoke"
        try:
            student = accessibility.grant_figure_data(instructor, email, enabled)
        except ServiceError as exc:
            error, status = str(exc), 422
        else:
            flash(
                f"{student.name} now sees figures with their data."
                if enabled
                else f"{student.name} no longer sees figures with their data.",
                "success",
            )
            return redirect(url_for(".instructor_grants"))
    return render_template(
        "accessibility/instructor.html",
        granted=accessibility.granted_by(instructor),
        error=error,
        email=email,
    ), status
