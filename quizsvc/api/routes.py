"""Routes of /api/v1. Each one is documented in quizsvc.api.openapi (a test checks both ways)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import BadRequest, Unauthorized

from quizsvc.api import openapi
from quizsvc.api.serialize import (
    attempt_json,
    lesson_json,
    progress_json,
    question_json,
    user_json,
)
from quizsvc.progress.models import Mode, User
from quizsvc.security import csrf, identity, limit_from_config, limit_starts
from quizsvc.services import attempts, catalog, figures, progress
from quizsvc.services.attempts import DrillOptions
from quizsvc.services.errors import InvalidInput, NotFound
from quizsvc.settings import Settings

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@bp.before_request
def authenticate() -> None:
    """Check the caller's credentials (quizsvc.security.identity finds the caller): a bearer
    token must be valid; a browser session must send its CSRF token on writes."""
    if identity.token_request():
        if identity.bearer_token() is None:
            raise _unauthorized("Send the token as 'Authorization: Bearer <token>'.")
        if not current_user.is_authenticated:
            raise _unauthorized("This token is unknown or has been revoked.")
    elif (
        current_user.is_authenticated
        and request.method not in SAFE_METHODS
        and current_app.config["WTF_CSRF_ENABLED"]
    ):
        csrf.protect()


def _unauthorized(message: str) -> Unauthorized:
    return Unauthorized(message, www_authenticate=WWWAuthenticate("bearer", {"realm": "quizsvc"}))


def learner() -> User:
    if not current_user.is_authenticated:
        raise _unauthorized("Log in, or send a personal API token as a bearer token.")
    return current_user._get_current_object()


def _body(*fields: str) -> dict[str, Any]:
    """The request's JSON object, with no fields but `fields` (a misspelt field is an error,
    not a silent default). Call it after `learner()`, so strangers' bodies stay unread."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise BadRequest("This JSON is nested too deeply; send a flat JSON object.") from None
    if not isinstance(data, dict):
        raise BadRequest("Send a JSON object with Content-Type: application/json.")
    _only(data, fields, "the body")
    _check_text(data)
    return data


def _check_text(value: Any) -> None:
    """Refuse text that no page could show or database store: NUL characters (PostgreSQL
    refuses them) and unpaired surrogates such as "\\ud800" (no UTF-8 encodes them).

    Forms, query strings and paths meet web.limits' check of NUL before any view; a JSON body
    is checked here, once the caller is known, because the API reads no stranger's body."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and _BAD_TEXT.search(item):
            raise InvalidInput(
                "Text may not hold NUL characters or unpaired surrogates (such as \\ud800); "
                "send plain UTF-8 text."
            )


_BAD_TEXT = re.compile(r"[\x00\ud800-\udfff]")


def _only(data: dict[str, Any], fields: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise InvalidInput(
            f"Unknown field {unknown[0]!r} in {where}; it takes {', '.join(fields)}."
        )


@bp.get("/openapi.json", endpoint="openapi")
def openapi_document() -> ResponseReturnValue:
    return jsonify(openapi.document())


@bp.get("/me")
def me() -> ResponseReturnValue:
    return jsonify(user_json(learner()))


@bp.get("/lessons")
def lessons() -> ResponseReturnValue:
    if not current_user.is_authenticated:
        return jsonify(lessons=[lesson_json(lesson, None) for lesson in catalog.lessons()])
    return jsonify(lessons=[lesson_json(s.lesson, s) for s in progress.lesson_statuses(learner())])


@bp.get("/progress")
def learner_progress() -> ResponseReturnValue:
    user = learner()
    history = progress.history(user)
    return jsonify(
        user=user_json(user),
        lessons=[progress_json(status) for status in progress.lesson_statuses(user)],
        attempts={
            "finished": sum(1 for row in history if row.summary.attempt.finished),
            "in_progress": sum(1 for row in history if not row.summary.attempt.finished),
        },
    )


@bp.get("/attempts")
def list_attempts() -> ResponseReturnValue:
    user = learner()
    rows = progress.history(user)
    return jsonify(attempts=[attempt_json(row.summary.attempt) for row in rows])


@bp.post("/attempts")
@limit_starts
def start_attempt() -> ResponseReturnValue:
    user = learner()
    body = _body("lesson_id", "drill", "mode")
    mode_name = body.get("mode", Mode.PRACTICE.value)
    if not isinstance(mode_name, str) or mode_name not in {m.value for m in Mode}:
        raise InvalidInput("mode must be 'practice' or 'exam'.")
    mode = Mode(mode_name)
    if "lesson_id" in body and "drill" not in body:
        if not isinstance(body["lesson_id"], str):
            raise InvalidInput("lesson_id must be a lesson id such as 'vanishing-gradients'.")
        settings = Settings.of(current_app)
        attempt = attempts.start_lesson_attempt(
            user, body["lesson_id"], mode, settings.quiz_questions
        )
    elif "drill" in body and "lesson_id" not in body and isinstance(body["drill"], dict):
        attempt = attempts.start_drill(user, _drill_options(body["drill"], mode))
    else:
        raise InvalidInput('Send either lesson_id or drill, e.g. {"lesson_id": "..."}.')
    return jsonify(attempt_json(attempt)), 201


def _drill_options(drill: dict[str, Any], mode: Mode) -> DrillOptions:
    _only(drill, ("lesson_ids", "count", "minutes", "interview"), "drill")
    lesson_ids = drill.get("lesson_ids", [])
    count = drill.get("count", attempts.DEFAULT_QUESTIONS)
    minutes = drill.get("minutes", attempts.DEFAULT_DRILL_MINUTES)
    if not isinstance(lesson_ids, list) or not all(isinstance(i, str) for i in lesson_ids):
        raise InvalidInput("drill.lesson_ids must be a list of lesson ids (empty: all lessons).")
    for lesson_id in lesson_ids:
        catalog.lesson(lesson_id)  # NotFound, as for a lesson attempt
    count = _whole(count)
    if count is None:
        raise InvalidInput("drill.count must be a whole number.")
    if minutes is not None:
        minutes = _whole(minutes)
        if minutes is None:
            raise InvalidInput("drill.minutes must be a whole number of minutes or null.")
    interview = drill.get("interview", False)
    if not isinstance(interview, bool):
        raise InvalidInput("drill.interview must be true or false.")
    return DrillOptions(
        lesson_ids=lesson_ids, count=count, minutes=minutes, mode=mode, interview=interview
    )


def _whole(value: Any) -> int | None:
    """A JSON integer (JSON Schema counts 3.0 as one), else None."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@bp.get("/attempts/<int:attempt_id>")
