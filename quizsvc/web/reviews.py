"""The Review page: what is due, review sessions of fresh variants, the desired retention."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from quizsvc.progress import scheduling
from quizsvc.security import limit_starts
from quizsvc.services import reviews
from quizsvc.services.errors import InvalidInput

bp = Blueprint("reviews", __name__)


def _page(error: str | None = None, retention_text: str | None = None) -> ResponseReturnValue:
    retention = reviews.retention(current_user)
    return render_template(
        "review/index.html",
        queue=reviews.queue(current_user),
        retention_text=retention_text or str(round(retention * 100)),
        min_retention=round(scheduling.MIN_RETENTION * 100),
        max_retention=round(scheduling.MAX_RETENTION * 100),
        session_size=reviews.SESSION_QUESTIONS,
        error=error,
    ), (422 if error else 200)


@bp.get("/review")
@login_required
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/review/sessions")
@login_required
@limit_starts
def start() -> ResponseReturnValue:
    attempt = reviews.start_session(
        current_user,
        request.form.get("lesson_id") or None,
        ahead=request.form.get("ahead") == "1",
    )
    return redirect(url_for("quiz.question", attempt_id=attempt.id, position=1))


@bp.post("/review/retention")
@login_required
def retention() -> ResponseReturnValue:
    text = request.form.get("retention", "")
    try:
        value = reviews.set_retention(current_user, text)
    except InvalidInput as exc:
        return _page(exc.message, text)
    flash(f"Desired retention set to {value:.0%}; your reviews are rescheduled.", "success")
    return redirect(url_for(".index"))
