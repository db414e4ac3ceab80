"""Every grader: a correct answer within tolerance always scores 1, one outside never does."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from quizsvc.quiz import AnswerError, Variant, correct_answer_html, grade, within


def make_variant(kind: str, choices: list[dict[str, Any]], key: dict[str, Any]) -> Variant:
    return Variant(
        template_id="t", lesson_id="l", kind=kind, seed=1, content_hash="h",
        engine_version="e", params={}, prompt_html="<p>q</p>", figures=[], choices=choices,
        answer_key=key, explanation_html="",
    )  # fmt: skip


def numeric(value: float, tolerance: dict[str, float], misconceptions: Any = ()) -> Variant:
    key = {
        "value": value,
        "tolerance": tolerance,
        "format": ".4g",
        "display": format(value, ".4g"),
        "misconceptions": list(misconceptions),
    }
    return make_variant("numeric", [], key)


values = st.floats(1e-6, 1e6) | st.floats(-1e6, -1e-6)
fractions = st.floats(0.0, 1.0)


@given(values, st.floats(1e-4, 0.5), fractions)
def test_relative_within_scores_one(v: float, r: float, f: float) -> None:
    x = v + f * r * abs(v) * (1 if f > 0.5 else -1)
    assert grade(numeric(v, {"relative": r}), repr(x)).score == 1.0


@given(values, st.floats(1e-4, 0.5), st.floats(1.001, 100))
def test_relative_outside_scores_zero(v: float, r: float, k: float) -> None:
    x = v + k * r * abs(v)
    result = grade(numeric(v, {"relative": r}), repr(x))
    assert result.score == 0.0 and not result.correct


@given(values, st.floats(1e-6, 10.0), fractions)
def test_absolute_within_scores_one(v: float, a: float, f: float) -> None:
    assert grade(numeric(v, {"absolute": a}), repr(v - f * a)).correct


@given(values, st.floats(1e-6, 10.0), st.floats(1.001, 100))
def test_absolute_outside_scores_zero(v: float, a: float, k: float) -> None:
    assert grade(numeric(v, {"absolute": a}), repr(v + k * a)).score == 0.0


@given(values, st.integers(1, 6))
def test_sigfigs_the_key_rounded_to_n_figures_scores_one(v: float, n: int) -> None:
    assert grade(numeric(v, {"sigfigs": n}), f"{v:.{n}g}").score == 1.0
    assert grade(numeric(v, {"sigfigs": n}), f"{v:.{n + 2}e}").score == 1.0


@given(values, st.integers(1, 6), st.floats(1.01, 50))
def test_sigfigs_outside_half_a_unit_scores_zero(v: float, n: int, k: float) -> None:
    unit = 10.0 ** (math.floor(math.log10(abs(v))) - n + 1)
    assert grade(numeric(v, {"sigfigs": n}), repr(v + k * 0.5 * unit)).score == 0.0


@given(st.floats(1e-30, 1e30), st.floats(0.01, 2.0), st.floats(-1.0, 1.0))
def test_log10_within_scores_one(v: float, d: float, f: float) -> None:
    x = v * 10.0 ** (f * d * 0.999)
    assert grade(numeric(v, {"log10": d}), repr(x)).score == 1.0


@given(st.floats(1e-30, 1e30), st.floats(0.01, 2.0), st.floats(1.01, 5.0), st.booleans())
def test_log10_outside_or_wrong_sign_scores_zero(v: float, d: float, k: float, up: bool) -> None:
    x = v * 10.0 ** (k * d if up else -k * d)
    assert grade(numeric(v, {"log10": d}), repr(x)).score == 0.0
    assert grade(numeric(v, {"log10": d}), repr(-v)).score == 0.0


def test_numeric_misconception_feedback_and_key_display() -> None:
    variant = numeric(2.0, {"relative": 0.05}, [{"value": 0.5, "feedback_html": "<p>upside</p>"}])
    wrong = grade(variant, "0.5")
    assert (wrong.score, wrong.feedback_html) == (0.0, "<p>upside</p>")
    assert "2" in wrong.correct_answer_html and "5 %" in wrong.correct_answer_html
    assert grade(variant, "9").feedback_html != "<p>upside</p>"
    assert grade(variant, "2.05").parsed == 2.05


def test_numeric_malformed_answer_raises_answer_error() -> None:
    with pytest.raises(AnswerError):
        grade(numeric(1.0, {"relative": 0.1}), "0,5")


def choice_variant(kind: str, n: int, correct: list[int]) -> Variant:
    ids = [chr(ord("a") + i) for i in range(n)]
    choices = [{"id": i, "html": f"<p>{i}</p>"} for i in ids]
    key = {
        "correct": [ids[i] for i in correct],
        "feedback": {i: f"<p>fb {i}</p>" for i in ids},
        "values": {},
        "tolerance": {"relative": 0.02},
    }
    return make_variant(kind, choices, key)


@given(st.integers(2, 8), st.data())
def test_single_and_plot_choice(n: int, data: st.DataObject) -> None:
    right = data.draw(st.integers(0, n - 1))
    for kind in ("single", "plot_choice"):
        variant = choice_variant(kind, n, [right])
        for i in range(n):
            result = grade(variant, chr(ord("a") + i))
            assert result.score == (1.0 if i == right else 0.0)
            assert result.correct == (i == right)
            assert result.feedback_html == f"<p>fb {chr(ord('a') + i)}</p>"


def test_single_refuses_unknown_ids_and_lists() -> None:
    variant = choice_variant("single", 3, [0])
    for bad in ("z", ["a"], None, ""):
        with pytest.raises(AnswerError, match="a, b, c"):
            grade(variant, bad)


@given(st.integers(2, 7), st.data())
def test_multiple_exact_set_scores_one_anything_else_less(n: int, data: st.DataObject) -> None:
    correct = data.draw(st.sets(st.integers(0, n - 1), min_size=1))
    chosen = data.draw(st.sets(st.integers(0, n - 1), min_size=1))
    variant = choice_variant("multiple", n, sorted(correct))
    result = grade(variant, [chr(ord("a") + i) for i in sorted(chosen)])
    assert 0.0 <= result.score <= 1.0
    assert (result.score == 1.0) == (chosen == correct) == result.correct
    expected = max(0.0, (len(chosen & correct) - len(chosen - correct)) / len(correct))
    assert result.score == pytest.approx(expected)


def test_multiple_refuses_empty_duplicate_and_unknown() -> None:
    variant = choice_variant("multiple", 3, [0, 1])
    for bad in ([], ["a", "a"], ["q"], "a", [1]):
        with pytest.raises(AnswerError):
            grade(variant, bad)


def ordering_variant(keys: list[float], direction: str) -> Variant:
    ids = [chr(ord("a") + i) for i in range(len(keys))]
    order = sorted(ids, key=lambda i: keys[ids.index(i)], reverse=direction == "descending")
    key = {"order": order, "keys": dict(zip(ids, keys, strict=True)), "direction": direction}
    return make_variant("ordering", [{"id": i, "html": i} for i in ids], key)


@given(
    st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=5, unique=True),
    st.sampled_from(["ascending", "descending"]),
    st.data(),
)
def test_ordering_only_the_sorted_order_scores_one(
    keys: list[float], direction: str, data: st.DataObject
) -> None:
    variant = ordering_variant(keys, direction)
    assert grade(variant, variant.answer_key["order"]).score == 1.0
    permutation = data.draw(st.permutations(variant.answer_key["order"]))
    result = grade(variant, list(permutation))
    is_sorted = list(permutation) == variant.answer_key["order"]
    assert (result.score == 1.0) == is_sorted == result.correct
    assert 0.0 <= result.score <= 1.0


def test_ordering_partial_credit_counts_pairs() -> None:
    variant = ordering_variant([1.0, 2.0, 3.0], "ascending")
    assert grade(variant, ["a", "b", "c"]).score == 1.0
    assert grade(variant, ["b", "a", "c"]).score == pytest.approx(2 / 3)
    assert grade(variant, ["c", "b", "a"]).score == 0.0


def test_ordering_ties_count_either_way() -> None:
    variant = ordering_variant([1.0, 1.0, 3.0], "ascending")
    for order in itertools.permutations("ab"):
        assert grade(variant, [*order, "c"]).score == 1.0


def test_ordering_refuses_incomplete_orders() -> None:
    variant = ordering_variant([1.0, 2.0, 3.0], "ascending")
    for bad in (["a", "b"], ["a", "b", "b"], ["a", "b", "c", "d"], "abc"):
        with pytest.raises(AnswerError):
            grade(variant, bad)


@given(values, st.floats(1e-4, 0.5))
def test_within_is_symmetric_enough_for_choices(v: float, r: float) -> None:
    assume(v != 0)
    assert within(v, v, {"relative": r})


def test_correct_answer_html_is_what_every_grade_shows() -> None:
    single = choice_variant("single", 4, [2])
    multiple = choice_variant("multiple", 4, [0, 3])
    ordering = ordering_variant([3.0, 1.0, 2.0], "ascending")
    number = numeric(0.25, {"relative": 0.05})
    assert "<p>c</p>" in correct_answer_html(single) and "<p>a</p>" not in correct_answer_html(
        single
    )
    assert "<p>a</p>" in correct_answer_html(multiple) and "<p>d</p>" in correct_answer_html(
        multiple
    )
    assert correct_answer_html(ordering) == "<ol><li>b</li><li>c</li><li>a</li></ol>"
    assert "0.25" in correct_answer_html(number)
    for variant, response in [
        (single, "a"),
        (multiple, ["b"]),
        (ordering, ["a", "b", "c"]),
        (number, "7"),
    ]:
        assert grade(variant, response).correct_answer_html == correct_answer_html(variant)
