"""Quiz pages: start an attempt or a drill, one question at a time, finish, review.

Every POST redirects (post/redirect/get), so a reload never resubmits and the browser's back
button walks through pages rather than forms. Answers are saved as they are submitted. Saving an
exam answer stays on its question, says "saved" and focuses the way on (the next question, or
finishing on the last): moving on is always the learner's one click, so nothing advances twice.

Nothing entered is lost by moving on: while a question can be answered, every way to another
question (Previous, Skip, Next, the question numbers), "Show a hint" and "Finish" is a submit
button of its answer form (`nav`), so the server keeps what is entered as a draft before it
redirects, with JavaScript or without. static/autosave.js also saves drafts as the learner
types (`draft`).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    get_flashed_messages,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from quizsvc import kinds
from quizsvc.kinds import AnswerError, AnswerForm
from quizsvc.progress.models import Mode
from quizsvc.quiz import Variant
from quizsvc.security import limit_from_config, limit_starts
from quizsvc.services import attempts, catalog
from quizsvc.services.attempts import DrillOptions, QuestionView
from quizsvc.services.errors import Conflict, InvalidInput, NotFound
from quizsvc.settings import Settings
from quizsvc.web.auth import ensure_learner
from quizsvc.web.figures import question_figures
from quizsvc.web.forms import DrillForm

bp = Blueprint("quiz", __name__)

SAVED = "saved"  # the flash category of a saved exam answer (shown like "success")


def _mode(value: str | None) -> Mode:
    try:
        return Mode(value or Mode.PRACTICE.value)
    except ValueError:
        raise InvalidInput("Choose practice or exam mode.") from None


@bp.post("/lessons/<lesson_id>/attempts")
@limit_starts
def start(lesson_id: str) -> ResponseReturnValue:
    catalog.lesson(lesson_id)  # a 404 for an unknown lesson before a guest is created
    user = ensure_learner()
    settings = Settings.of(current_app)
    mode, count = _mode(request.form.get("mode")), settings.quiz_questions
    attempt = attempts.start_lesson_attempt(user, lesson_id, mode, count)
    return redirect(url_for(".question", attempt_id=attempt.id, position=1))


@bp.route("/drill", methods=["GET", "POST"])
@limit_starts
def drill() -> ResponseReturnValue:
    lessons = [lesson for lesson in catalog.lessons() if lesson.questions]
    defaults = {
        "lesson": [lesson.id for lesson in lessons],
        "count": attempts.DEFAULT_QUESTIONS,
        "minutes": attempts.DEFAULT_DRILL_MINUTES,
    }
    form = DrillForm(data=None if request.method == "POST" else defaults)
    error = None
    if request.method == "POST":
        try:
            if not form.validate():
                raise InvalidInput(form.first_error())
            options = DrillOptions(
                lesson_ids=sorted(set(form.lesson.data or [])),
                count=form.count.data or 0,
                minutes=form.minutes.data or 0,
                mode=Mode(form.mode.data),
                interview=bool(form.interview.data),
            )
            attempt = attempts.start_drill(ensure_learner(), options)
        except (InvalidInput, Conflict) as exc:
            error = exc.message
        else:
            return redirect(url_for(".question", attempt_id=attempt.id, position=1))
    return render_template(
        "quiz/drill.html",
        lessons=lessons,
        form=form,
        error=error,
        max_questions=attempts.MAX_QUESTIONS,
        min_questions=attempts.MIN_DRILL_QUESTIONS,
        max_minutes=attempts.MAX_DRILL_MINUTES,
        interview_minutes=attempts.INTERVIEW_MINUTES_PER_QUESTION,
    ), (422 if error else 200)


@bp.get("/attempts/<int:attempt_id>")
@login_required
def resume(attempt_id: int) -> ResponseReturnValue:
    attempt = attempts.settle(current_user, attempt_id)
    if attempt.finished:
        return redirect(url_for(".review", attempt_id=attempt.id))
    return redirect(url_for(".question", attempt_id=attempt.id, position=attempt.position))


@bp.route("/attempts/<int:attempt_id>/questions/<int:position>", methods=["GET", "POST"])
@login_required
@limit_from_config("ANSWER_RATE_LIMIT", per_user=True)
def question(attempt_id: int, position: int) -> ResponseReturnValue:
    view = attempts.show_question(current_user, attempt_id, position)
    kind = kinds.get(view.public["kind"])
    if request.method == "GET":
        return _question_page(view, kind.answer_form(view.public, response=view.entered))
    if view.attempt.finished:
        flash("This attempt is finished: here is its review.", "info")
        return redirect(url_for(".review", attempt_id=attempt_id))
    if "nav" in request.form:
        return _move(view, request.form["nav"])
    form = kind.answer_form(view.public, formdata=request.form)
    try:
        if form.revealing():  # a self-assessed kind's first step: show the model answer
            return _question_page(
                attempts.reveal_model_answer(current_user, attempt_id, position), form
            )
        submission = attempts.submit_answer(current_user, attempt_id, position, form.response())
    except AnswerError as exc:
        return _question_page(view, form, error=str(exc)), 422
    except InvalidInput as exc:
        return _question_page(view, form, error=exc.message), 422
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for(".question", attempt_id=attempt_id, position=position))
    attempt = submission.view.attempt
    if attempt.mode is Mode.PRACTICE:
        return redirect(
            url_for(".question", attempt_id=attempt_id, position=position, _anchor="feedback")
        )
    flash(f"Answer to question {position} saved.", SAVED)
    return redirect(url_for(".question", attempt_id=attempt_id, position=position))


def _move(view: QuestionView, nav: str) -> ResponseReturnValue:
    """Keep what is entered as a draft (when it changed), then go where the learner asked:
    another question, a hint, or finishing."""
    attempt, position = view.attempt, view.position
    if view.can_answer:
        kind = kinds.get(view.public["kind"])
        try:
            entered = kind.answer_form(view.public, formdata=request.form).draft()
        except AnswerError as exc:
            flash(f"What you entered for question {position} was not saved: {exc}", "error")
        else:
            if entered != _shown(view):
                _save(view, entered)
    if nav == "hint":
        attempts.reveal_hint(current_user, attempt.id, position)
        return redirect(
            url_for(".question", attempt_id=attempt.id, position=position, _anchor="hints")
        )
    if nav == "finish":
        check = attempts.finish_check(current_user, attempt.id)
        if check.unanswered or check.unreadable:
            return redirect(url_for(".finish", attempt_id=attempt.id))
        attempts.finish(current_user, attempt.id)
        return redirect(url_for(".review", attempt_id=attempt.id))
    target = int(nav) if nav.isascii() and nav.isdigit() else position
    if not 1 <= target <= attempt.question_count:
        target = position
    return redirect(url_for(".question", attempt_id=attempt.id, position=target))


def _shown(view: QuestionView) -> Any:
    """The entry the page showed, as its form's draft reads it (an untouched ordering shows
    its items in order: moving on from it keeps nothing)."""
    kind = kinds.get(view.public["kind"])
    if view.entered is not None:
        return view.entered
    return kind.answer_form(view.public).draft()


def _save(view: QuestionView, entered: Any) -> None:
    try:
        attempts.save_draft(current_user, view.attempt.id, view.position, entered)
    except (InvalidInput, Conflict) as exc:
        flash(f"What you entered for question {view.position} was not saved: {exc.message}",
              "error")  # fmt: skip


def _question_page(view: QuestionView, form: AnswerForm, error: str | None = None) -> str:
    attempt = view.attempt
    return render_template(
        "quiz/question.html",
        view=view,
        attempt=attempt,
        title=attempts.attempt_title(attempt),
        figures=question_figures(view),
        form=form,
        error=error,
        answered=sum(1 for q in attempt.questions if q.answered),
        deadline=attempt.deadline(),
        just_saved=error is None and bool(get_flashed_messages(category_filter=[SAVED])),
    )


@bp.post("/attempts/<int:attempt_id>/questions/<int:position>/draft")
@login_required
@limit_from_config("DRAFT_RATE_LIMIT", per_user=True)
def draft(attempt_id: int, position: int) -> ResponseReturnValue:
    """Keep what is entered (static/autosave.js posts the answer form as the learner types and
    when the page is left); JSON in reply, for the "Saved" status beside the answer."""
    try:
        question = attempts.question_of(current_user, attempt_id, position)
        public = Variant.from_dict(question.variant).public_dict()
        entered = kinds.get(public["kind"]).answer_form(public, formdata=request.form).draft()
        saved = attempts.save_draft(current_user, attempt_id, position, entered)
    except AnswerError as exc:
        return jsonify(saved=False, message=str(exc)), 422
    except (InvalidInput, Conflict, NotFound) as exc:
        return jsonify(saved=False, message=exc.message), exc.status
    return jsonify(saved=True, saved_at=saved.saved_at.isoformat() if saved else None)


@bp.post("/attempts/<int:attempt_id>/questions/<int:position>/hint")
@login_required
def hint(attempt_id: int, position: int) -> ResponseReturnValue:
    attempts.reveal_hint(current_user, attempt_id, position)
    return redirect(url_for(".question", attempt_id=attempt_id, position=position, _anchor="hints"))


@bp.route("/attempts/<int:attempt_id>/finish", methods=["GET", "POST"])
@login_required
def finish(attempt_id: int) -> ResponseReturnValue:
    """GET asks to confirm, saying what is unanswered and what will be graded; POST (the
    confirmation, or a button when every question is answered) finishes."""
    if request.method == "GET":
        check = attempts.finish_check(current_user, attempt_id)
        if check.attempt.finished:
            return redirect(url_for(".review", attempt_id=attempt_id))
        return render_template(
            "quiz/finish.html",
            check=check,
            attempt=check.attempt,
            title=attempts.attempt_title(check.attempt),
        )
    attempts.finish(current_user, attempt_id)
    return redirect(url_for(".review", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int) -> ResponseReturnValue:
    attempt = attempts.settle(current_user, attempt_id)
    if not attempt.finished:
        flash("Finish the attempt to open its review.", "info")
        return redirect(url_for(".question", attempt_id=attempt.id, position=attempt.position))
    if not attempts.results_visible(attempt):  # a course assessment's results come later
        return redirect(url_for("courses.attempt_home", attempt_id=attempt.id))
    views = attempts.review(current_user, attempt_id)
    return render_template(
        "quiz/review.html",
        attempt=attempt,
        title=attempts.attempt_title(attempt),
        items=[(view, question_figures(view)) for view in views],
    )


@bp.post("/attempts/<int:attempt_id>/questions/<int:position>/retry")
@login_required
@limit_starts
def retry(attempt_id: int, position: int) -> ResponseReturnValue:
    attempt = attempts.start_retry(current_user, attempt_id, position)
    return redirect(url_for(".question", attempt_id=attempt.id, position=1))
