"""Graded answers become mastery updates and FSRS reviews; projections rebuilt from the logs.

`record` is the write path (called when an answer counts as evidence). It appends to the logs and
updates the projections in the caller's transaction, so an answer and what it taught us about
the learner are committed together or not at all. `rebuild` replays the logs and gives the same
projections, which is what makes merging a guest's work or changing the desired retention safe.

Answers of one learner may arrive at once (two tabs, a script). Each writer first locks the
learner (`_lock_learner`), so no two read the same mastery row and overwrite each other's
update; an answer that commits after a later one (it waited for the lock) is counted by
replaying the logs, so the result is always what a serial run in answer order gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fsrs import Rating, Scheduler
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from quizsvc.progress import mastery, scheduling
from quizsvc.progress.mastery_models import (
    DEFAULT_RETENTION,
    LearnerSettings,
    MasteryEvent,
    ObjectiveMastery,
    ReviewCard,
    ReviewLog,
)
from quizsvc.progress.models import Attempt, AttemptQuestion, Response, User
from quizsvc.progress.review_rating import rating_for

ObjectiveKey = tuple[str, str]  # (lesson id, objective id)


@dataclass(frozen=True)
class Evidence:
    """One graded answer, with what the stored variant says it tests."""

    response_id: int
    template_id: str
    lesson_id: str
    objectives: tuple[str, ...]
    difficulty: int
    score: float
    hints_used: int
    elapsed_ms: int | None
    at: datetime

    @property
    def rating(self) -> Rating:
        seconds = self.elapsed_ms / 1000 if self.elapsed_ms is not None else None
        return rating_for(self.score, self.hints_used, seconds, self.difficulty)


def desired_retention(session: Session, user_id: int) -> float:
    value = session.scalar(
        select(LearnerSettings.desired_retention).where(LearnerSettings.user_id == user_id)
    )
    return DEFAULT_RETENTION if value is None else value


def record(session: Session, user_id: int, answers: Sequence[Evidence]) -> None:
    """Count graded answers (in time order) as evidence; an answer counted before is skipped.

    A fixed number of statements however many answers: the lock, the answers already counted,
    the affected mastery rows and cards (one query each), and one bulk insert into each log.
    """
    _lock_learner(session, user_id)
    fresh = _not_yet_counted(session, answers)
    if not fresh:
        return
    fresh.sort(key=lambda e: (e.at, e.response_id))
    session.execute(insert(ReviewLog), [_log_row(user_id, answer) for answer in fresh])
    masteries = _mastery_rows(session, user_id, {k for e in fresh for k in _objective_keys(e)})
    cards = _card_rows(session, user_id, {e.template_id for e in fresh})
    if _out_of_order(fresh, masteries, cards):
        # Counted already: an answer given after one of these. Replay, as a serial run would.
        placeholder = mastery.MasteryState()
        events = [
            _event_row(user_id, answer, key, placeholder)
            for answer in fresh
            for key in _objective_keys(answer)
        ]
        if events:
            session.execute(insert(MasteryEvent), events)
        rebuild(session, user_id)
        return
    fsrs = scheduling.scheduler(desired_retention(session, user_id))
    events = []
    for answer in fresh:
        card = cards.get(answer.template_id)
        if card is None:
            card = cards[answer.template_id] = scheduling.new_card_row(
                user_id, answer.template_id, answer.lesson_id
            )
            session.add(card)
        _review(fsrs, card, answer.rating, answer.at)
        for key in _objective_keys(answer):
            row = masteries.get(key)
            if row is None:
                row = masteries[key] = ObjectiveMastery(
                    user_id=user_id, lesson_id=key[0], objective_id=key[1]
                )
                row.set_state(mastery.MasteryState())
                session.add(row)
            state = mastery.update(row.state(), answer.score, answer.difficulty, answer.at)
            row.set_state(state)
            events.append(_event_row(user_id, answer, key, state))
    if events:
        session.execute(insert(MasteryEvent), events)
    session.flush()


def _lock_learner(session: Session, user_id: int) -> None:
    """Make this transaction the only one changing the learner's progress until it ends.

    PostgreSQL: a row lock on the learner (READ COMMITTED then shows every later statement
    what the previous holder committed). SQLite has one writer at a time: the transaction
    holds its lock from its first write, which comes before any progress row is read (the
    caller's answer, else the review log insert below).
    """
    session.execute(select(User.id).where(User.id == user_id).with_for_update())


def _out_of_order(
    fresh: Sequence[Evidence],
    masteries: dict[ObjectiveKey, ObjectiveMastery],
    cards: dict[str, ReviewCard],
) -> bool:
    """Whether a row already counts an answer given at or after one of `fresh`."""
    for answer in fresh:
        card = cards.get(answer.template_id)
        if card is not None and card.last_review is not None and card.last_review >= answer.at:
            return True
        for key in _objective_keys(answer):
            row = masteries.get(key)
            if row is not None and row.last_seen is not None and row.last_seen >= answer.at:
                return True
    return False


def _log_row(user_id: int, answer: Evidence) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "response_id": answer.response_id,
        "template_id": answer.template_id,
        "lesson_id": answer.lesson_id,
        "score": answer.score,
        "hints_used": answer.hints_used,
        "elapsed_ms": answer.elapsed_ms,
        "rating": int(answer.rating),
        "reviewed_at": answer.at,
    }


def _event_row(
    user_id: int, answer: Evidence, key: ObjectiveKey, state: mastery.MasteryState
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "response_id": answer.response_id,
        "lesson_id": key[0],
        "objective_id": key[1],
        "template_id": answer.template_id,
        "difficulty": answer.difficulty,
        "score": answer.score,
        "theta": state.theta,
        "evidence": state.evidence,
        "at": answer.at,
    }


def _objective_keys(answer: Evidence) -> list[ObjectiveKey]:
    return [(answer.lesson_id, objective) for objective in dict.fromkeys(answer.objectives)]


def _not_yet_counted(session: Session, answers: Sequence[Evidence]) -> list[Evidence]:
    ids = {a.response_id for a in answers}
    if not ids:
        return []
    counted = set(
        session.scalars(select(ReviewLog.response_id).where(ReviewLog.response_id.in_(ids)))
    )
    unique = {a.response_id: a for a in answers if a.response_id not in counted}
    return list(unique.values())


def _mastery_rows(
    session: Session, user_id: int, keys: set[ObjectiveKey]
) -> dict[ObjectiveKey, ObjectiveMastery]:
    if not keys:
        return {}
    lessons = {lesson for lesson, _ in keys}
    rows = session.scalars(
        select(ObjectiveMastery)
        .where(ObjectiveMastery.user_id == user_id, ObjectiveMastery.lesson_id.in_(lessons))
        .execution_options(populate_existing=True)  # as committed, not as first loaded
    )
    return {(r.lesson_id, r.objective_id): r for r in rows}


def _card_rows(session: Session, user_id: int, template_ids: set[str]) -> dict[str, ReviewCard]:
    rows = session.scalars(
        select(ReviewCard)
        .where(ReviewCard.user_id == user_id, ReviewCard.template_id.in_(template_ids))
        .execution_options(populate_existing=True)
    )
    return {r.template_id: r for r in rows}


def _review(fsrs: Scheduler, row: ReviewCard, rating: Rating, at: datetime) -> None:
    card, _log = fsrs.review_card(scheduling.to_fsrs(row), rating, review_datetime=at)
    scheduling.store(row, card, rating)


# --- replay -----------------------------------------------------------------------------------


def rebuild(session: Session, user_id: int) -> None:
    """Recompute the learner's mastery rows, mastery events and cards from the logs."""
    _lock_learner(session, user_id)
    rebuild_cards(session, user_id)
    session.execute(delete(ObjectiveMastery).where(ObjectiveMastery.user_id == user_id))
    events = session.execute(
        select(
            MasteryEvent.id,
            MasteryEvent.lesson_id,
            MasteryEvent.objective_id,
            MasteryEvent.score,
            MasteryEvent.difficulty,
            MasteryEvent.at,
        )
        .where(MasteryEvent.user_id == user_id)
        .order_by(MasteryEvent.at, MasteryEvent.response_id)
    )
    states: dict[ObjectiveKey, mastery.MasteryState] = {}
    changes = []
    for event_id, lesson_id, objective_id, score, difficulty, at in events:
        key = (lesson_id, objective_id)
        state = mastery.update(states.get(key, mastery.MasteryState()), score, difficulty, at)
        states[key] = state
        changes.append({"id": event_id, "theta": state.theta, "evidence": state.evidence})
    if changes:
        session.execute(update(MasteryEvent), changes)  # bulk update by primary key
    for (lesson_id, objective_id), state in states.items():
        row = ObjectiveMastery(user_id=user_id, lesson_id=lesson_id, objective_id=objective_id)
        row.set_state(state)
        session.add(row)
    session.flush()


def rebuild_cards(session: Session, user_id: int) -> None:
    """Reschedule every card of the learner from its review log with their retention now."""
    session.execute(delete(ReviewCard).where(ReviewCard.user_id == user_id))
    fsrs = scheduling.scheduler(desired_retention(session, user_id))
    logs = session.execute(
        select(ReviewLog.template_id, ReviewLog.lesson_id, ReviewLog.rating, ReviewLog.reviewed_at)
        .where(ReviewLog.user_id == user_id)
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
    )
    cards: dict[str, ReviewCard] = {}
    for template_id, lesson_id, rating, reviewed_at in logs:
        card = cards.get(template_id)
        if card is None:
            card = cards[template_id] = scheduling.new_card_row(user_id, template_id, lesson_id)
        _review(fsrs, card, Rating(rating), reviewed_at)
    session.add_all(cards.values())
    session.flush()


def move_history(session: Session, from_user_id: int, to_user_id: int) -> None:
    """Give one learner's logs to another (a guest logging in to an account), then rebuild."""
    for user_id in sorted((from_user_id, to_user_id)):  # one order: no deadlock
        _lock_learner(session, user_id)
    for model in (ReviewLog, MasteryEvent):
        session.execute(
            update(model).where(model.user_id == from_user_id).values(user_id=to_user_id)
        )
    for derived in (ObjectiveMastery, ReviewCard):  # rebuilt from the logs just moved
        session.execute(delete(derived).where(derived.user_id == from_user_id))
    rebuild(session, to_user_id)


def set_desired_retention(session: Session, user_id: int, value: float) -> None:
    """Store the learner's retention and reschedule their cards with it."""
    scheduling.scheduler(value)  # validates the range
    settings = session.get(LearnerSettings, user_id)
    if settings is None:
        session.add(LearnerSettings(user_id=user_id, desired_retention=value))
    else:
        settings.desired_retention = value
    session.flush()
    rebuild_cards(session, user_id)


# --- from stored answers ----------------------------------------------------------------------


def evidence(question: AttemptQuestion, response: Response, at: datetime) -> Evidence:
    """What a graded response tells us, read from the stored variant (not the current catalog:
    a template edited since still counts towards the objectives it tested then)."""
    variant = question.variant
    return Evidence(
        response_id=response.id,
        template_id=question.template_id,
        lesson_id=question.lesson_id,
        objectives=tuple(variant.get("objectives") or ()),
        difficulty=int(variant.get("difficulty") or 3),
        score=response.score,
        hints_used=response.hints_used,
        elapsed_ms=response.elapsed_ms,
        at=at,
    )


def final_answers(session: Session, attempt: Attempt) -> list[Evidence]:
    """An exam's last answer to each question, counted at the moment the exam was finished."""
    assert attempt.finished_at is not None
    questions = {q.id: q for q in attempt.questions}
    latest: dict[int, Response] = {}
    query = select(Response).where(Response.question_id.in_(questions)).order_by(Response.seq)
    for response in session.scalars(query):
        latest[response.question_id] = response
    return [
        evidence(questions[question_id], response, attempt.finished_at)
        for question_id, response in latest.items()
    ]
