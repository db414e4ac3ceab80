"""Figures described as data (`fmt="json"`): the plotted series, rounded as the axis reads,
named as the legend names them, and nothing a figure's ``hide`` keeps out of its text."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizsvc.plots import FIGURE_KINDS, render
from quizsvc.plots.table import MAX_ROWS, nice_ceil, nice_floor, rounded
from tests.plots.test_render import cases, sim, trained


def table(kind: str, sims: list[Any], **options: Any) -> dict[str, Any]:
    drawn = render(kind, sims, fmt="json", **options)
    assert drawn.mime == "application/json"
    return json.loads(drawn.data)


@given(st.floats(min_value=1e-12, max_value=1e12))
def test_nice_steps_bracket_the_value(x: float) -> None:
    low, high = nice_floor(x), nice_ceil(x)
    assert low <= x * (1 + 1e-9) and high >= x * (1 - 1e-9)
    assert high / low <= 2.5 + 1e-9  # neighbours in 1, 2, 5, 10


@given(st.floats(min_value=-1e6, max_value=1e6), st.sampled_from([1e-4, 2e-3, 0.05, 0.2, 5.0]))
def test_rounding_stays_within_half_a_step(value: float, step: float) -> None:
    assert abs(float(rounded(value, step)) - value) <= step / 2 + 1e-9 * max(1, abs(value))


@pytest.mark.parametrize("case", sorted(cases()))
def test_every_kind_tabulates_its_series(case: str) -> None:
    kind, sims, options = cases()[case]
    described = table(kind, sims, **options)
    assert described["title"]
    panels = described["panels"]
    assert len(panels) == FIGURE_KINDS[kind].rows
    for panel in panels:
        assert panel["caption"] and panel["x_label"] and panel["precision"]
        assert 0 < len(panel["rows"]) <= MAX_ROWS + 1
        assert all(len(row) == len(panel["columns"]) + 1 for row in panel["rows"])


def test_values_are_rounded_to_what_the_log_axis_resolves() -> None:
    net = sim(activation="sigmoid", init="xavier_normal")
    described = table("grad_norms", [net], labels=["sigmoid"], band=False)
    panel = described["panels"][0]
    assert panel["columns"] == ["sigmoid"]
    exact = net.metric("weight_grad_norm")
    shown = [float(row[1]) for row in panel["rows"]]
    assert len(shown) == len(exact)
    for value, truth in zip(shown, exact, strict=True):
        error = abs(math.log10(value / truth))
        assert 0 <= error <= 0.05  # within what 4 px of the axis span
    assert any(value != truth for value, truth in zip(shown, exact, strict=True))


def test_the_theory_line_gets_its_own_column() -> None:
    kind, sims, options = cases()["grad_norms_theory"]
    columns = table(kind, sims, **options)["panels"][0]["columns"]
    assert len(columns) == 2 and columns[1].endswith("mean-field theory")


def test_hidden_quantities_stay_out_of_the_table() -> None:
    nets = [sim(activation="tanh"), sim(activation="relu", init="kaiming_normal")]
    described = json.dumps(table("grad_norms", nets, hide=["activation", "init"]))
    for word in ("tanh", "relu", "kaiming"):
        assert word not in described
    assert "network A" in described

    violins = table("activations", [sim(activation="sigmoid")], hide=["saturation"])
    assert not any("saturated" in c for c in violins["panels"][0]["columns"])
    shown = table("activations", [sim(activation="sigmoid")])
    assert shown["panels"][0]["columns"][-1] == "% of units saturated"


def test_a_training_trace_shares_its_step_axis_and_samples_dense_steps() -> None:
    gradient, loss = table("training", [trained()])["panels"]
    assert gradient["x_label"] == loss["x_label"] == "optimiser step"
    assert gradient["columns"] == ["before clipping", "after clipping"]
    assert any("threshold max_norm" in note for note in gradient["notes"])
