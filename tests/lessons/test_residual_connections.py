"""Every number the lesson "Skip and residual connections" states, recomputed.

Each test finds the number in content/08-residual-connections.md (so editing a digit there fails
the suite) and recomputes it with arithmetic, the theory module (quizsvc.sim.theory) or the
engine (quizsvc.sim). The historical figures the lesson cites (the 56- and 20-layer networks of
He et al. 2016, the 1001-layer network of their follow-up) are facts about those papers, not
computations, and are not re-derived here.
"""

from __future__ import annotations

import functools
import math

import pytest
import torch

from quizsvc.sim import SimConfig, simulate, theory
from tests.lessons.stated import NUM, LessonText, check

LESSON = LessonText("08-residual-connections.md", prose_only=True)
FLAT = LESSON.flat
grab = LESSON.grab
figure = LESSON.figure


def scientific(mantissa: str, exponent: str) -> float:
    return float(mantissa) * 10.0 ** int(exponent)


def linear_residual(scale: float, depth: int = 20, seeds: int = 8) -> SimConfig:
    return SimConfig(
        depth=depth,
        width=128,
        batch=64,
        activation="linear",
        init="kaiming_normal",
        residual=True,
        residual_scale=scale,
        seeds=seeds,
    )


@functools.cache
def measured(scale: float) -> tuple[float, float]:
    """(activation std after the last block, output-gradient ratio first/last), seed medians."""
    res = simulate(linear_residual(scale))
    grads = res.metric("output_grad_norm")
    return res.metric("activation_std")[-1], grads[0] / grads[-1]


def test_plain_product_of_sigmoid_gains() -> None:
    gain, power, mantissa, exponent = grab(
        rf"has gain {NUM} \(a sigmoid layer at its steepest\), twenty blocks give "
        rf"\$0\.25\^\{{{NUM}\}} \\approx {NUM} \\times 10\^\{{(-?\d+)\}}\$"
    )
    assert float(gain) == theory.derivative_bound("sigmoid")
    value = float(gain) ** int(power)
    assert scientific(mantissa, exponent) == pytest.approx(value, rel=0.01)


def test_identity_path_keeps_a_sigmoid_gradient() -> None:
    """'does not shrink at all toward the input': the residual sigmoid net's gradient."""
    assert "with the same branches keep the identity term" in FLAT
    common = dict(depth=20, width=128, batch=64, activation="sigmoid", init="xavier_normal")
    plain = simulate(SimConfig(**common)).metric("output_grad_norm")
    res = simulate(SimConfig(**common, residual=True)).metric("output_grad_norm")
    assert plain[0] / plain[-1] < 1e-10
    assert res[0] / res[-1] >= 1.0


def test_scalar_caricature_of_growth() -> None:
    a, base, power, value = grab(
        rf"\$1 \+ a\$ with \$a = {NUM}\$, twenty blocks give \${NUM}\^\{{{NUM}\}} \\approx {NUM}\$"
    )
    assert float(base) == 1 + float(a)
    check((value,), [float(base) ** int(power)])


def test_relu_branches_grow_faster() -> None:
    mantissa, exponent, instead = grab(
        rf"grow the standard deviation of the activations by about \${NUM} \\times "
        rf"10\^\{{(\d+)\}}\$ rather than {NUM}\."
    )
    cfg = SimConfig(
        depth=20,
        width=128,
        batch=64,
        activation="relu",
        init="kaiming_normal",
        residual=True,
        residual_scale=1.0,
        seeds=8,
    )
    std = simulate(cfg).metric("activation_std")[-1]
    assert std == pytest.approx(scientific(mantissa, exponent), rel=0.25)
    assert int(instead) == 2**10  # the zero-mean branch of the worked example, sqrt(2^20)


def test_worked_example_with_unit_branch_scale() -> None:
    (blocks,) = grab(rf"Stack \$L = {NUM}\$ residual blocks")
    power, mantissa, exponent, std_factor = grab(
        rf"the variance after the stack is \$2\^\{{{NUM}\}} \\approx "
        rf"{NUM} \\times 10\^\{{(\d+)\}}\$, "
        rf"so the standard deviation has grown by a factor of {NUM}\."
    )
    depth = int(blocks)
    assert int(power) == depth
    profile = theory.mean_field_profile(linear_residual(1.0, depth, seeds=1))
    variance = profile.second_moment[-1]  # inputs have unit second moment
    assert variance == pytest.approx(2.0**depth, rel=1e-9)
    assert scientific(mantissa, exponent) == pytest.approx(variance, rel=0.01)
    check((std_factor,), [math.sqrt(variance)])
    std, _ = measured(1.0)
    assert std == pytest.approx(float(std_factor), rel=0.15)


