"""Figures: every kind renders, deterministically, labelled, and keeps hidden quantities out."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

import pytest

from quizsvc.plots import FIGURE_KINDS, FigureError, check_figure, render
from quizsvc.plots.style import number
from quizsvc.plots.text import config_labels
from quizsvc.sim import SimConfig, SimResult, simulate
from tests.support.figures import SVG, drawn, legends_clear_of_axes, svg_texts


@cache
def sim(**fields: Any) -> SimResult:
    base = {"depth": 6, "width": 32, "batch": 16}
    return simulate(SimConfig.from_dict({**base, **fields}))


def trained() -> SimResult:
    return sim(steps=12, record_every=3, lr=0.05, clip_norm=0.5, activation="tanh")


CASES: dict[str, tuple[str, list[SimResult], dict[str, Any]]] = {}


def cases() -> dict[str, tuple[str, list[SimResult], dict[str, Any]]]:
    if not CASES:
        CASES.update(
            {
                "grad_norms": (
                    "grad_norms",
                    [
                        sim(activation="tanh", seeds=3),
                        sim(activation="relu", init="kaiming_normal"),
                    ],
                    {},
                ),
                "grad_norms_theory": (
                    "grad_norms",
                    [sim(activation="tanh", init="xavier_normal")],
                    {"theory": True, "metric": "output_grad_norm"},
                ),
                "activations": ("activations", [sim(activation="sigmoid")], {}),
                "training": ("training", [trained()], {}),
                "activation_fn": ("activation_fn", [], {"activation": "gelu"}),
                "update_ratio": ("update_ratio", [trained()], {}),
                "layer_stats": (
                    "layer_stats",
                    [sim(activation="tanh", seeds=3), sim(activation="relu")],
                    {},
                ),
                "time_grad_norms": (
                    "time_grad_norms",
                    [
                        simulate(SimConfig(arch="lstm", seq_len=12, hidden=16, forget_bias=1.0)),
                        simulate(SimConfig(arch="rnn", seq_len=12, hidden=16, seeds=3)),
                    ],
                    {},
                ),
            }
        )
    return CASES


@pytest.mark.parametrize(
    "case",
    [
        "grad_norms",
        "grad_norms_theory",
        "activations",
        "training",
        "activation_fn",
        "update_ratio",
        "time_grad_norms",
    ],
)
def test_every_kind_renders_labelled_deterministic_svg_and_png(case: str) -> None:
    kind, sims, options = cases()[case]
    first = render(kind, sims, **options)
    assert first == render(kind, sims, **options)
    assert first.mime == "image/svg+xml" and first.alt
    root = ET.fromstring(first.data)
    assert root.get("role") == "img"
    children = list(root)
    assert children[0].tag == f"{SVG}title" and children[0].text
    assert children[1].tag == f"{SVG}desc" and children[1].text == first.alt
    assert root.get("width") == "360pt"  # 5 in: 480 px in a browser, never shown wider
    sizes = [float(s) for s in re.findall(rb"font-size: ([0-9.]+)px", first.data)]
    # Every text at least 13/360 of the width: >= 11 px wherever a page shows the figure.
    assert sizes and min(sizes) >= 13
    assert len(root.findall(f".//{SVG}text")) >= 4  # axis labels and ticks are text
    png = render(kind, sims, fmt="png", **options)
    assert png.mime == "image/png" and png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert png == render(kind, sims, fmt="png", **options)


def test_output_does_not_depend_on_the_callers_matplotlib_settings() -> None:
    import matplotlib

    kind, sims, options = cases()["grad_norms"]
    plain = render(kind, sims, **options)
    with matplotlib.rc_context({"lines.linewidth": 7, "font.size": 30, "svg.hashsalt": None}):
        assert render(kind, sims, **options) == plain


def test_hide_keeps_the_answer_out_of_alt_text_title_desc_and_labels() -> None:
    result = sim(activation="sigmoid")
    value = number(result.layers[0].weight_grad_norm)
    shown = render("grad_norms", [result])
    assert value in shown.alt and "sigmoid" in shown.alt
    hidden = render("grad_norms", [result], hide={"weight_grad_norm", "activation"})
    assert value not in hidden.alt and value not in svg_texts(hidden)
    assert "sigmoid" not in hidden.alt and "sigmoid" not in svg_texts(hidden)
    assert "times the top layer" not in hidden.alt


def test_hide_removes_on_figure_annotations() -> None:
    result = sim(activation="tanh", init="normal", init_std=1.0)
    percent = f"{100 * result.layers[0].saturation:.0f} %"
    assert percent in svg_texts(render("activations", [result]))
    hidden = render("activations", [result], hide={"saturation"})
    assert render("activations", [result], hide="saturation") == hidden  # one name, not letters
    assert percent not in hidden.alt and "saturated" not in svg_texts(hidden)
    fn = render("activation_fn", [], activation="tanh", hide={"activation"})
    assert "tanh" not in fn.alt and "tanh" not in svg_texts(fn)
    run = trained()
    text = svg_texts(render("training", [run], hide={"clip_norm", "loss"}))
    assert "0.5" not in text.replace(number(run.steps[0].total_grad_norm), "")


def test_non_finite_runs_are_drawn_and_marked() -> None:
    blown = sim(steps=50, lr=10.0, init="kaiming_normal")
    assert blown.diverged_at is not None
    figure = render("training", [blown])
    assert f"non-finite at step {blown.diverged_at}" in svg_texts(figure)
    assert "non-finite" in figure.alt
    hidden = render("training", [blown], hide={"diverged_at"})
    assert f"step {blown.diverged_at}" not in svg_texts(hidden)
    overflow = sim(depth=40, activation="relu", init="normal", init_std=2.5)
    render("grad_norms", [overflow])
    render("activations", [overflow])
    never = sim(depth=40, activation="relu", init="normal", init_std=2.5, steps=3)
    assert never.diverged_at == 0 and never.update_ratio == {}
    assert "No update was made" in render("update_ratio", [never]).alt


def test_theory_overlay_refuses_configs_it_cannot_predict() -> None:
    zero = sim(init="normal", init_std=0.0)
    problem = check_figure("grad_norms", [zero], theory=True, metric="output_grad_norm")
    assert problem is not None and "no gradient" in problem


@pytest.mark.parametrize(
    ("kind", "sims", "kwargs", "message"),
    [
        ("grad_norm", "one", {}, "did you mean 'grad_norms'"),
        ("grad_norms", "none", {}, "grad_norms draws 1 to 8 simulation(s), got 0"),
        ("activations", "two", {}, "activations draws 1 simulation(s), got 2"),
        ("training", "one", {}, "needs a training run"),
        ("update_ratio", "one", {}, "needs a training run"),
        ("grad_norms", "one", {"metric": "loss"}, "allowed one of weight_grad_norm"),
        ("grad_norms", "one", {"colour": "red"}, "unknown grad_norms option 'colour'"),
        ("grad_norms", "one", {"hide": ["weight_grad_nrom"]}, "did you mean 'weight_grad_norm'"),
        ("grad_norms", "one", {"labels": ["a", "b"]}, "2 labels for 1 simulations"),
        ("grad_norms", "one", {"theory": True}, "metric: output_grad_norm"),
        ("activations", "one", {"theory": True}, "grad_norms only"),
        ("activation_fn", "none", {}, "needs the option activation"),
        ("activation_fn", "none", {"activation": "rleu"}, "allowed one of linear"),
        ("activations", "one", {"max_layers": 1}, "an integer 2..24"),
    ],
)
def test_check_figure_explains_what_is_wrong(
    kind: str, sims: str, kwargs: dict[str, Any], message: str
) -> None:
    results = {"none": [], "one": [sim()], "two": [sim(), sim(seed=1)]}[sims]
    problem = check_figure(kind, results, **kwargs)
    assert problem is not None and message in problem
    assert check_figure(kind, [r.config for r in results], **kwargs) == problem
    with pytest.raises(FigureError, match=re.escape(message)):
        render(kind, results, **kwargs)


def test_theory_is_refused_for_batch_norm_and_unknown_formats() -> None:
    bn = sim(norm="batch")
    assert "batch norm" in (
        check_figure("grad_norms", [bn], theory=True, metric="output_grad_norm") or ""
    )
    with pytest.raises(FigureError, match="unknown format"):
        render("grad_norms", [sim()], fmt="jpg")


def test_figure_kinds_describe_themselves() -> None:
    assert {"grad_norms", "activations", "training", "activation_fn", "update_ratio"} <= set(
        FIGURE_KINDS
    )
    for spec in FIGURE_KINDS.values():
        assert spec.description and spec.requires


def test_automatic_labels_name_what_differs_and_respect_hide() -> None:
    a, b = SimConfig(activation="tanh"), SimConfig(activation="relu")
    assert config_labels([a, b], frozenset()) == ["tanh", "relu"]
    assert config_labels([a, b], frozenset({"activation"})) == ["network A", "network B"]
    assert config_labels([a], frozenset({"init"})) == ["tanh, depth 10"]
    c = SimConfig(residual=True, residual_scale=0.5, norm="layer", width=(64,) * 10)
    assert config_labels([SimConfig(), c], frozenset()) == [
        "no norm, no residual",
        "layer norm, residual x0.5",
    ]


def test_legends_and_marks_never_cover_the_curves(monkeypatch: pytest.MonkeyPatch) -> None:
    import quizsvc.plots.drawing as plots

    blown = sim(steps=50, lr=10.0, init="kaiming_normal")
    underflow = sim(depth=40, activation="sigmoid", init="normal", init_std=0.01)
    requests = [
        ("activation_fn", [], {"activation": "tanh"}),  # derivative peaks top left
        ("activation_fn", [], {"activation": "sigmoid"}),
        ("training", [trained()], {}),  # clipping: three entries
        ("training", [blown], {}),  # the loss rises into the top right corner
        ("grad_norms", [underflow, sim(activation="relu", seeds=3)], {}),  # a gaps entry
        ("update_ratio", [trained()], {"max_layers": 12}),  # thirteen entries
        ("layer_stats", [*cases()["grad_norms"][1], sim(activation="sigmoid")], {}),  # long labels
        *cases().values(),
    ]
    # Every kind is drawn: a new kind joins `cases`, and so this rule.
    assert {kind for kind, _, _ in requests} == set(FIGURE_KINDS)
    for kind, sims, options in requests:
        fig = drawn(monkeypatch, plots, lambda: render(kind, sims, **options))  # noqa: B023
        assert legends_clear_of_axes(fig) == [], kind
        if kind != "activations":  # its per-layer shares of saturated units sit in the panel
            assert not [t.get_text() for ax in fig.axes for t in ax.texts], kind
    fig = drawn(monkeypatch, plots, lambda: render("training", [blown]))
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["gradient norm", f"non-finite at step {blown.diverged_at}"]
