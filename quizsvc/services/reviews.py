"""Spaced review: the learner's due cards, review sessions of fresh variants, their retention.

A review session is a practice attempt (kind "retry") of the due templates of one lesson, each
generated with a new seed, so a review never repeats the numbers or figures seen before. Its
answers are graded like any other and update the cards through the same hook.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from quizsvc.content import Lesson, Objective, QuestionTemplate
from quizsvc.db import get_session
from quizsvc.progress import queries, scheduling, tracking
from quizsvc.progress.mastery_models import ReviewCard
from quizsvc.progress.models import Attempt, User, utcnow
from quizsvc.services import attempts, catalog
from quizsvc.services.errors import Conflict, InvalidInput

SESSION_QUESTIONS = 10
UPCOMING = timedelta(days=7)


@dataclass(frozen=True)
class CardView:
    """A card joined with the template and lesson it reviews."""

    card: ReviewCard
    template: QuestionTemplate
    lesson: Lesson

    @property
    def objectives(self) -> list[Objective]:
        by_id = {o.id: o for o in self.lesson.objectives}
        return [by_id[o] for o in self.template.objectives if o in by_id]


@dataclass(frozen=True)
class LessonDue:
    lesson: Lesson
    cards: list[CardView]


@dataclass(frozen=True)
class ReviewQueue:
    due: list[CardView]  # soonest due first
    upcoming: list[CardView]  # due within UPCOMING, soonest first
    next_due: datetime | None  # of the cards not due yet
    total: int  # cards the learner has

    @property
    def by_lesson(self) -> list[LessonDue]:
        """Due cards grouped by lesson, the lesson with the most overdue card first."""
        groups: dict[str, list[CardView]] = defaultdict(list)
        for view in self.due:
            groups[view.lesson.id].append(view)
        return [LessonDue(views[0].lesson, views) for views in groups.values()]


def _views(cards: list[ReviewCard]) -> list[CardView]:
    """Cards whose template still exists in the catalog (a removed question is not reviewed)."""
    cat = catalog.get_catalog()
    views = []
    for card in cards:
        try:
            template = cat.template(card.template_id)
            lesson = cat.lesson(template.lesson_id)
        except KeyError:
            continue
        views.append(CardView(card, template, lesson))
    return views


def queue_of(cards: list[ReviewCard], now: datetime) -> ReviewQueue:
    views = _views(cards)
    later = [v for v in views if v.card.due > now]
    return ReviewQueue(
        due=[v for v in views if v.card.due <= now],
        upcoming=[v for v in later if v.card.due <= now + UPCOMING],
        next_due=min((v.card.due for v in later), default=None),
        total=len(views),
    )


def queue(user: User, now: datetime | None = None) -> ReviewQueue:
    return queue_of(queries.cards(get_session(), user.id), now or utcnow())


def start_session(user: User, lesson_id: str | None = None) -> Attempt:
    """A practice attempt of fresh variants of the due cards of one lesson (by default the
    lesson with the most overdue card)."""
    groups = queue(user).by_lesson
    if lesson_id is not None:
        groups = [g for g in groups if g.lesson.id == lesson_id]
    if not groups:
        raise Conflict("Nothing is due for review right now.")
    chosen = groups[0].cards[:SESSION_QUESTIONS]
    return attempts.start_practice(user, [view.template.id for view in chosen])


def retention(user: User) -> float:
    return tracking.desired_retention(get_session(), user.id)


def set_retention(user: User, percent_text: str) -> float:
    """Store the desired retention given in percent ("90" or "90 %") and reschedule."""
    text = percent_text.strip().removesuffix("%").strip()
    low, high = round(scheduling.MIN_RETENTION * 100), round(scheduling.MAX_RETENTION * 100)
    message = f"Enter a whole number of percent from {low} to {high}, such as 90."
    if not (text.isascii() and text.isdigit()):  # isdigit() alone takes "²", int() does not
        raise InvalidInput(message)
    value = int(text)
    if not low <= value <= high:
        raise InvalidInput(message)
    session = get_session()
    tracking.set_desired_retention(session, user.id, value / 100)
    session.commit()
    return value / 100
