"""Every number the lesson "Diagnosing a training run" states, recomputed.

Each test finds the number in content/10-diagnosing-training.md (so editing a digit there fails
the suite) and recomputes it with the theory module (quizsvc.sim.theory), the engine
(quizsvc.sim) or arithmetic. The update-to-weight "rule of thumb" of 1e-3 is a convention, not
a computation; the test checks that the lesson and the update_ratio figure use the same value.
"""

from __future__ import annotations

import math

import pytest

from quizsvc.plots import update_ratio
from quizsvc.sim import SimConfig, simulate, theory
from tests.lessons.stated import NUM, LessonText, check

LESSON = LessonText("10-diagnosing-training.md", prose_only=True)
FLAT = LESSON.flat
grab = LESSON.grab
figure = LESSON.figure


def sigmoid_xavier(depth: int, width: int, seeds: int = 1) -> SimConfig:
    return SimConfig(
        depth=depth,
        width=width,
        batch=64,
        activation="sigmoid",
        init="xavier_normal",
        seeds=seeds,
    )


def test_rule_of_thumb_is_the_one_the_figure_draws() -> None:
    (exponent,) = grab(r"A commonly quoted rule of thumb puts it around \$10\^\{(-\d+)\}\$")
    assert 10.0 ** int(exponent) == update_ratio.REFERENCE


def test_mean_field_chi_of_the_sigmoid_network() -> None:
    depth, width = grab(rf"A {NUM}-layer sigmoid network of width {NUM} with Xavier")
    cfg = sigmoid_xavier(int(depth), int(width))
    sigma_w2, chi, root = grab(
        rf"with Xavier's \$\\sigma_w\^2 = {NUM}\$, the pre-activations settle at a variance "
        rf"where \$\\chi = {NUM}\$, so the gradient norm is multiplied by \$\\sqrt\{{\\chi\}} = "
        rf"{NUM}\$ per layer"
    )
    assert theory.weight_std(cfg, int(width), int(width)) ** 2 * int(width) == pytest.approx(
        float(sigma_w2)
    )
    profile = theory.mean_field_profile(cfg)
    q_star = theory.q_fixed_point("sigmoid", float(sigma_w2), 0.0)
    check((chi,), [theory.chi("sigmoid", q_star, float(sigma_w2))])
    check((chi, root), [profile.chi[-1], math.sqrt(profile.chi[-1])])


def test_the_factor_cannot_exceed_a_quarter() -> None:
    (bound,) = grab(r"The bound \$\\sigma'\(z\) \\le (\d/\d)\$ from the saturation lesson")
    num, den = bound.split("/")
    assert theory.derivative_bound("sigmoid") == int(num) / int(den)
    chi = theory.mean_field_profile(sigmoid_xavier(20, 128)).chi[-1]
    assert math.sqrt(chi) <= theory.derivative_bound("sigmoid")


def test_compounded_over_nineteen_layers() -> None:
    layers, root, power, mantissa, exponent = grab(
        rf"Over {NUM} layers that compounds to \${NUM}\^\{{{NUM}\}} \\approx {NUM} \\times "
        rf"10\^\{{(-\d+)\}}\$"
    )
    assert int(layers) == int(power) == 20 - 1
    value = float(root) ** int(power)
    assert float(mantissa) * 10.0 ** int(exponent) == pytest.approx(value, rel=0.05)
    # "twelve orders of magnitude": the measured network agrees with the theory.
    assert "twelve orders of magnitude below the last layer's" in FLAT
    grads = simulate(sigmoid_xavier(20, 128, seeds=4)).metric("output_grad_norm")
    measured = grads[0] / grads[-1]
    assert round(-math.log10(measured)) == 12
    assert math.log10(measured) == pytest.approx(math.log10(value), abs=0.3)


def test_relu_with_he_has_chi_one() -> None:
    assert "Replacing the sigmoid with ReLU and using He initialization gives $\\chi = 1$" in FLAT
    assert "about 1 for ReLU with He initialization" in FLAT
    cfg = SimConfig(depth=20, width=128, activation="relu", init="kaiming_normal")
    assert theory.mean_field_profile(cfg).chi == pytest.approx([1.0] * 20, rel=1e-9)


def test_triage_figure_matches_the_worked_example() -> None:
    fig = figure("triage")
    assert fig["options"] == {"metric": "output_grad_norm"} and fig["theory"] is True
    kinds = {(c["activation"], c["init"]) for c in fig["sims"].values()}
    assert kinds == {("sigmoid", "xavier_normal"), ("relu", "kaiming_normal")}
    for cfg in fig["sims"].values():
        assert (cfg["depth"], cfg["width"]) == (20, 128)


def test_second_run_update_ratio() -> None:
    w_norm, g_norm, lr = grab(
        rf"\$\\lVert W\\rVert = {NUM}\$ and \$\\lVert\\nabla_W L\\rVert = {NUM}\$ with learning "
        rf"rate {NUM},"
    )
    (ratio,) = grab(rf"by \$0\.1 \\times 5 / 10 = {NUM}\$ of their norm, fifty times")
    value = float(lr) * float(g_norm) / float(w_norm)
    check((ratio,), [value])
    assert value / update_ratio.REFERENCE == pytest.approx(50)


def test_update_ratio_at_step_zero_matches_the_question_formula() -> None:
    """diag-update-ratio-run computes eta |grad W1| / sqrt(2 n); the engine's ratio agrees."""
    for width, lr in ((32, 0.05), (64, 0.002)):
        cfg = SimConfig(
            depth=4,
            width=width,
            batch=32,
            activation="relu",
            init="kaiming_normal",
            lr=lr,
            steps=10,
        )
        res = simulate(cfg)
        predicted = lr * res.metric("weight_grad_norm")[0] / math.sqrt(2 * width)
        assert res.update_ratio[0][0] == pytest.approx(predicted, rel=0.08)


def test_relu_gain_sets_the_per_layer_factor() -> None:
    """diag-relu-gain-factor: the backward factor is about the multiple of the He scale."""
    for g in (0.7, 1.4):
        cfg = SimConfig(
            depth=15,
            width=128,
            batch=64,
            activation="relu",
            init="kaiming_normal",
            gain=g * math.sqrt(2),
        )
        grads = simulate(cfg).metric("output_grad_norm")
        assert (grads[0] / grads[-1]) ** (1 / 14) == pytest.approx(g, rel=0.04)
