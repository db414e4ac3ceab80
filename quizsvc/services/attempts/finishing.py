"""Finishing an attempt (by the learner or by its deadline) and its review."""

from __future__ import annotations

from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.models import Attempt, AttemptQuestion, Response, User, utcnow
from quizsvc.services import progress_events
from quizsvc.services.attempts.access import get_attempt, over
from quizsvc.services.attempts.views import QuestionView, question_view, results_visible
from quizsvc.services.errors import Conflict


def finish(user: User, attempt_id: int) -> Attempt:
    """Grade the attempt (unanswered questions score 0); finishing twice changes nothing."""
    attempt = get_attempt(user, attempt_id)
    if not attempt.finished:
        _grade(attempt)
    return attempt


def settle(user: User, attempt_id: int) -> Attempt:
    """The learner's attempt, graded first if its time is up.

    The one write a page or route asks for before it shows an attempt's state (resume, review,
    the API's attempt document), so a drill whose time ran out reads as finished.
    """
    attempt = get_attempt(user, attempt_id)
    close_if_over(attempt)
    return attempt


def close_if_over(attempt: Attempt) -> None:
    """Grade an attempt whose deadline has passed (commands call this before they act)."""
    if over(attempt):
        _grade(attempt)


def _grade(attempt: Attempt) -> None:
    scores = [q.score or 0.0 for q in attempt.questions]
    attempt.score = sum(scores) / len(scores) if scores else 0.0
    deadline = attempt.deadline()
    now = utcnow()
    attempt.finished_at = min(now, deadline) if deadline is not None else now
    progress_events.on_finished(attempt)
    get_session().commit()


def review(user: User, attempt_id: int) -> list[QuestionView]:
    """Every question of a finished attempt with the learner's last answer, revealed."""
    attempt = get_attempt(user, attempt_id)
    if not attempt.finished:
        raise Conflict("The review opens when the attempt is finished.")
    if not results_visible(attempt):
        raise Conflict(
            "Your answers are submitted. Your instructor releases the results of this "
            "assessment later; its page in your course says when."
        )
    latest: dict[int, Response] = {}
    query = (
        select(Response)
        .join(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .order_by(Response.seq)
    )
    for response in get_session().scalars(query):
        latest[response.question_id] = response  # ordered by seq: the last one wins
    return [question_view(attempt, q, latest.get(q.id)) for q in attempt.questions]
