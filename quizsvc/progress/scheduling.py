"""FSRS scheduling of review cards, with the `fsrs` package's scheduler and default weights.

Choices made for questions rather than flash cards:

* One learning step of 10 minutes (the package's default has two, 1 and 10 minutes): a question
  built from a simulation takes a minute or more to answer, so a 1-minute step would bring it
  back while the learner still remembers the numbers.
* No interval fuzzing: fsrs draws its fuzz from the global random generator, which would make a
  rebuild of the cards from their review logs give different due dates than the live schedule.
* Desired retention is per learner, between `MIN_RETENTION` and `MAX_RETENTION`: above ~0.97
  intervals collapse to days and the workload explodes; below 0.7 most reviews are failures.
"""

from __future__ import annotations

from datetime import timedelta

from fsrs import Card, Rating, Scheduler, State

from quizsvc.progress.mastery_models import ReviewCard

MIN_RETENTION = 0.70
MAX_RETENTION = 0.97
LEARNING_STEPS = (timedelta(minutes=10),)
RELEARNING_STEPS = (timedelta(minutes=10),)


def scheduler(desired_retention: float) -> Scheduler:
    if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:
        raise ValueError(
            f"desired retention must be in [{MIN_RETENTION}, {MAX_RETENTION}], "
            f"got {desired_retention}"
        )
    return Scheduler(
        desired_retention=desired_retention,
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        enable_fuzzing=False,
    )


def to_fsrs(row: ReviewCard) -> Card:
    """The fsrs card a stored row describes (a row without reviews is a new card)."""
    return Card(
        card_id=row.id or 0,
        state=State(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
    )


def store(row: ReviewCard, card: Card, rating: Rating) -> None:
    """Copy a reviewed fsrs card into its row and count the review."""
    lapse = rating is Rating.Again and State(row.state) is State.Review
    row.state = int(card.state)
    row.step = card.step
    row.stability = card.stability
    row.difficulty = card.difficulty
    row.due = card.due
    row.last_review = card.last_review
    row.last_rating = int(rating)
    row.reps = (row.reps or 0) + 1
    row.lapses = (row.lapses or 0) + lapse


def new_card_row(user_id: int, template_id: str, lesson_id: str) -> ReviewCard:
    """A card that has never been reviewed: in fsrs's Learning state, step 0."""
    card = Card(card_id=0)
    return ReviewCard(
        user_id=user_id,
        template_id=template_id,
        lesson_id=lesson_id,
        state=int(card.state),
        step=card.step,
        stability=None,
        difficulty=None,
        due=card.due,
        last_review=None,
        last_rating=None,
        reps=0,
        lapses=0,
    )