def test_worked_example_with_scaled_branches() -> None:
    alpha, variance, std_factor = grab(
        rf"With \$\\alpha = 1/\\sqrt\{{L\}}\$, about {NUM}, the variance grows by "
        rf"\$\(1 \+ 1/20\)\^\{{20\}} \\approx {NUM}\$, a standard deviation only {NUM} times"
    )
    check((alpha,), [1 / math.sqrt(20)])
    profile = theory.mean_field_profile(linear_residual(1 / math.sqrt(20), seeds=1))
    check((variance, std_factor), [profile.second_moment[-1], math.sqrt(profile.second_moment[-1])])
    std, _ = measured(0.2236)
    assert std == pytest.approx(float(std_factor), rel=0.05)
    (e,) = grab(rf"\(1 \+ 1/L\)\^L < e \\approx {NUM}\$ for every \$L\$")
    check((e,), [math.e])
    assert all((1 + 1 / n) ** n < math.e for n in (1, 2, 5, 20, 100, 10_000))


def test_figure_shows_the_worked_example() -> None:
    fig = figure("branch-scale")
    scales = sorted(cfg["residual_scale"] for cfg in fig["sims"].values())
    assert scales == pytest.approx([1 / math.sqrt(20), 1.0], abs=1e-4)
    for cfg in fig["sims"].values():
        assert (cfg["depth"], cfg["width"], cfg["activation"]) == (20, 128, "linear")
    assert "20-block residual network" in fig["caption"] and "width 128" in fig["caption"]


def test_backward_growth_is_about_sqrt_one_plus_alpha_squared_per_block() -> None:
    assert "grows toward the input by about $\\sqrt{1+\\alpha^2}$ per block" in FLAT
    for scale in (1.0, 0.2236):
        _, ratio = measured(scale)
        per_block = ratio ** (1 / 19)
        assert per_block == pytest.approx(math.sqrt(1 + scale**2), rel=0.03)


def test_theory_backward_factor_is_one_plus_alpha_squared() -> None:
    """'E |v (I + alpha J)|^2 = (1 + alpha^2) |v|^2': the theory module's per-block chi."""
    for scale in (0.3, 1.0):
        profile = theory.mean_field_profile(linear_residual(scale, depth=5, seeds=1))
        assert profile.chi[1:] == pytest.approx([1 + scale**2] * 4, rel=1e-9)


def test_orderings_in_the_quiz_hold() -> None:
    """res-order-scales sorts by branch scale; check the extreme draws keep that order."""
    low = simulate(linear_residual(0.25, depth=12, seeds=1).replace(width=64))
    mid = simulate(linear_residual(0.45, depth=12, seeds=1).replace(width=64))
    high = simulate(linear_residual(0.9, depth=12, seeds=1).replace(width=64))

    def ratio(res: object) -> float:
        g = res.metric("output_grad_norm")
        return g[0] / g[-1]

    assert ratio(high) > ratio(mid) > ratio(low)


def test_the_loss_is_a_script_l_and_l_is_the_last_layer() -> None:
    text = LessonText("08-residual-connections.md").text
    assert "\\partial L" not in text and "\\partial \\mathcal{L}" in text
    assert "the output layer $L$" in text


def test_pre_and_post_ln_blocks() -> None:
    assert "$h_{l+1} = \\mathrm{LN}(h_l + F_l(h_l))$: **post-LN**" in FLAT
    assert "$h_{l+1} = h_l + F_l(\\mathrm{LN}(h_l))$, so the identity path is clean" in FLAT
    # The pre-LN identity path: the Jacobian of the block is I + (branch term), with no
    # normalization between h_l and h_{l+1}; in post-LN the layer norm's Jacobian sits on it.
    torch.manual_seed(0)
    width = 16
    branch = torch.nn.Linear(width, width, dtype=torch.float64)
    torch.nn.init.zeros_(branch.weight), torch.nn.init.zeros_(branch.bias)
    h = torch.randn(width, dtype=torch.float64)

    def pre(x: torch.Tensor) -> torch.Tensor:
        return x + branch(torch.nn.functional.layer_norm(x, (width,)))

    def post(x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.layer_norm(x + branch(x), (width,))

    eye = torch.eye(width, dtype=torch.float64)
    assert torch.allclose(torch.autograd.functional.jacobian(pre, h), eye)
    assert not torch.allclose(torch.autograd.functional.jacobian(post, h), eye, atol=1e-2)
