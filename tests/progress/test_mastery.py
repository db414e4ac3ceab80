"""The mastery model moves the right way for right, wrong and partial answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizsvc.progress.mastery import (
    Level,
    MasteryState,
    expected_score,
    level,
    probability,
    update,
)

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def answer(state: MasteryState, score: float, difficulty: int = 3, days: float = 0) -> MasteryState:
    return update(state, score, difficulty, NOW + timedelta(days=days))


def test_no_evidence_is_not_started() -> None:
    assert level(MasteryState(), NOW) is Level.NOT_STARTED


def test_right_answers_raise_and_wrong_answers_lower_the_estimate() -> None:
    start = MasteryState()
    assert answer(start, 1.0).theta > 0 > answer(start, 0.0).theta


def test_partial_credit_lands_between_right_and_wrong() -> None:
    start = answer(MasteryState(), 1.0)
    assert answer(start, 0.0).theta < answer(start, 0.5).theta < answer(start, 1.0).theta


def test_a_hard_question_right_counts_more_than_an_easy_one() -> None:
    assert answer(MasteryState(), 1.0, difficulty=5).theta > answer(MasteryState(), 1.0, 1).theta


def test_levels_climb_with_consistent_right_answers() -> None:
    state = MasteryState()
    seen = []
    for i in range(10):
        state = answer(state, 1.0, difficulty=4, days=i * 0.01)
        seen.append(level(state, state.last_seen or NOW))
    assert seen[0] is Level.ATTEMPTED
    assert Level.FAMILIAR in seen and Level.PROFICIENT in seen
    assert seen[-1] is Level.MASTERED


def test_mastery_fades_without_practice() -> None:
    state = MasteryState()
    for i in range(10):
        state = answer(state, 1.0, difficulty=4, days=i * 0.01)
    assert level(state, NOW + timedelta(days=1)) is Level.MASTERED
    assert probability(state, NOW + timedelta(days=120)) < probability(state, NOW)
    assert level(state, NOW + timedelta(days=120)) is not Level.MASTERED


def test_score_outside_unit_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="score"):
        answer(MasteryState(), 1.5)


@given(
    scores=st.lists(st.floats(0, 1), min_size=1, max_size=30),
    difficulty=st.integers(1, 5),
)
def test_estimate_stays_finite_and_expected_score_a_probability(
    scores: list[float], difficulty: int
) -> None:
    state = MasteryState()
    for s in scores:
        state = answer(state, s, difficulty)
    assert state.evidence == len(scores)
    assert 0.0 < expected_score(state.theta, difficulty) < 1.0
