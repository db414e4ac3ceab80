"""Finishing an attempt (by the learner or by its deadline) and its review.

Finishing grades what the learner left entered but unsubmitted: each question's draft (see
`drafts`) becomes its answer, as if submitted when it was last saved. A draft the grader cannot
read (text that is not a number) is not guessed at: the question counts as unanswered and the
draft keeps the grader's message, which the review shows beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from quizsvc.db import get_session
from quizsvc.progress.models import Attempt, User, utcnow
from quizsvc.quiz import AnswerError, Variant, grade
from quizsvc.services import progress_events
from quizsvc.services.attempts.access import drafts_of, get_attempt, latest_response, over
from quizsvc.services.attempts.recording import jsonable, record
from quizsvc.services.attempts.views import QuestionView, attempt_views, results_visible
from quizsvc.services.errors import Conflict


@dataclass(frozen=True)
class FinishCheck:
    """What finishing now would do, for the page that asks the learner to confirm."""

    attempt: Attempt
    unanswered: list[int]  # positions without a recorded answer
    drafted: list[int]  # of those, the positions whose draft will be graded
    unreadable: list[tuple[int, str]]  # drafts the grader cannot read, with its message

    @property
    def scoring_zero(self) -> int:
        """Questions that will score 0: unanswered, and no gradable draft."""
        return len(self.unanswered) - len(self.drafted)


def finish(user: User, attempt_id: int) -> Attempt:
    """Grade the attempt (drafts graded, unanswered questions score 0); finishing twice
    changes nothing."""
    attempt = get_attempt(user, attempt_id)
    if not attempt.finished:
        _grade(attempt)
    return attempt


def finish_check(user: User, attempt_id: int) -> FinishCheck:
    """Which questions are unanswered, and which of their drafts finishing would grade."""
    attempt = settle(user, attempt_id)
    drafts = drafts_of(attempt)
    unanswered, drafted, unreadable = [], [], []
    for question in attempt.questions:
        draft = drafts.get(question.id)
        if not question.answered:
            unanswered.append(question.position)
        if draft is None:
            continue
        try:
            grade(Variant.from_dict(question.variant), draft.raw)
        except AnswerError as exc:
            unreadable.append((question.position, str(exc)))
        else:
            if not question.answered:
                drafted.append(question.position)
    return FinishCheck(attempt, unanswered, drafted, unreadable)


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


def settle_overdue(limit: int = 1000) -> int:
    """Grade the timed attempts whose deadline passed with nobody there (a closed tab, a
    student who walked out of an exam), oldest first; how many were graded.

    Pages grade an overdue attempt when they next touch it; the task queue calls this every
    minute so that what depends on the grade does not wait for a visit: the course gradebook,
    and the score an LTI link owes the LMS (`progress_events` makes it due).
    """
    query = (
        select(Attempt)
        .where(Attempt.finished_at.is_(None), Attempt.time_limit_s.is_not(None))
        .order_by(Attempt.started_at)
        .limit(limit)
    )
    graded = 0
    for attempt in list(get_session().scalars(query)):
        if not over(attempt):
            continue
        try:
            close_if_over(attempt)
        except Conflict:  # its learner's last answer arrived meanwhile: the next run grades it
            continue
        graded += 1
    return graded


def _grade(attempt: Attempt) -> None:
    session = get_session()
    try:
        _grade_drafts(attempt)
        scores = [q.score or 0.0 for q in attempt.questions]
        attempt.score = sum(scores) / len(scores) if scores else 0.0
        deadline = attempt.deadline()
        now = utcnow()
        attempt.finished_at = min(now, deadline) if deadline is not None else now
        progress_events.on_finished(attempt)
        session.commit()
    except IntegrityError:
        # Another request answered or finished at the same moment; what it stored stands.
        session.rollback()
        session.refresh(attempt)
        if not attempt.finished:
            message = "An answer arrived while this attempt was being graded; try again."
            raise Conflict(message) from None


def _grade_drafts(attempt: Attempt) -> None:
    drafts = drafts_of(attempt)
    for question in attempt.questions:
        draft = drafts.get(question.id)
        if draft is None:
            continue
        try:
            result = grade(Variant.from_dict(question.variant), draft.raw)
        except AnswerError as exc:
            draft.problem = str(exc)
            continue
        latest = latest_response(question) if question.answered else None
        if latest is not None and latest.parsed == jsonable(result.parsed):
            get_session().delete(draft)  # the same as the answer already recorded
            continue
        record(question, latest, draft.raw, result, draft.saved_at)


def review(user: User, attempt_id: int) -> list[QuestionView]:
    """Every question of a finished attempt with the learner's last answer, revealed, and the
    draft that could not be graded where there was one."""
    attempt = get_attempt(user, attempt_id)
    if not attempt.finished:
        raise Conflict("The review opens when the attempt is finished.")
    if not results_visible(attempt):
        raise Conflict(
            "Your answers are submitted. Your instructor releases the results of this "
            "assessment later; its page in your course says when."
        )
    return attempt_views(attempt)
