"""Reading attempts: a learner's own, and nothing here writes.

Every read checks the owner, so another learner's attempt is NotFound whichever way it is asked
for. A timed attempt whose deadline has passed is `over` but stays as stored until a command
grades it (see `finishing.close_if_over`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, contains_eager

from quizsvc.db import get_session
from quizsvc.progress.courses import assessment_of
from quizsvc.progress.draft_models import AnswerDraft
from quizsvc.progress.models import Attempt, AttemptKind, AttemptQuestion, Response, User, utcnow
from quizsvc.services import catalog
from quizsvc.services.errors import NotFound

# Answers that arrive this long after a deadline still count (the request was in flight).
DEADLINE_GRACE = timedelta(seconds=5)


def get_attempt(user: User, attempt_id: int) -> Attempt:
    """The learner's own attempt (NotFound for anyone else's)."""
    # Questions load lazily: answering one question needs neither the others nor their
    # variants, which is most of an attempt's bytes.
    attempt = get_session().scalar(
        select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user.id)
    )
    if attempt is None:
        raise NotFound("There is no such attempt among yours.")
    return attempt


def over(attempt: Attempt) -> bool:
    """Unfinished, but its time (and the grace period) is up."""
    deadline = attempt.deadline()
    return not attempt.finished and deadline is not None and utcnow() > deadline + DEADLINE_GRACE


def question_of(user: User, attempt_id: int, position: int) -> AttemptQuestion:
    """One question of the learner's own attempt, with its attempt, in one query: the path
    every answer takes, so it is kept short."""
    question = get_session().scalar(
        select(AttemptQuestion)
        .join(AttemptQuestion.attempt)
        .where(
            Attempt.id == attempt_id,
            Attempt.user_id == user.id,
            AttemptQuestion.position == position,
        )
        .options(contains_eager(AttemptQuestion.attempt))
    )
    if question is None:
        get_attempt(user, attempt_id)  # NotFound for an attempt that is not the learner's
        raise NotFound("This attempt has no such question.")
    return question


@dataclass(frozen=True)
class QuestionState:
    """What showing or answering a question reads first: the question with its attempt, its
    latest response (None while unanswered) and its draft (None when nothing is entered)."""

    question: AttemptQuestion
    latest: Response | None
    draft: AnswerDraft | None

    @property
    def has_draft(self) -> bool:
        return self.draft is not None


def question_state(user: User, attempt_id: int, position: int) -> QuestionState:
    """`question_of`, its latest response and its draft, in one query.

    Showing and answering are the requests a class sends most: reading these one by one cost
    two more round trips to the database (three after a commit, which opens a new
    transaction), and deleting a draft that is not there one more."""
    earlier = aliased(Response)
    latest_seq = (
        select(func.max(earlier.seq))
        .where(earlier.question_id == AttemptQuestion.id)
        .correlate(AttemptQuestion)
        .scalar_subquery()
    )
    row = (
        get_session()
        .execute(
            select(AttemptQuestion, Response, AnswerDraft)
            .join(AttemptQuestion.attempt)
            .outerjoin(
                Response,
                and_(Response.question_id == AttemptQuestion.id, Response.seq == latest_seq),
            )
            .outerjoin(AnswerDraft, AnswerDraft.question_id == AttemptQuestion.id)
            .where(
                Attempt.id == attempt_id,
                Attempt.user_id == user.id,
                AttemptQuestion.position == position,
            )
            .options(contains_eager(AttemptQuestion.attempt))
        )
        .first()
    )
    if row is None:
        get_attempt(user, attempt_id)  # NotFound for an attempt that is not the learner's
        raise NotFound("This attempt has no such question.")
    question, latest, draft = row
    return QuestionState(question, latest if question.answered else None, draft)


def latest_response(question: AttemptQuestion) -> Response | None:
    return get_session().scalar(
        select(Response)
        .where(Response.question_id == question.id)
        .order_by(Response.seq.desc())
        .limit(1)
    )


def latest_responses(attempt: Attempt) -> dict[int, Response]:
    """Each answered question's latest response by question id, in one query."""
    query = (
        select(Response)
        .join(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .order_by(Response.seq)
    )
    # Ordered by seq: a later try replaces an earlier one.
    return {response.question_id: response for response in get_session().scalars(query)}


def draft_of(question: AttemptQuestion) -> AnswerDraft | None:
    return get_session().scalar(select(AnswerDraft).where(AnswerDraft.question_id == question.id))


def drafts_of(attempt: Attempt) -> dict[int, AnswerDraft]:
    """The attempt's drafts by question id, in one query."""
    query = (
        select(AnswerDraft)
        .join(AttemptQuestion, AnswerDraft.question_id == AttemptQuestion.id)
        .where(AttemptQuestion.attempt_id == attempt.id)
    )
    return {draft.question_id: draft for draft in get_session().scalars(query)}


def attempt_title(attempt: Attempt) -> str:
    if attempt.kind is AttemptKind.DRILL:
        return "Interview drill"
    if attempt.kind is AttemptKind.REVIEW:
        return (
            f"Review · {catalog.lesson_title(attempt.lesson_id)}" if attempt.lesson_id else "Review"
        )
    assessment = assessment_of(get_session(), attempt)
    if assessment is not None:
        return assessment.title
    title = catalog.lesson_title(attempt.lesson_id)
    return f"New variant · {title}" if attempt.kind is AttemptKind.RETRY else title


def unfinished_attempts(user: User) -> list[Attempt]:
    query = (
        select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.finished_at.is_(None))
        .order_by(Attempt.started_at.desc())
    )
    return [a for a in get_session().scalars(query) if not over(a)]


@dataclass(frozen=True)
class Resumable:
    """An unfinished attempt as the home page offers it: what, how far, where to go on."""

    attempt: Attempt
    title: str
    answered: int


def resumable(user: User, limit: int = 5) -> list[Resumable]:
    """The learner's unfinished attempts, newest first, with how many questions are answered
    (counted in one query: the questions' variants are not loaded)."""
    unfinished = unfinished_attempts(user)[:limit]
    counts: dict[int, int] = {}
    if unfinished:
        query = (
            select(AttemptQuestion.attempt_id, func.count())
            .where(
                AttemptQuestion.attempt_id.in_([a.id for a in unfinished]),
                AttemptQuestion.answered_at.is_not(None),
            )
            .group_by(AttemptQuestion.attempt_id)
        )
        counts = {attempt_id: n for attempt_id, n in get_session().execute(query)}
    return [Resumable(a, attempt_title(a), counts.get(a.id, 0)) for a in unfinished]
