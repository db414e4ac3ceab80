from __future__ import annotations

from fsrs import Rating

from quizsvc.progress.review_rating import rating_for


def test_wrong_is_again() -> None:
    assert rating_for(0.0, 0, 10, 3) is Rating.Again


def test_partial_or_hinted_is_hard() -> None:
    assert rating_for(0.6, 0, 10, 3) is Rating.Hard
    assert rating_for(1.0, 1, 10, 3) is Rating.Hard


def test_right_and_quick_is_easy_right_and_slow_is_good() -> None:
    assert rating_for(1.0, 0, 10, 3) is Rating.Easy
    assert rating_for(1.0, 0, 300, 3) is Rating.Good
    assert rating_for(1.0, 0, None, 3) is Rating.Good
