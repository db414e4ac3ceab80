"""Drafts: what a learner has entered for a question, kept on the server before they submit.

Pages save a draft as the learner types or picks and whenever they move to another question;
the API takes one as well. A draft is never graded while the attempt runs (practice feedback
and exam answers come only from submitting), and is graded when the attempt ends, by the
learner or by its deadline (`finishing`). An empty entry, or one equal to the answer already
recorded, leaves no draft.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.exc import IntegrityError

from quizsvc import kinds
from quizsvc.db import get_session
from quizsvc.progress.draft_models import AnswerDraft
from quizsvc.progress.models import Mode, User, utcnow
from quizsvc.services.attempts.access import draft_of, latest_response, question_of
from quizsvc.services.attempts.finishing import close_if_over
from quizsvc.services.errors import Conflict, InvalidInput

# Far above any honest entry (a number is at most 100 characters, a list names choices), and
# small enough that a draft cannot be used to store junk.
MAX_DRAFT_CHARS = 2000


def save_draft(user: User, attempt_id: int, position: int, raw: Any) -> AnswerDraft | None:
    """Keep what the learner entered (in the response's shape, readable or not); None when
    nothing is kept because the entry is empty or is the recorded answer."""
    question = question_of(user, attempt_id, position)
    attempt = question.attempt
    close_if_over(attempt)
    if attempt.finished:
        raise Conflict("This attempt is finished; nothing more can be saved.")
    latest = latest_response(question) if question.answered else None
    if latest is not None and attempt.mode is Mode.PRACTICE:
        raise Conflict("You have answered this question; its feedback is below.")
    _check_shape(question.variant["kind"], raw)
    session = get_session()
    draft = draft_of(question)
    if _empty(raw) or (latest is not None and latest.raw == raw):
        if draft is not None:
            session.delete(draft)
            session.commit()
        return None
    if draft is None:
        draft = AnswerDraft(question_id=question.id, raw=raw, saved_at=utcnow())
        session.add(draft)
        try:
            session.commit()
        except IntegrityError:  # the same question's draft from another tab or a beacon
            session.rollback()
            draft = draft_of(question)
            if draft is None:
                raise Conflict("Your entry could not be saved just now; try again.") from None
    draft.raw = raw
    draft.saved_at = utcnow()
    session.commit()
    return draft


def _empty(raw: Any) -> bool:
    return raw is None or raw == [] or (isinstance(raw, str) and not raw.strip())


def _check_shape(kind: str, raw: Any) -> None:
    """The kind's response shape and a bounded size; the grader judges the content later."""
    schema = kinds.get(kind).response_schema
    expected = schema.get("type")
    if raw is not None:
        if expected == "string" and not isinstance(raw, str):
            raise InvalidInput("Send the entry as text, as for an answer to this question.")
        if expected == "array" and not (
            isinstance(raw, list) and all(isinstance(item, str) for item in raw)
        ):
            raise InvalidInput(
                "Send the entry as a list of ids, as for an answer to this question."
            )
    if len(json.dumps(raw)) > MAX_DRAFT_CHARS:
        raise InvalidInput(f"An entry is at most {MAX_DRAFT_CHARS} characters long.")
