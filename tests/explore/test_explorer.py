"""The explorer service: runs both networks, draws them, explains the difference in numbers,
and refuses what the engine refuses with what to change."""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl

import pytest
from flask import Flask

from quizsvc.services import catalog, explorer
from quizsvc.services.explorer_compare import (
    PowerOfTen,
    comparison,
    difference_sentence,
    power_of_ten,
)
from quizsvc.services.explorer_state import configs_query, parse
from quizsvc.sim import FLOP_BUDGET, SimConfig, ValidationError, estimate_flops, simulate

SIGMOID = {"depth": 8, "width": 16, "batch": 16, "activation": "sigmoid", "init": "xavier_normal"}
TANH = {**SIGMOID, "activation": "tanh"}


def state_of(*configs: dict) -> explorer.ExplorerState:
    return parse(dict(parse_qsl(configs_query(list(configs)))))


def test_the_sentence_states_the_ratio_of_the_first_layer_gradients() -> None:
    a, b = simulate(SimConfig(**TANH)), simulate(SimConfig(**SIGMOID))
    sentence = difference_sentence(a, b, "output_grad_norm")
    ratio = b.layers[0].output_grad_norm / a.layers[0].output_grad_norm
    assert sentence.startswith("With activation sigmoid instead of tanh, B's first-layer gradient")
    assert f"is {power_of_ten(ratio)} of A's" in sentence
    assert f"{b.layers[0].output_grad_norm:.3g} against {a.layers[0].output_grad_norm:.3g}" in (
        sentence
    )
    exponent = float(re.search(r"10\^(-?[\d.]+)", sentence).group(1))  # type: ignore[union-attr]
    assert abs(exponent - math.log10(ratio)) <= 0.05


def test_the_power_of_ten_is_a_part_of_its_own_for_the_page_to_set_as_a_superscript() -> None:
    a, b = simulate(SimConfig(**TANH)), simulate(SimConfig(**SIGMOID))
    sentence = comparison(a, b, "output_grad_norm")
    powers = [part for part in sentence.parts if isinstance(part, PowerOfTen)]
    ratio = b.layers[0].output_grad_norm / a.layers[0].output_grad_norm
    assert len(powers) == 1 and powers[0].exponent == f"{math.log10(ratio):.1f}"
    assert powers[0].exponent.startswith("-")  # sigmoid vanishes against tanh
    assert powers[0].exponent_typeset == "\u2212" + powers[0].exponent[1:]
    # The plain text is the sentence as before: "10^-x.y" where only text fits.
    assert str(sentence) == difference_sentence(a, b, "output_grad_norm")
    assert f"is 10^{powers[0].exponent} of A's" in str(sentence)
    assert str(PowerOfTen(1e3)) == "10^3.0" and str(PowerOfTen(10**-11.2)) == "10^-11.2"


def test_the_same_network_twice_is_said_to_be_the_same() -> None:
    a = simulate(SimConfig(**TANH))
    assert difference_sentence(a, a, "weight_grad_norm").startswith("A and B are the same")


def test_a_trained_pair_says_how_each_loss_ended() -> None:
    a = simulate(SimConfig(depth=2, width=8, batch=8, steps=5))
    b = simulate(SimConfig(depth=2, width=8, batch=8, steps=5, lr=0.1))
    sentence = difference_sentence(a, b, "weight_grad_norm")
    assert "lr 0.1 instead of 0.01" in sentence
    assert f"B's loss was {b.steps[-1].loss:.3g} at step 4" in sentence


def test_settings_of_one_architecture_only_are_not_listed_as_differences() -> None:
    a = simulate(SimConfig(arch="gru", seq_len=10, hidden=8, batch=4))
    b = simulate(SimConfig(depth=3, width=8, batch=4))
    sentence = difference_sentence(a, b, "output_grad_norm")
    assert sentence.startswith(
        "With arch mlp instead of gru, activation relu instead of tanh, B's first-layer gradient"
    )
    assert "of A's gradient at t = 1" in sentence


def test_recurrent_networks_compare_the_gradient_at_the_first_time_step() -> None:
    rnn = {"arch": "rnn", "seq_len": 10, "hidden": 8, "batch": 4}
    a, b = simulate(SimConfig(**rnn)), simulate(SimConfig(**rnn, recurrent_gain=0.5))
    assert "B's gradient at t = 1 is 10^-" in difference_sentence(a, b, "output_grad_norm")


def test_explore_draws_gradients_activations_and_training(app: Flask) -> None:
    state = state_of(TANH, {**SIGMOID, "steps": 3})
    with app.test_request_context():
        found = explorer.explore(state)
    assert not found.problems
    titles = [shown.title for shown in found.figures]
    assert titles == [
        "Gradient norm per layer",
        "Activation statistics per layer",
        "Training of B",
    ]
    assert all(shown.figure.svg.startswith("<svg") for shown in found.figures)
    assert str(found.sentence).startswith("With activation sigmoid instead of tanh")
    assert [n.label for n in found.numbers] == ["A", "B"]
    # The mean-field prediction is drawn for the gradient at the layer outputs.
    assert "mean-field" in found.figures[0].figure.alt


def test_networks_of_both_kinds_are_drawn_apart(app: Flask) -> None:
    state = state_of(TANH, {"arch": "gru", "seq_len": 8, "hidden": 8, "batch": 4})
    with app.test_request_context():
        found = explorer.explore(state)
    assert [s.title for s in found.figures] == [
        "Gradient norm per layer",
        "Activation statistics per layer",
        "Gradient norm through time",
    ]


def test_over_the_budget_is_refused_with_values_that_would_fit(app: Flask) -> None:
    state = parse({"a.depth": "20", "a.width": "512", "a.steps": "2000", "compare": "off"})
    with app.test_request_context():
        found = explorer.explore(state)
    message = found.problems["a"]["flops"]
    assert "exceeds the budget" in message
    steps = int(re.search(r"steps (\d+)", message).group(1))  # type: ignore[union-attr]
    fits = SimConfig(depth=20, width=512, steps=steps)
    assert estimate_flops(fits) <= FLOP_BUDGET
    with pytest.raises(ValidationError, match="exceeds the budget"):
        fits.replace(steps=steps + 1)
    assert "or width 76, or batch 1 (the rest unchanged)" in message
    assert found.figures == []


def test_a_lesson_figure_opens_its_networks_two_at_a_time(app: Flask) -> None:
    with app.test_request_context():
        lesson = catalog.lesson("web-gradients")
        links = explorer.figure_links(lesson, "web-live", 3)
    assert [label for label, _ in links] == ["sigmoid against relu"]
    state = parse(dict(parse_qsl(links[0][1])))
    assert state.a.config == SimConfig(**{**SIGMOID, "depth": 4, "width": 8, "batch": 8}, seed=3)
    assert state.b is not None and state.b.config is not None
    assert state.b.config.activation == "relu"


def test_every_preset_runs_within_the_limits() -> None:
    for preset in explorer.presets():
        state = parse(dict(parse_qsl(preset.query)))
        assert state.valid, (preset.title, [s.errors for s in state.sides])
