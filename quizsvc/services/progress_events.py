"""Hooks through which the attempt and account services tell the progress layer what happened.

Each runs inside the caller's transaction (before its commit), so an answer and the mastery
and schedule updates it causes are stored together. Which answers count, and when:

* Practice mode: each answer when it is graded (a practice question takes one answer).
* Exam mode: answers may change and their correctness stays hidden until the end, so each
  question's final answer counts when the attempt is finished, timed at the finish.
"""

from __future__ import annotations

from flask import g

from quizsvc.db import get_session
from quizsvc.progress import lti, tracking
from quizsvc.progress.models import Attempt, AttemptQuestion, Mode, Response

_LTI_DUE = "lti_scores_due"


def on_graded(question: AttemptQuestion, response: Response) -> None:
    """A response was graded and added to the session (not yet committed)."""
    attempt = question.attempt
    if attempt.mode is Mode.EXAM:
        return
    session = get_session()
    session.flush()  # gives the response its id
    answer = tracking.evidence(question, response, response.submitted_at)
    tracking.record(session, attempt.user_id, [answer])


def on_finished(attempt: Attempt) -> None:
    """An attempt was just finished (by the learner or by its time limit)."""
    if lti.mark_due(get_session(), attempt.id):
        # Taken through an LMS link: its score is stored as due in this transaction; the
        # request then asks the task queue to send it (quizsvc.lti, the lti_passback job).
        g.setdefault(_LTI_DUE, []).append(attempt.id)
    if attempt.mode is not Mode.EXAM:
        return
    session = get_session()
    tracking.record(session, attempt.user_id, tracking.final_answers(session, attempt))


def on_guest_merged(guest_id: int, account_id: int) -> None:
    """A guest logged in to an existing account; their attempts now belong to it."""
    tracking.move_history(get_session(), guest_id, account_id)


def lti_scores_due() -> list[int]:
    """The attempts whose LTI score this request made due (for the queue to send)."""
    return list(g.get(_LTI_DUE, []))
