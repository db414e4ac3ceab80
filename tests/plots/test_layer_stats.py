"""The layer_stats figure: every metric renders, deterministically, and keeps hidden numbers out."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

import pytest
from matplotlib.figure import Figure

from quizsvc.plots import FIGURE_KINDS, FigureError, check_figure, render
from quizsvc.plots.layer_stats import METRICS
from quizsvc.plots.style import number, percent
from quizsvc.sim import LAYER_METRICS, SimConfig, SimResult, simulate
from tests.support.figures import SVG, drawn, legends_clear_of_axes, svg_texts


@cache
def sim(**fields: Any) -> SimResult:
    base = {"depth": 8, "width": 32, "batch": 16}
    return simulate(SimConfig.from_dict({**base, **fields}))


def relu_bands() -> SimResult:
    """A ReLU network with dead units and a multi-seed band."""
    return sim(activation="relu", init="kaiming_normal", bias_init="normal", bias_std=1.0, seeds=3)


def tanh_wide() -> SimResult:
    """A tanh network whose large weights saturate it."""
    return sim(activation="tanh", init="normal", init_std=0.5)


def test_the_metrics_are_per_layer_metrics_and_the_default_is_activation_std() -> None:
    assert set(METRICS) == {
        "activation_mean",
        "activation_std",
        "preactivation_std",
        "saturation",
        "dead_fraction",
        "w_dot_grad",
    }
    assert set(METRICS) <= set(LAYER_METRICS)
    spec = FIGURE_KINDS["layer_stats"]
    assert (spec.min_sims, spec.max_sims) == (1, 8)
    assert spec.options["metric"].default == "activation_std"
    assert spec.options["band"].default is True


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_every_metric_renders_labelled_deterministic_svg_and_png(metric: str) -> None:
    sims = [relu_bands(), tanh_wide()]
    first = render("layer_stats", sims, metric=metric)
    assert first == render("layer_stats", sims, metric=metric)
    assert first.mime == "image/svg+xml" and first.alt
    root = ET.fromstring(first.data)
    assert root.get("role") == "img"
    title, desc = list(root)[:2]
    assert title.tag == f"{SVG}title" and title.text
    assert desc.tag == f"{SVG}desc" and desc.text == first.alt
    sizes = [float(s) for s in re.findall(rb"font-size: ([0-9.]+)px", first.data)]
    assert sizes and min(sizes) >= 9
    texts = svg_texts(first)
    assert "layer (1 = nearest the input)" in texts
    assert METRICS[metric][0] in texts  # the y axis says what it measures
    assert "10-90 % over 3 seeds" in texts  # the band's legend entry
    png = render("layer_stats", sims, fmt="png", metric=metric)
    assert png.mime == "image/png" and png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert png == render("layer_stats", sims, fmt="png", metric=metric)


def test_the_default_metric_and_the_band_option() -> None:
    result = relu_bands()
    assert render("layer_stats", [result]) == render(
        "layer_stats", [result], metric="activation_std"
    )
    plain = render("layer_stats", [result], band=False)
    assert "10-90 %" not in svg_texts(plain) and "percentile" not in plain.alt


def test_the_scale_follows_the_metric(monkeypatch: pytest.MonkeyPatch) -> None:
    import quizsvc.plots.drawing as plots

    def axes(metric: str, result: SimResult) -> Any:
        fig: Figure = drawn(
            monkeypatch, plots, lambda: render("layer_stats", [result], metric=metric)
        )
        return fig.axes[0]

    fraction = axes("dead_fraction", relu_bands())
    assert fraction.get_yscale() == "linear"
    lo, hi = fraction.get_ylim()
    assert lo <= 0 < 1 <= hi < 1.1
    ticks = [t for t in fraction.get_yticks() if lo <= t <= hi]
    assert ticks == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert fraction.yaxis.get_major_formatter()(0.4) == "40%"
    assert axes("saturation", tanh_wide()).get_yscale() == "linear"
    assert axes("activation_mean", tanh_wide()).get_yscale() == "linear"
    assert axes("w_dot_grad", tanh_wide()).get_yscale() == "linear"
    assert axes("activation_std", tanh_wide()).get_yscale() == "log"
    assert axes("preactivation_std", relu_bands()).get_yscale() == "log"
    # A standard deviation of exactly 0 cannot go on a log axis: it is drawn on a linear one.
    zero = sim(activation="relu", init="normal", init_std=0.0, bias=False)
    assert min(zero.metric("activation_std")) == 0
    assert axes("activation_std", zero).get_yscale() == "linear"


def test_hide_keeps_the_per_layer_numbers_out_of_alt_title_desc_and_labels() -> None:
    result = relu_bands()
    dead = result.metric("dead_fraction")
    assert max(dead) > 0
    shown = render("layer_stats", [result], metric="dead_fraction")
    assert percent(dead[-1]) in shown.alt
    hidden = render("layer_stats", [result], metric="dead_fraction", hide=["dead_fraction"])
    for value in dead:
        assert percent(value) not in hidden.alt
    assert not re.search(r"\d+ %", hidden.alt.replace("10-90 %", ""))
    assert "at layer" not in svg_texts(hidden)
    saturation = tanh_wide().metric("saturation")
    hidden = render("layer_stats", [tanh_wide()], metric="saturation", hide="saturation")
    for value in saturation:
        assert percent(value) not in hidden.alt
    std = tanh_wide().metric("activation_std")
    hidden = render("layer_stats", [tanh_wide()], hide=["activation_std", "activation"])
    assert all(number(v) not in svg_texts(hidden) for v in (std[0], std[-1]))
    assert "tanh" not in svg_texts(hidden)


def test_overflowed_layers_are_gaps_and_said_so() -> None:
    overflow = sim(depth=40, activation="relu", init="normal", init_std=2.5)
    figure = render("layer_stats", [overflow], metric="activation_std")
    assert "not finite" in figure.alt


def test_the_legend_sits_above_the_plot(monkeypatch: pytest.MonkeyPatch) -> None:
    import quizsvc.plots.drawing as plots

    results = [relu_bands(), tanh_wide(), sim(activation="sigmoid")]
    for metric in METRICS:
        fig = drawn(monkeypatch, plots, lambda m=metric: render("layer_stats", results, metric=m))
        assert legends_clear_of_axes(fig) == []
        assert not [t.get_text() for t in fig.axes[0].texts]


@pytest.mark.parametrize(
    ("sims", "kwargs", "message"),
    [
        ("one", {"metric": "loss"}, "allowed one of activation_mean, activation_std"),
        ("one", {"metric": "weight_grad_norm"}, "saturation, dead_fraction, w_dot_grad"),
        ("none", {}, "layer_stats draws 1 to 8 simulation(s), got 0"),
        ("one", {"band": "yes"}, "layer_stats option band='yes': allowed true or false"),
        ("one", {"max_layers": 4}, "unknown layer_stats option 'max_layers'"),
        ("one", {"theory": True}, "grad_norms only"),
    ],
)
def test_check_figure_explains_a_bad_request(
    sims: str, kwargs: dict[str, Any], message: str
) -> None:
    results = {"none": [], "one": [sim()]}[sims]
    problem = check_figure("layer_stats", results, **kwargs)
    assert problem is not None and message in problem
    assert check_figure("layer_stats", [r.config for r in results], **kwargs) == problem
    with pytest.raises(FigureError, match=re.escape(message)):
        render("layer_stats", results, **kwargs)