def attempt(attempt_id: int) -> ResponseReturnValue:
    return jsonify(attempt_json(attempts.settle(learner(), attempt_id)))


@bp.post("/attempts/<int:attempt_id>/finish")
def finish(attempt_id: int) -> ResponseReturnValue:
    return jsonify(attempt_json(attempts.finish(learner(), attempt_id)))


@bp.get("/attempts/<int:attempt_id>/review")
def review(attempt_id: int) -> ResponseReturnValue:
    attempts.settle(learner(), attempt_id)
    views = attempts.review(learner(), attempt_id)  # an attempt has at least one question
    return jsonify(
        attempt=attempt_json(views[0].attempt), questions=[question_json(view) for view in views]
    )


@bp.get("/attempts/<int:attempt_id>/questions/<int:position>")
def question(attempt_id: int, position: int) -> ResponseReturnValue:
    return jsonify(question_json(attempts.show_question(learner(), attempt_id, position)))


@bp.post("/attempts/<int:attempt_id>/questions/<int:position>/answer")
@limit_from_config("ANSWER_RATE_LIMIT", per_user=True)
def answer(attempt_id: int, position: int) -> ResponseReturnValue:
    user = learner()
    body = _body("response")
    if "response" not in body:
        raise InvalidInput('Send the answer as {"response": ...}; see the Response schema.')
    submission = attempts.submit_answer(user, attempt_id, position, body["response"])
    document = {"recorded": submission.recorded, "question": question_json(submission.view)}
    return jsonify(document), (201 if submission.recorded else 200)


@bp.post("/attempts/<int:attempt_id>/questions/<int:position>/draft")
@limit_from_config("DRAFT_RATE_LIMIT", per_user=True)
def draft(attempt_id: int, position: int) -> ResponseReturnValue:
    user = learner()
    body = _body("response")
    if "response" not in body:
        raise InvalidInput('Send the entry as {"response": ...}; null clears the draft.')
    attempts.save_draft(user, attempt_id, position, body["response"])
    return jsonify(question_json(attempts.show_question(user, attempt_id, position)))


@bp.post("/attempts/<int:attempt_id>/questions/<int:position>/hints")
def hint(attempt_id: int, position: int) -> ResponseReturnValue:
    return jsonify(question_json(attempts.reveal_hint(learner(), attempt_id, position)))


@bp.post("/attempts/<int:attempt_id>/questions/<int:position>/model-answer")
def model_answer(attempt_id: int, position: int) -> ResponseReturnValue:
    view = attempts.reveal_model_answer(learner(), attempt_id, position)
    return jsonify(question_json(view))


@bp.get("/attempts/<int:attempt_id>/questions/<int:position>/figures/<int:index>")
def figure(attempt_id: int, position: int, index: int) -> ResponseReturnValue:
    question = attempts.question_of(learner(), attempt_id, position)
    count = len(question.variant["figures"])
    if index >= count:
        raise NotFound(f"This question has {count} figure{'s' if count != 1 else ''}.")
    drawn = figures.variant_figure(question, index)
    response = Response(drawn.svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"  # a figure never changes
    return response
