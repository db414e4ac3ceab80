"""FSRS due dates move as the ratings say, and as the desired retention says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, State

from quizsvc.progress import scheduling
from quizsvc.progress.mastery_models import ReviewCard

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)


def review(row: ReviewCard, rating: Rating, when: datetime, retention: float = 0.9) -> ReviewCard:
    card, _ = scheduling.scheduler(retention).review_card(
        scheduling.to_fsrs(row), rating, review_datetime=when
    )
    scheduling.store(row, card, rating)
    return row


def new_row() -> ReviewCard:
    return scheduling.new_card_row(1, "t", "lesson")


def test_a_first_answer_schedules_by_its_rating() -> None:
    due = {r: review(new_row(), r, NOW).due - NOW for r in RATINGS}
    assert due[Rating.Again] == timedelta(minutes=10)  # the learning step
    assert timedelta(minutes=10) < due[Rating.Hard] < timedelta(hours=1)
    assert timedelta(days=1) <= due[Rating.Good] < due[Rating.Easy]


def test_a_known_card_comes_back_later_the_better_it_was_recalled() -> None:
    def known() -> ReviewCard:
        return review(new_row(), Rating.Good, NOW)  # now in the Review state

    later = NOW + timedelta(days=3)
    intervals = [review(known(), r, later).due - later for r in RATINGS]
    assert intervals == sorted(intervals) and len(set(intervals)) == 4
    forgotten = review(known(), Rating.Again, later)
    assert State(forgotten.state) is State.Relearning and forgotten.lapses == 1
    assert forgotten.due - later == timedelta(minutes=10)


def test_each_success_spaces_the_card_further() -> None:
    row, when, intervals = new_row(), NOW, []
    for _ in range(4):
        row = review(row, Rating.Good, when)
        intervals.append(row.due - when)
        when = row.due
    assert intervals == sorted(intervals) and intervals[-1] > timedelta(days=20)
    assert row.reps == 4 and row.lapses == 0


def test_higher_retention_means_shorter_intervals() -> None:
    interval = {
        r: review(new_row(), Rating.Good, NOW, retention=r).due - NOW for r in (0.75, 0.9, 0.97)
    }
    assert interval[0.97] < interval[0.9] < interval[0.75]


@pytest.mark.parametrize("retention", [0.5, 0.69, 0.98, 1.0])
def test_retention_outside_the_useful_range_is_refused(retention: float) -> None:
    with pytest.raises(ValueError, match="desired retention"):
        scheduling.scheduler(retention)
