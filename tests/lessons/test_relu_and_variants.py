"""Every number the lesson "ReLU and its variants" states, recomputed.

Each test finds the number in content/05-relu-and-variants.md (so editing a digit there fails
the suite) and recomputes it with the engine (quizsvc.sim), its theory module, or torch.
"""

from __future__ import annotations

import math
import re
import statistics

import torch
import torch.nn.functional as F

from quizsvc.sim import SimConfig, activations, simulate, theory
from tests.lessons.recompute import variant_excess
from tests.lessons.stated import NUM_COMMAS, LessonText, check

LESSON = LessonText("05-relu-and-variants.md", number=NUM_COMMAS)
FLAT = LESSON.flat
grab = LESSON.grab
find = LESSON.find
NUM = NUM_COMMAS


def normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def test_relu_gaussian_moments() -> None:
    q = 2.3  # any variance: the statements scale with q
    relu = lambda z: activations.apply("relu", z)  # noqa: E731
    mean = theory.gaussian_expectation(relu, q)
    second = theory.gaussian_expectation(lambda z: relu(z).square(), q)
    assert "P(\\mathrm{ReLU}(z) = 0) = \\tfrac{1}{2}" in FLAT
    # The engine: the fraction of inactive (zero-derivative) units of a wide ReLU layer.
    cfg = SimConfig(depth=2, width=256, batch=256, activation="relu", init="kaiming_normal")
    assert abs(simulate(cfg).metric("saturation")[0] - 0.5) < 0.02
    (coef,) = grab(rf"\\sqrt{{\\frac{{q}}{{2\\pi}}}} \\approx {NUM}\\sqrt{{q}}")
    check((coef,), [mean / math.sqrt(q)])
    assert "\\mathbb{E}[\\mathrm{ReLU}(z)^2] = \\frac{q}{2}" in FLAT
    assert abs(second - q / 2) < 1e-8
    (again,) = grab(rf"non-negative with mean \${NUM}\\sqrt{{q}}\$")
    check((again,), [mean / math.sqrt(q)])


def test_relu_derivative_and_pytorch_kink() -> None:
    z = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    (grad,) = torch.autograd.grad(F.relu(z).sum(), z)
    assert grad.tolist() == [0.0, 0.0, 1.0]
    assert "PyTorch's backward uses 0" in FLAT


def test_sigmoid_bound_factor() -> None:
    (bound,) = grab(rf"sigmoid, whose derivative never exceeds 1/{NUM}")
    assert 1 / float(bound) == theory.derivative_bound("sigmoid")
    (factor,) = grab(rf"reduces the gradient by at least a factor of {NUM} per layer")
    assert float(factor) == 1 / theory.derivative_bound("sigmoid")
    (again,) = grab(rf"sigmoid \(derivative at most 1/{NUM}\)")
    assert 1 / float(again) == theory.derivative_bound("sigmoid")


def test_dying_unit_worked_example() -> None:
    mean, var = grab(rf"pre-activations distributed as \$\\mathcal{{N}}\({NUM}, {NUM}\)\$")
    assert (mean, var) == ("-3", "1")
    p_active = normal_cdf(-3.0)
    check(grab(rf"\$\\Phi\(-3\) \\approx {NUM}\$"), [p_active])
    stated_p, batch, p_silent = grab(rf"\(1 - {NUM}\)\^{{{NUM}}} \\approx {NUM}\$")
    assert batch == "256"
    check((stated_p,), [p_active])
    check((p_silent,), [(1 - p_active) ** 256])
    (percent,) = grab(rf"On about {NUM} % of batches")
    check((percent,), [100 * (1 - p_active) ** 256])


def test_dying_unit_probability_by_sampling() -> None:
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(4000, 256, generator=gen, dtype=torch.float64) - 3.0
    silent = (z <= 0).all(dim=1).double().mean().item()
    assert abs(silent - (1 - normal_cdf(-3.0)) ** 256) < 0.03


def test_leaky_relu_slope_and_gain() -> None:
    (slope,) = grab(
        rf"small slope \$\\alpha\$ \({NUM} in the original paper and PyTorch's default\)"
    )
    assert float(slope) == torch.nn.LeakyReLU().negative_slope
    for a in (0.01, 0.2):
        second = theory.gaussian_expectation(
            lambda z, a=a: activations.apply("leaky_relu", z, a).square(), 1.0
        )
        assert abs(second - (1 + a * a) / 2) < 1e-8
        assert math.isclose(theory.gain("leaky_relu", a), math.sqrt(2 / (1 + a * a)))
        assert math.isclose(
            torch.nn.init.calculate_gain("leaky_relu", a), math.sqrt(2 / (1 + a * a))
        )
    assert "PyTorch's gain for leaky ReLU is $\\sqrt{2/(1+\\alpha^2)}$" in FLAT


def test_elu_mean() -> None:
    elu, relu = grab(rf"\({NUM} for \$z \\sim \\mathcal{{N}}\(0,1\)\$, against {NUM} for ReLU\)")
    check(
        (elu, relu),
        [
            theory.gaussian_expectation(lambda z: activations.apply("elu", z), 1.0),
            theory.gaussian_expectation(lambda z: activations.apply("relu", z), 1.0),
        ],
    )
    assert "$\\alpha(e^x - 1)$ with $\\alpha = 1$" in FLAT
    assert torch.nn.ELU().alpha == 1.0
    z = torch.linspace(-5, -0.01, 50, dtype=torch.float64)
    assert torch.allclose(activations.derivative("elu", z), activations.apply("elu", z) + 1.0)


