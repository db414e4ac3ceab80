"""The time_grad_norms figure: recurrent networks' gradient per time step, labelled and honest."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

import pytest

from quizsvc.plots import FIGURE_KINDS, FigureError, check_figure, render
from quizsvc.plots.style import number
from quizsvc.sim import SimConfig, SimResult, simulate, theory
from tests.support.figures import drawn, legends_clear_of_axes, svg_texts


@cache
def sim(**fields: Any) -> SimResult:
    base = {"seq_len": 20, "hidden": 16, "batch": 8}
    return simulate(SimConfig.from_dict({**base, **fields}))


def _lines(monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> list[Any]:
    import quizsvc.plots.drawing as plots

    fig = drawn(monkeypatch, plots, lambda: render("time_grad_norms", **kwargs))
    assert legends_clear_of_axes(fig) == []
    return fig.axes[0].get_lines()


def test_kind_is_registered_for_recurrent_networks() -> None:
    spec = FIGURE_KINDS["time_grad_norms"]
    assert (spec.min_sims, spec.max_sims) == (1, 8)
    assert spec.options["metric"].default == "hidden_grad_norm"
    assert spec.options["relative"].default is False
    assert spec.archs == ("rnn", "lstm", "gru")


def test_renders_labelled_deterministic_svg_and_png_with_legend_above() -> None:
    sims = [sim(arch="lstm", forget_bias=1.0, seeds=3), sim(arch="rnn"), sim(arch="gru")]
    first = render("time_grad_norms", sims)
    assert first == render("time_grad_norms", sims)
    root = ET.fromstring(first.data)
    assert root.get("role") == "img"
    title, desc = list(root)[:2]
    assert title.text == "Gradient norm per time step" and desc.text == first.alt
    sizes = [float(s) for s in re.findall(rb"font-size: ([0-9.]+)px", first.data)]
    assert sizes and min(sizes) >= 9
    texts = svg_texts(first)
    assert "time step t (1 = earliest; the loss reads the last state)" in texts
    assert "LSTM, forget bias 1" in texts and "RNN, tanh" in texts and "GRU" in texts
    assert "10-90 % over 3 seeds" in texts
    png = render("time_grad_norms", sims, fmt="png")
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n") and png.alt == first.alt


def test_curves_are_the_measured_norms_per_time_step(monkeypatch: pytest.MonkeyPatch) -> None:
    lstm = sim(arch="lstm", forget_bias=1.0)
    lines = _lines(monkeypatch, sims=[lstm], metric="cell_grad_norm")
    x, y = lines[0].get_data()
    assert list(x) == list(range(1, 21))
    assert list(y) == pytest.approx(lstm.time_metric("cell_grad_norm"))
    relative = _lines(monkeypatch, sims=[lstm], relative=True)[0].get_ydata()
    norms = lstm.time_metric("hidden_grad_norm")
    assert list(relative) == pytest.approx([v / norms[-1] for v in norms])


def test_alt_text_states_both_ends_and_the_factor_unless_hidden() -> None:
    rnn = sim(arch="rnn", recurrent_gain=0.6)
    norms = rnn.time_metric("hidden_grad_norm")
    alt = render("time_grad_norms", [rnn]).alt
    assert f"{number(norms[-1])} at the last step t = 20, {number(norms[0])} at t = 1" in alt
    factor = (norms[0] / norms[-1]) ** (1 / 19)
    assert f"a factor of about {number(factor)} per step" in alt
    hidden = render("time_grad_norms", [rnn], hide={"hidden_grad_norm"})
    assert number(norms[0]) not in svg_texts(hidden) and "per step" not in hidden.alt
    ratio_only = render("time_grad_norms", [rnn], hide={"ratio"}).alt
    assert "per step" not in ratio_only and number(norms[0]) in ratio_only
    labels = render("time_grad_norms", [rnn, sim(arch="rnn")], hide={"recurrent_gain"})
    assert "network A" in svg_texts(labels) and "0.6" not in svg_texts(labels)


def test_theory_overlay_is_the_mean_field_prediction(monkeypatch: pytest.MonkeyPatch) -> None:
    rnn = sim(arch="rnn", recurrent_gain=0.8, hidden=64)
    lines = _lines(monkeypatch, sims=[rnn], theory=True)
    measured, predicted = lines[0].get_ydata(), lines[1].get_ydata()
    anchor = rnn.time_metric("hidden_grad_norm")[-1]
    expected = [anchor * p for p in theory.recurrent_profile(rnn.config).hidden_grad]
    assert list(predicted) == pytest.approx(expected)
    assert predicted[-1] == pytest.approx(measured[-1])
    assert "mean-field theory" in svg_texts(render("time_grad_norms", [rnn], theory=True))


def test_underflow_and_overflow_leave_marked_gaps() -> None:
    blown = sim(arch="rnn", activation="linear", seq_len=300, hidden=8, recurrent_gain=1.5)
    assert not all(math.isfinite(v) for v in blown.time_metric("hidden_grad_norm"))
    figure = render("time_grad_norms", [blown])
    assert "gaps: 0 or not finite" in svg_texts(figure) and "Gaps in a line" in figure.alt


@pytest.mark.parametrize(
    ("kind", "configs", "options", "message"),
    [
        ("time_grad_norms", [SimConfig()], {}, "draws arch rnn, lstm or gru, not mlp"),
        ("grad_norms", [SimConfig(arch="lstm")], {}, "use time_grad_norms"),
        ("layer_stats", [SimConfig(arch="gru")], {}, "use time_grad_norms"),
        ("activations", [SimConfig(arch="rnn")], {}, "use time_grad_norms"),
        (
            "time_grad_norms",
            [SimConfig(arch="rnn")],
            {"metric": "cell_grad_norm"},
            "needs arch lstm",
        ),
        (
            "time_grad_norms",
            [SimConfig(arch="lstm")],
            {"theory": True},
            "covers the vanilla rnn, not lstm",
        ),
        (
            "time_grad_norms",
            [SimConfig(arch="rnn", recurrent_init="identity")],
            {"theory": True},
            "identity recurrent weights",
        ),
        ("time_grad_norms", [SimConfig(arch="rnn")], {"relative": 1}, "true or false"),
        ("update_ratio", [SimConfig(arch="rnn", steps=3)], {}, "use time_grad_norms"),
    ],
)
def test_check_figure_explains_what_is_wrong(
    kind: str, configs: list[SimConfig], options: dict[str, Any], message: str
) -> None:
    assert message in (check_figure(kind, configs, **options) or "")
    assert check_figure("training", [SimConfig(arch="gru", steps=2)]) is None
    with pytest.raises(FigureError):
        render("time_grad_norms", [simulate(SimConfig(depth=2, width=4, batch=2))])
