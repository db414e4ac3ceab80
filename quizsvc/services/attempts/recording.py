"""Storing one graded response: shared by an answer the learner submits and by a draft graded
when its attempt ends, so both count the same way (mastery, review schedule, item analysis)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete

from quizsvc.db import get_session
from quizsvc.progress.draft_models import AnswerDraft
from quizsvc.progress.models import AttemptQuestion, Mode, Response
from quizsvc.quiz import Grade
from quizsvc.services import progress_events
from quizsvc.services.attempts import tries


def jsonable(value: Any) -> Any:
    """`parsed` as it reads back from a JSON column (tuples become lists)."""
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    return value


def record(
    question: AttemptQuestion,
    latest: Response | None,
    raw: Any,
    result: Grade,
    at: datetime,
    *,
    has_draft: bool = True,
) -> Response:
    """Add the response (not committed) and forget the question's draft: an answer replaces
    whatever was entered before it. A caller that knows no draft is stored says so
    (`has_draft=False`) and saves the DELETE."""
    elapsed = None
    if question.first_viewed_at is not None:
        elapsed = max(0, int((at - question.first_viewed_at).total_seconds() * 1000))
    session = get_session()
    seq = (latest.seq + 1) if latest else 1
    practice = question.attempt.mode is Mode.PRACTICE
    response = Response(
        question_id=question.id,
        seq=seq,
        raw=raw,
        parsed=jsonable(result.parsed),
        score=result.score,
        correct=result.correct,
        feedback_html=result.feedback_html,
        correct_answer_html=result.correct_answer_html,
        hints_used=question.hints_shown,
        elapsed_ms=elapsed,
        submitted_at=at,
    )
    session.add(response)
    question.answered_at = at
    # In practice the score follows the tries used; an exam answer replaces the one before.
    credit = tries.credit(seq, tries.of_question(question.attempt, question)) if practice else 1.0
    question.score = result.score * credit
    question.correct = result.correct
    if has_draft:
        forget_draft(question)
    if seq == 1 or not practice:
        progress_events.on_graded(question, response)  # a later practice try is not new evidence
    return response


def forget_draft(question: AttemptQuestion) -> None:
    get_session().execute(delete(AnswerDraft).where(AnswerDraft.question_id == question.id))
