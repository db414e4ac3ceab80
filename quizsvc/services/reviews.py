"""Spaced review: the learner's due cards, review sessions of fresh variants, their retention.

A review session is a practice attempt (kind "review") of the due templates of one lesson, each
generated with a new seed: a template with parameters or simulations comes back with new
numbers and figures, while a conceptual one with fixed text is the same question again (its
choices reshuffled), and the page says which. Either way a card is one template, spaced by its
own FSRS schedule. Its answers are graded like any other and update the cards through the same
hook. "Review ahead" (as Anki's custom study) starts a session of the cards due soonest when
nothing is due yet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from quizsvc.content import Lesson, Objective, QuestionTemplate
from quizsvc.db import get_session
from quizsvc.progress import queries, scheduling, tracking
from quizsvc.progress.mastery_models import ReviewCard
from quizsvc.progress.models import Attempt, AttemptKind, User, utcnow
from quizsvc.services import attempts, catalog
from quizsvc.services.errors import Conflict, InvalidInput
from quizsvc.services.question_lines import first_line

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

    @property
    def question_html(self) -> str:
        """The question's own first line: how the learner recognises it."""
        return first_line(self.template)

    @property
    def new_numbers(self) -> bool:
        """Whether a review draws new numbers (parameters or networks), or repeats the text."""
        return bool(self.template.params or self.template.sims)


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


def start_session(
    user: User,
    lesson_id: str | None = None,
    *,
    ahead: bool = False,
    tries: int | None = None,
) -> Attempt:
    """A review session of fresh variants of the due cards of one lesson (by default the
    lesson with the most overdue card); ``ahead``: of the cards due soonest, when none is due."""
    pending = queue(user)
    if ahead and not pending.due:
        later = sorted(_views(queries.cards(get_session(), user.id)), key=lambda v: v.card.due)
        chosen = later[:SESSION_QUESTIONS]
        if not chosen:
            raise Conflict("You have no questions to review yet.")
    else:
        groups = pending.by_lesson
        if lesson_id is not None:
            groups = [g for g in groups if g.lesson.id == lesson_id]
        if not groups:
            raise Conflict("Nothing is due for review right now.")
        chosen = groups[0].cards[:SESSION_QUESTIONS]
    ids = [view.template.id for view in chosen]
    return attempts.start_practice(user, ids, tries, kind=AttemptKind.REVIEW)


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
