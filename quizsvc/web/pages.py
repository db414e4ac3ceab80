"""The home page (lessons in order with the learner's progress) and attempt history."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from quizsvc.services import attempts, progress

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    user = current_user if current_user.is_authenticated else None
    return render_template(
        "index.html",
        statuses=progress.lesson_statuses(user),
        unfinished=attempts.resumable(user) if user is not None else [],
    )


@bp.get("/history")
@login_required
def history() -> ResponseReturnValue:
    return render_template("history.html", rows=progress.history(current_user))
