"""Every number the lesson "Diagnosing a training run" states, recomputed.

Each test finds the number in content/10-diagnosing-training.md (so editing a digit there fails
the suite) and recomputes it with the theory module (quizsvc.sim.theory), the engine
(quizsvc.sim) or arithmetic. The update-to-weight "rule of thumb" of 1e-3 is a convention, not
a computation; the test checks that the lesson and the update_ratio figure use the same value.
"""

from __future__ import annotations

import math
import re
import statistics

import pytest
import torch
import torch.nn.functional as F

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
        rf"\$\\lVert W\\rVert = {NUM}\$ and \$\\lVert\\nabla_W\\mathcal{{L}}\\rVert = {NUM}\$ with "
        rf"learning rate {NUM},"
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


# --- checks before a long run ----------------------------------------------------------------


def test_initial_loss_of_a_uniform_prediction() -> None:
    ten, thousand = grab(rf"\\ln C\$ for \$C\$\s+classes, {NUM} for 10 classes and {NUM} for 1000")
    check((ten, thousand), [math.log(10), math.log(1000)])
    logits = torch.zeros(4, 10)
    assert float(F.cross_entropy(logits, torch.tensor([0, 3, 5, 9]))) == pytest.approx(math.log(10))
    # ... and the engine's classifier starts there when its logits are small, far above when not.
    small = SimConfig(depth=3, width=64, batch=64, activation="relu", init="kaiming_normal",
                      gain=0.1, task="classification", classes=10)  # fmt: skip
    assert simulate(small).loss == pytest.approx(math.log(10), rel=0.01)
    assert simulate(small.replace(gain=2.5)).loss > 3 * math.log(10)
    # "A regression network's first squared error should likewise be close to the variance of
    # the targets": the engine's targets have unit variance.
    regression = small.replace(task="regression")
    assert simulate(regression).loss == pytest.approx(1.0, abs=0.15)


def test_central_differences_and_float64_gradient_checks() -> None:
    assert "whose error shrinks like $h^2$ (a forward difference's only like $h$)" in FLAT
    (h_exp,) = grab(rf"In float64 with\s+\$h = 10\^{{{NUM}}}\$")
    (typical,) = grab(rf"typically agrees to a relative error near \$10\^{{{NUM}}}\$ \(compare")

    def f(x: float) -> float:
        return math.tanh(2 * x) ** 2

    exact = 2 * math.tanh(2.0 * 0.3) * (1 - math.tanh(2.0 * 0.3) ** 2) * 2
    central = [abs((f(0.3 + h) - f(0.3 - h)) / (2 * h) - exact) for h in (1e-3, 1e-4)]
    forward = [abs((f(0.3 + h) - f(0.3)) / h - exact) for h in (1e-3, 1e-4)]
    assert central[0] / central[1] == pytest.approx(100, rel=0.05)  # error ~ h^2
    assert forward[0] / forward[1] == pytest.approx(10, rel=0.1)  # error ~ h
    # A small tanh network in float64: every coordinate of its gradient against central
    # differences with the lesson's h.
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(8, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1)
    ).double()
    x, y = torch.randn(4, 8, dtype=torch.float64), torch.randn(4, 1, dtype=torch.float64)

    def loss() -> torch.Tensor:
        return F.mse_loss(model(x), y)

    grads = torch.autograd.grad(loss(), list(model.parameters()))
    h, errors = 10.0 ** int(h_exp), []
    with torch.no_grad():
        for param, grad in zip(model.parameters(), grads, strict=True):
            flat = param.view(-1)
            for i in range(flat.numel()):
                old = float(flat[i])
                flat[i] = old + h
                up = float(loss())
                flat[i] = old - h
                down = float(loss())
                flat[i] = old
                numeric, analytic = (up - down) / (2 * h), float(grad.view(-1)[i])
                error = abs(numeric - analytic) / max(abs(numeric), abs(analytic))
                errors.append((error, abs(analytic)))
    relative = [e for e, _ in errors]
    assert 10.0 ** (int(typical) - 1) < statistics.median(relative) < 10.0 ** (int(typical) + 1)
    # The worst relative errors belong to coordinates whose gradient is nearly zero.
    worst = sorted(errors, reverse=True)[: len(errors) // 20]
    smallest = sorted(g for _, g in errors)[len(errors) // 10]
    assert all(g < smallest for _, g in worst)
    assert max(e for e, g in errors if g >= smallest) < 1e-6


def test_gelu_slope_vanishes_for_strongly_negative_inputs() -> None:
    assert "(GELU's is about\n$-7 \\times 10^{-6}$ at $-5$)".replace("\n", " ") in FLAT
    z = torch.tensor(-5.0, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(F.gelu(z), z)
    assert round(float(slope) * 1e6) == -7


def lesson_snippet() -> str:
    (code,) = re.findall(
        r"```python\n(.*?)\n```", LessonText("10-diagnosing-training.md").text, re.S
    )
    return code


def test_the_gradient_norm_logging_snippet_runs_and_logs_the_right_norms(capsys) -> None:
    scope: dict[str, object] = {}
    torch.manual_seed(0)
    exec(compile(lesson_snippet(), "lesson-10-snippet", "exec"), scope)
    model, weight_grad, output_grad = scope["model"], scope["weight_grad"], scope["output_grad"]
    assert set(weight_grad) == {"0.weight", "2.weight", "4.weight"}
    assert set(output_grad) == {"1", "3"}
    for name, param in model.named_parameters():  # the hooks saw exactly what .grad holds
        if name.endswith("weight"):
            assert weight_grad[name] == pytest.approx(float(param.grad.norm()))
    assert str(weight_grad) in capsys.readouterr().out
    # The handles were removed: another backward pass logs nothing new.
    weight_grad.clear()
    model(torch.randn(2, 64)).sum().backward()
    assert weight_grad == {}


def test_the_snippet_records_the_backward_signal_at_each_activation() -> None:
    """output_grad holds ||dL/dh|| of each tanh output, checked against autograd directly."""
    scope: dict[str, object] = {}
    code = lesson_snippet().replace(
        "loss = nn.functional.mse_loss(model(torch.randn(32, 64)), torch.randn(32, 10))",
        "torch.manual_seed(3)\nx, y = torch.randn(32, 64), torch.randn(32, 10)\n"
        "loss = nn.functional.mse_loss(model(x), y)",
    )
    exec(compile(code, "lesson-10-snippet", "exec"), scope)
    model, x, y = scope["model"], scope["x"], scope["y"]
    h1 = model[1](model[0](x))
    h2 = model[3](model[2](h1))
    g1, g2 = torch.autograd.grad(F.mse_loss(model[4](h2), y), [h1, h2])
    assert scope["output_grad"]["1"] == pytest.approx(float(g1.norm()), rel=1e-5)
    assert scope["output_grad"]["3"] == pytest.approx(float(g2.norm()), rel=1e-5)
