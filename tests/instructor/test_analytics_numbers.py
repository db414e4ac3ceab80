"""Item analysis as pure functions: every number checked by hand or against numpy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizsvc.analytics.labels import ChoiceMatcher, Labeler
from quizsvc.analytics.params import effect, parameter_effects, z_score
from quizsvc.analytics.stats import (
    Answer,
    facility,
    item_stats,
    median,
    point_biserial,
    rest_scores,
    score_distribution,
    top_wrong,
)


def test_point_biserial_by_hand() -> None:
    # correct [1,1,1,0,0] against rest scores [1,1,0,.5,0]: M1 = 2/3, M0 = 1/4,
    # s = sqrt(0.2), p q = 0.24 -> r = (2/3 - 1/4) / sqrt(0.2) * sqrt(0.24) = 0.4564
    r = point_biserial([True, True, True, False, False], [1, 1, 0, 0.5, 0])
    assert r == pytest.approx(0.45644, abs=1e-5)


@given(
    st.lists(st.tuples(st.booleans(), st.floats(0, 1, allow_nan=False)), min_size=2, max_size=40)
)
def test_point_biserial_is_pearsons_r(pairs: list[tuple[bool, float]]) -> None:
    correct = [c for c, _ in pairs]
    scores = [s for _, s in pairs]
    r = point_biserial(correct, scores)
    if all(correct) or not any(correct) or np.std(scores) < 1e-9:
        assert r is None or abs(r) <= 1
        return
    assert r == pytest.approx(np.corrcoef([float(c) for c in correct], scores)[0, 1], abs=1e-6)


def test_undefined_discrimination() -> None:
    assert point_biserial([True, True], [0.2, 0.8]) is None  # everyone right
    assert point_biserial([True, False], [0.5, 0.5]) is None  # rest scores do not vary
    with pytest.raises(ValueError):
        point_biserial([True], [0.1, 0.2])


def test_small_functions() -> None:
    assert facility([True, False, True, True]) == 0.75 and facility([]) is None
    assert median([3.0, None, 1.0, 2.0]) == 2.0 and median([None]) is None
    assert rest_scores([1.0, None, 0.5]) == [0.25, 0.75, 0.5]
    assert rest_scores([1.0]) == [None]
    wrong = top_wrong(["b", "a", "b", "c", "a", "b"], limit=2)
    assert [(w.label, w.count) for w in wrong] == [("b", 3), ("a", 2)]
    assert wrong[0].share == 0.5


def test_score_distribution_bins() -> None:
    dist = score_distribution([1.0, 1.0, 0.5, 0.25, 0.0, 0.5])
    assert dist.bins == (1, 0, 1, 0, 0, 2, 0, 0, 0, 2)
    assert dist.median == 0.5 and dist.mean == pytest.approx(3.25 / 6) and dist.count == 6


def answer(correct: bool, **params: object) -> Answer:
    return Answer(1, "t", "l", "numeric", True, float(correct), correct, params=params)


def test_item_stats_counts_only_answered_questions() -> None:
    answers = [
        Answer(1, "t", "l", "single", True, 1.0, True, seconds=10, rest=1.0),
        Answer(2, "t", "l", "single", True, 0.0, False, seconds=30, rest=0.0, wrong=("x",)),
        Answer(3, "t", "l", "single", False, 0.0, False, rest=0.5),
    ]
    stats = item_stats("t", answers)
    assert (stats.answered, stats.unanswered, stats.facility) == (2, 1, 0.5)
    assert stats.median_seconds == 20 and stats.discrimination == pytest.approx(1.0)
    assert [(w.label, w.count) for w in stats.wrong_answers] == [("x", 1)]


def test_a_depth_threshold_is_found_and_worded() -> None:
    answers = [answer(depth <= 20, depth=depth) for depth in range(5, 41)]
    found = effect("depth", answers)
    assert found.numeric and len(found.groups) == 4  # quantile bins: many distinct depths
    assert found.finding == (
        "Learners fail more often when depth > 20: 0 % correct (n = 20), "
        "against 100 % correct (n = 16) when depth ≤ 20."
    )


def test_few_values_are_grouped_by_value_and_noise_gives_no_finding() -> None:
    answers = [answer(i % 2 == 0, width=w) for i, w in enumerate([8, 16] * 10)]
    found = effect("width", answers)
    assert [(g.label, g.n, g.correct) for g in found.groups] == [("8", 10, 10), ("16", 10, 0)]
    assert found.finding is not None and "width > 8" in found.finding
    balanced = [answer(i % 4 < 2, width=w) for i, w in enumerate([8, 16] * 10)]
    assert effect("width", balanced).finding is None


def test_a_small_gap_on_few_answers_is_not_reported() -> None:
    answers = [answer(c, depth=d) for d, c in [(3, True), (3, True), (9, False), (9, True)]]
    assert effect("depth", answers).finding is None  # fewer than 5 on a side
    assert abs(z_score(9, 10, 2, 10)) > 3 and z_score(5, 10, 5, 10) == 0


def test_a_choice_parameter_names_the_value_learners_fail_on() -> None:
    answers = [answer(act != "sigmoid", act=act) for act in ["sigmoid", "relu", "tanh"] * 8]
    (found,) = parameter_effects(answers)
    assert not found.numeric
    assert found.finding == (
        "Learners fail more often when act is sigmoid: 0 % correct (n = 8), "
        "against 100 % correct (n = 16) for the other values."
    )


def test_choices_are_traced_back_to_their_template_text() -> None:
    matcher = ChoiceMatcher(["The ReLU network ({{ r1:.2g }})", "About 10", "About {{ x }}"])
    assert matcher.label("<p>The ReLU network (0.31)</p>") == "The ReLU network (…)"
    assert matcher.label("<p>About 10</p>") == "About 10"  # the literal text wins
    assert matcher.label("<p>About 300</p>") == "About …"
    assert matcher.label("<p>Something else</p>") == "Something else"


def test_numeric_slips_are_named() -> None:
    key = {
        "value": 0.02,
        "tolerance": {"relative": 0.05},
        "misconceptions": [{"value": 50.0, "feedback_html": "<p>You inverted it.</p>"}],
    }
    variant = {"kind": "numeric", "answer_key": key, "choices": []}
    labeler = Labeler(None)
    assert labeler.wrong(variant, 50.0, "<p>You inverted it.</p>") == (
        "misconception: You inverted it.",
    )
    assert labeler.wrong(variant, 0.2, "") == ("off by a factor of 10^1",)
    assert labeler.wrong(variant, 0.0002, "") == ("off by a factor of 10^-2",)
    assert labeler.wrong(variant, -0.02, "") == ("wrong sign",)
    assert labeler.wrong(variant, 0.05, "") == ("not within tolerance (no known slip)",)