def test_gelu_facts() -> None:
    (const,) = grab(rf"\(x \+ {NUM}x\^3\)")
    z = torch.linspace(-4, 4, 801, dtype=torch.float64)
    approx = 0.5 * z * (1 + torch.tanh(math.sqrt(2 / math.pi) * (z + float(const) * z**3)))
    assert torch.allclose(approx, F.gelu(z, approximate="tanh"))
    minimum, at = grab(rf"minimum of about \${NUM}\$ at \$x \\approx {NUM}\$")
    grid = torch.linspace(-3, 0, 300_001, dtype=torch.float64)
    values = activations.apply("gelu", grid)
    i = int(values.argmin())
    check((minimum, at), [float(values[i]), float(grid[i])])
    low, high = grab(rf"derivative ranges from about \${NUM}\$ to \${NUM}\$, reached at")
    r2 = torch.tensor([-math.sqrt(2), math.sqrt(2)], dtype=torch.float64)
    d = activations.derivative("gelu", r2).tolist()
    check((low, high), d)
    assert math.isclose(d[1], theory.derivative_bound("gelu"))
    wide = activations.derivative("gelu", torch.linspace(-8, 8, 160_001, dtype=torch.float64))
    assert abs(float(wide.max()) - d[1]) < 1e-9 and abs(float(wide.min()) - d[0]) < 1e-9


def test_selu_constants_and_fixed_point() -> None:
    lam, alpha = grab(
        rf"scales an ELU by \$\\lambda \\approx {NUM}\$ with \$\\alpha \\approx {NUM}\$"
    )
    check((lam, alpha), [activations.SELU_SCALE, activations.SELU_ALPHA])
    selu = lambda z: activations.apply("selu", z)  # noqa: E731
    assert abs(theory.gaussian_expectation(selu, 1.0)) < 1e-6
    assert abs(theory.gaussian_expectation(lambda z: selu(z).square(), 1.0) - 1) < 1e-6
    # The engine: with weights of variance 1/n_in the activations stay at mean 0, std 1.
    cfg = SimConfig(
        depth=20,
        width=128,
        batch=128,
        activation="selu",
        init="kaiming_normal",
        gain=1.0,
        bias=False,
    )
    result = simulate(cfg)
    assert abs(result.metric("activation_std")[-1] - 1) < 0.15
    assert abs(result.metric("activation_mean")[-1]) < 0.15


def test_worked_example_table() -> None:
    rows = {
        "ReLU": ("relu", 0.01),
        "leaky ReLU, $\\alpha = 0.01$": ("leaky_relu", 0.01),
        "ELU": ("elu", 0.01),
        "GELU": ("gelu", 0.01),
        "SELU": ("selu", 0.01),
    }
    x = torch.tensor([-1.0, 2.0], dtype=torch.float64)
    for label, (name, slope) in rows.items():
        cells = grab(rf"\| {re.escape(label)} \| {NUM} \| {NUM} \| {NUM} \| {NUM} \|")
        phi = activations.apply(name, x, slope).tolist()
        dphi = activations.derivative(name, x, slope).tolist()
        check(cells, [phi[0], dphi[0], phi[1], dphi[1]])


def test_selu_and_gelu_derivative_remarks() -> None:
    assert activations.SELU_SCALE > 1
    assert "SELU's derivative on the positive side is $\\lambda > 1$" in FLAT
    assert float(activations.derivative("gelu", torch.tensor(-1.0, dtype=torch.float64))) < 0
    assert "GELU's derivative at $-1$ is negative" in FLAT


def test_he_factor_two() -> None:
    """ReLU with He initialization keeps the forward second moment (the engine, wide layers)."""
    cfg = SimConfig(
        depth=8, width=256, batch=128, activation="relu", init="kaiming_normal", bias=False
    )
    stds = simulate(cfg).metric("preactivation_std")
    assert 0.7 < stds[-1] / stds[0] < 1.4
    assert math.isclose(theory.gain("relu"), math.sqrt(2))
    assert "a weight variance of $2/n_{\\text{in}}$ restores it" in FLAT


def slope_at(activation: str, x: float) -> float:
    """phi'(x) by autograd, so the lesson and the activation module cannot share a typo."""
    z = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(activations.apply(activation, z), z)
    return float(slope)


def test_elu_and_gelu_slopes_fade_for_strongly_negative_inputs() -> None:
    (elu_prose,) = grab(rf"That derivative also fades: \$e\^{{-5}} \\approx {NUM}\$")
    (elu,) = grab(
        rf"\(\$e\^{{-5}} \\approx {NUM}\$ for ELU, "
        r"about \$-7 \\times 10\^{-6}\$ for GELU at \$-5\$\)"
    )
    check((elu_prose, elu), [slope_at("elu", -5.0)] * 2)
    assert math.exp(-5) == slope_at("elu", -5.0)
    assert round(slope_at("gelu", -5.0) * 1e6) == -7
    assert slope_at("leaky_relu", -5.0) == 0.01  # the leaky variant keeps its slope


def test_leaky_gain_growth_beyond_mean_field() -> None:
    """relu-leaky-gain: measured growth "typically 1.3 to 1.8 times" the mean-field prediction
    (the quartiles over the question's variants)."""
    low, high = grab(rf"typically by a factor of {NUM} to {NUM}\. The fix is PyTorch's leaky-ReLU")
    first, _, third = statistics.quantiles(
        variant_excess("relu-leaky-gain", lambda e: e["simple"]), n=4
    )
    assert abs(first - float(low)) <= 0.1 and abs(third - float(high)) <= 0.1
