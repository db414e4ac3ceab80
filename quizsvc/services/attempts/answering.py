"""Showing a question, revealing its hints and answering it: the commands of a running attempt.

Each first grades an attempt whose time is up (`finishing.close_if_over`), so a late answer
meets a finished attempt.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.exc import IntegrityError

from quizsvc import kinds
from quizsvc.db import get_session
from quizsvc.progress.models import AttemptQuestion, Mode, Response, User, utcnow
from quizsvc.quiz import AnswerError, Grade, Variant, grade
from quizsvc.services.attempts import tries
from quizsvc.services.attempts.access import latest_response, question_of, question_state
from quizsvc.services.attempts.earlier import earlier_answers
from quizsvc.services.attempts.finishing import close_if_over
from quizsvc.services.attempts.recording import forget_draft, jsonable, record
from quizsvc.services.attempts.views import QuestionView, Submission, question_view
from quizsvc.services.errors import Conflict, InvalidInput


def show_question(user: User, attempt_id: int, position: int) -> QuestionView:
    """A question to display; remembers it as the place to resume and starts its clock."""
    state = question_state(user, attempt_id, position)  # one query: see question_state
    question = state.question
    attempt = question.attempt
    was_open = not attempt.finished
    close_if_over(attempt)
    graded_now = was_open and attempt.finished  # its drafts became answers: read them again
    changed = False
    if not attempt.finished and attempt.position != position:
        attempt.position = position
        changed = True
    if question.first_viewed_at is None and not attempt.finished:
        question.first_viewed_at = utcnow()
        changed = True
    if changed:
        get_session().commit()
    if graded_now:
        view = question_view(attempt, question)
    else:
        view = question_view(attempt, question, state.latest, state.draft)
    return replace(view, earlier=earlier_answers(question))


def reveal_model_answer(user: User, attempt_id: int, position: int) -> QuestionView:
    """The question with a self-assessed kind's model answer, for the learner who has written
    (or said) their answer and now ticks what it covered; nothing is stored until they do."""
    view = show_question(user, attempt_id, position)
    if not view.can_answer:
        return view
    variant = Variant.from_dict(view.question.variant)
    return replace(view, model_answer_html=kinds.get(variant.kind).model_answer_html(variant))


def reveal_hint(user: User, attempt_id: int, position: int) -> QuestionView:
    question = question_of(user, attempt_id, position)
    attempt = question.attempt
    close_if_over(attempt)
    view = question_view(attempt, question)
    if view.can_answer and question.hints_shown < view.hints_total:
        question.hints_shown += 1
        get_session().commit()
        view = question_view(attempt, question)
    return view


def submit_answer(user: User, attempt_id: int, position: int, response: Any) -> Submission:
    """Grade and store an answer. A malformed answer raises InvalidInput and is not stored;
    the same answer sent twice is stored once; a practice question takes another try only
    after a wrong one, while it has tries left.

    The common path is four statements: the question with its latest response and draft
    flag (one query), the response's INSERT, the question's UPDATE, and the commit; the view
    returned is built from what is in hand, without reading again after the commit."""
    target = question_state(user, attempt_id, position)
    question = target.question
    attempt = question.attempt
    close_if_over(attempt)
    if attempt.finished:
        deadline = attempt.deadline()
        if attempt.finished_at and deadline and attempt.finished_at >= deadline:
            raise Conflict("Time is up: this drill has been graded.")
        raise Conflict("This attempt is finished; its answers can no longer change.")
    variant = Variant.from_dict(question.variant)
    try:
        result = grade(variant, response)
    except AnswerError as exc:
        raise InvalidInput(str(exc)) from None
    latest = target.latest
    if latest is not None and latest.parsed == jsonable(result.parsed):
        if target.has_draft:
            forget_draft(question)  # what was entered is the answer already recorded
            get_session().commit()
        return Submission(question_view(attempt, question, latest, draft=None), recorded=False)
    allowed = tries.of_question(attempt, question)
    if latest is not None and attempt.mode is Mode.PRACTICE and _settled(allowed, latest):
        raise Conflict("You have answered this question; its feedback is below.")
    try:
        recorded = _record(question, latest, response, result, target.has_draft)
    except IntegrityError:
        # A concurrent request recorded an answer first: the same one is a duplicate.
        get_session().rollback()
        latest = latest_response(question)
        if latest is not None and latest.parsed == jsonable(result.parsed):
            return Submission(question_view(attempt, question, latest), recorded=False)
        raise Conflict("Another answer to this question arrived at the same time.") from None
    # The draft, if any, went with the answer: nothing to read back.
    return Submission(question_view(attempt, question, recorded, draft=None), recorded=True)


def _settled(allowed: int, latest: Response) -> bool:
    """A practice question is settled once answered right or out of tries."""
    return latest.correct or latest.seq >= allowed


def _record(
    question: AttemptQuestion,
    latest: Response | None,
    raw: Any,
    result: Grade,
    has_draft: bool = True,
) -> Response:
    """Store the graded answer, now, and commit (the race tests pause two requests here, with
    positional arguments)."""
    recorded = record(question, latest, raw, result, utcnow(), has_draft=has_draft)
    get_session().commit()
    return recorded
