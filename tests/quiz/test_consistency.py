"""The checks of how a question's parts fit together: routes, misconception ranges, articles."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from quizsvc.kinds.tolerance import tolerance_interval as accepted_range
from quizsvc.kinds.tolerance import within
from quizsvc.quiz.checks import check_template
from quizsvc.quiz.consistency import (
    article_mistakes,
    indefinite_article,
    word_article,
    word_article_mistakes,
)
from quizsvc.sim import ACTIVATION_NAMES
from tests.content.lessons import BASE, line_of, load_text


def problems_of(tmp_path: Path, text: str, seeds: int = 3) -> list:
    template = load_text(tmp_path, text).template("base-q")
    return check_template(template, seeds, render_seeds=0).problems


def with_values(extra: str) -> str:
    return BASE.replace(
        "  ratio: g1 / net.weight_grad_norm[-1]\n",
        f"  ratio: g1 / net.weight_grad_norm[-1]\n{extra}",
    )


# -- routes -----------------------------------------------------------------------------------


def test_a_route_that_lands_on_the_answer_passes(tmp_path: Path) -> None:
    text = with_values("  route_hint: g1 / net.weight_grad_norm[-1] * 1.02\n")
    assert problems_of(tmp_path, text) == []


def test_a_route_outside_the_tolerance_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = with_values("  route_hint: ratio * 1.2\n")
    (problem,) = problems_of(tmp_path, text)
    assert problem.severity == "error" and problem.line == line_of(text, "route_hint:")
    assert "route route_hint lands outside the answer's tolerance" in problem.message
    assert "seeds 0, 1, 2" in problem.message and "within 5 %" in problem.message


def test_a_route_on_a_question_without_an_answer_is_an_error(tmp_path: Path) -> None:
    text = (
        with_values("  route_hint: ratio\n")
        .replace("kind: numeric", "kind: single")
        .replace(
            "answer:\n  value: =ratio\n  tolerance: {relative: 0.05}\n",
            "choices:\n  - {text: It grows., correct: true}\n"
            "  - {text: It shrinks., feedback: No.}\n",
        )
    )
    (problem,) = problems_of(tmp_path, text, seeds=1)
    assert "has no number to reach" in problem.message


# -- misconception ranges ---------------------------------------------------------------------


def misconceptions(*values: str) -> str:
    lines = "".join(f"  - value: {v}\n    feedback: Not this.\n" for v in values)
    return BASE.replace(
        "  tolerance: {relative: 0.05}\n",
        f"  tolerance: {{relative: 0.05}}\nmisconceptions:\n{lines}",
    )


def test_overlapping_misconceptions_are_an_error_at_the_shadowed_one(tmp_path: Path) -> None:
    text = misconceptions("=ratio * 2", "=ratio * 2.1")
    (problem,) = problems_of(tmp_path, text)
    assert problem.severity == "error" and problem.line == line_of(text, "=ratio * 2.1")
    assert "misconceptions 1 and 2 have overlapping tolerance ranges" in problem.message


def test_misconceptions_two_tolerances_apart_pass(tmp_path: Path) -> None:
    # 2 * 1.05 = 2.1 < 2.25 * 0.95 = 2.1375: the ranges do not meet.
    assert problems_of(tmp_path, misconceptions("=ratio * 2", "=ratio * 2.25")) == []


def test_a_misconception_that_cannot_be_evaluated_shadows_nothing(tmp_path: Path) -> None:
    text = misconceptions("=ratio * 2", "=ratio * 1e308 * 1e308", "=ratio * 3")
    assert problems_of(tmp_path, text) == []


TOLERANCES = st.one_of(
    st.builds(lambda a: {"relative": a}, st.floats(0.001, 0.5)),
    st.builds(lambda a: {"absolute": a}, st.floats(0.001, 10)),
    st.builds(lambda a: {"log10": a}, st.floats(0.01, 1)),
    st.builds(lambda n: {"sigfigs": n}, st.integers(1, 5)),
)
VALUES = st.floats(-1e6, 1e6).filter(lambda v: abs(v) > 1e-6)


@given(VALUES, TOLERANCES, st.floats(-3, 3))
def test_the_accepted_range_is_what_grading_accepts(
    value: float, tolerance: dict[str, float], where: float
) -> None:
    lo, hi = accepted_range(value, tolerance)
    assert lo <= value <= hi
    x = value + where * (hi - lo)
    edge = min(abs(x - lo), abs(x - hi))
    assume(edge > 1e-9 * max(abs(lo), abs(hi), 1))
    assert within(x, value, tolerance) == (lo <= x <= hi)


# -- articles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "article"),
    [("1", "a"), ("8", "an"), ("11", "an"), ("12", "a"), ("18", "an"), ("80", "an"),
     ("89", "an"), ("100", "a"), ("108", "a"), ("180", "a"), ("800", "an"), ("1,800", "a"),
     ("1800", "a"), ("8000", "an"), ("11,000", "an"), ("18000", "an"), ("8.5", "an"),
     ("0.5", "a"), ("2048", "a")],
)  # fmt: skip
def test_the_article_follows_the_sound_of_the_number(number: str, article: str) -> None:
    assert indefinite_article(number) == article


def test_article_mistakes_in_html_ignore_math() -> None:
    text = (
        "<p>A 18-layer network, an 8-layer one, a 64-wide layer and an 11-unit layer.</p>"
        "<p><math><mi>a</mi> <mn>8</mn></math> and a 11 x 11 grid.</p>"
    )
    assert article_mistakes(text) == ["A 18", "a 11"]


def test_a_drawn_number_after_a_wrong_article_is_a_warning(tmp_path: Path) -> None:
    text = BASE.replace("depth: {int: [3, 5]}", "depth: {choice: [7, 8]}")
    problems = problems_of(tmp_path, text, seeds=8)
    (problem,) = problems
    assert problem.severity == "warning" and "article" in problem.message
    assert "'A 8'" in problem.message and math.isfinite(problem.line)


@pytest.mark.parametrize(
    ("word", "article"),
    [("ReLU", "a"), ("relu", "a"), ("leaky ReLU", "a"), ("leaky_relu", "a"), ("ELU", "an"),
     ("elu", "an"), ("GELU", "a"), ("SELU", "a"), ("tanh", "a"), ("sigmoid", "a"),
     ("linear", "a"), ("LSTM", "an"), ("RNN", "an"), ("GRU", "a"), ("MLP", "an"),
     ("SGD", "an"), ("Adam", "an"), ("Xavier-normal", "a"), ("orthogonal", "an"),
     ("uniform", "a"), ("exploding", "an"), ("vanishing", "a"), ("8-layer", "an"),
     ("18", "an"), ("FP16", "an"), ("bfloat16", "a"), ("float16", "a")],
)  # fmt: skip
def test_the_article_follows_the_sound_of_the_word(word: str, article: str) -> None:
    assert word_article(word) == article


@given(st.sampled_from(sorted(ACTIVATION_NAMES)), st.booleans(), st.booleans())
def test_only_the_article_that_fits_a_drawn_activation_passes(
    act: str, shown: bool, capital: bool
) -> None:
    """Whichever form the prompt prints (the engine's name or ``display(act)``), the article
    that fits its sound passes and the other one is reported."""
    word = ACTIVATION_NAMES[act] if shown else act
    right = word_article(word)
    wrong = "an" if right == "a" else "a"
    if capital:
        right, wrong = right.capitalize(), wrong.capitalize()
    drawn = [act, ACTIVATION_NAMES[act]]
    assert word_article_mistakes(f"<p>{right} {word} network</p>", drawn) == []
    assert word_article_mistakes(f"<p>{wrong} {word} network</p>", drawn) == [f"{wrong} {word}"]


def test_words_that_were_not_drawn_are_left_alone() -> None:
    text = "<p>An ELU network and a ELU layer, <math><mi>a</mi> <mi>ELU</mi></math>.</p>"
    assert word_article_mistakes(text, ["relu", "ReLU"]) == []
    assert word_article_mistakes(text, ["elu", "ELU"]) == ["a ELU"]


def test_a_drawn_word_after_a_wrong_article_is_a_warning(tmp_path: Path) -> None:
    prompt = "  A network of {{ depth }} layers, an {{ display(act) }} one."
    text = BASE.replace("act: {choice: [relu, tanh]}", "act: {choice: [relu, elu]}")
    text = text.replace("  A {{ depth }}-layer network.", prompt)
    problems = problems_of(tmp_path, text, seeds=8)
    (problem,) = problems
    assert problem.severity == "warning" and "drawn word" in problem.message
    assert "'an ReLU'" in problem.message and "ELU" not in problem.message.replace("ReLU", "")


def test_display_names_a_drawn_activation_as_prose_writes_it(tmp_path: Path) -> None:
    text = BASE.replace("  A {{ depth }}-layer network.", "  A {{ display(act) }} network.")
    template = load_text(tmp_path, text).template("base-q")
    from quizsvc.quiz.generate import build

    shown = {build(template, seed).variant.prompt_html.split(" network")[0] for seed in range(8)}
    assert shown == {"<p>A ReLU", "<p>A tanh"}
    assert problems_of(tmp_path, text, seeds=8) == []


# -- legends ----------------------------------------------------------------------------------


def test_a_figure_whose_legend_would_read_the_simulation_name_is_a_warning(tmp_path: Path) -> None:
    text = BASE.replace("answer:\n", "figures:\n  - {kind: grad_norms, sims: [net]}\nanswer:\n")
    (problem,) = problems_of(tmp_path, text, seeds=1)
    assert problem.severity == "warning" and "its legend reads 'net'" in problem.message
    assert problem.line == line_of(text, "- {kind: grad_norms, sims: [net]}")
    named = text.replace("sims: [net]}", "sims: [net], labels: [this network]}")
    assert problems_of(tmp_path, named, seeds=1) == []
