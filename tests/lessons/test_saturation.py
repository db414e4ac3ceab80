"""Every number the lesson "Saturation" states, recomputed.

Each test finds the number in content/02-saturation.md (so editing a digit there fails the
suite) and recomputes it with the theory module (quizsvc.sim.theory), the engine
(quizsvc.sim.simulate) or, for plain calculus, torch in float64.
"""

from __future__ import annotations

import math
import re

import pytest
import torch

from quizsvc.sim import SimConfig, simulate, theory
from quizsvc.sim.activations import derivative
from tests.lessons.stated import NUM, LessonText, agrees

LESSON = LessonText("02-saturation.md")
TEXT = LESSON.text
FLAT = LESSON.flat
grab = LESSON.grab


def check(stated: tuple[str, ...] | str, value: float) -> None:
    text = stated[0] if isinstance(stated, tuple) else stated
    assert agrees(text, value), f"the lesson states {text}, the computation gives {value:.6g}"


def t64(x: float) -> torch.Tensor:
    return torch.tensor([x], dtype=torch.float64)


def sigmoid(x: float) -> float:
    return float(torch.sigmoid(t64(x)))


def d_sigmoid(x: float) -> float:
    return float(derivative("sigmoid", t64(x)))


def d_tanh(x: float) -> float:
    return float(derivative("tanh", t64(x)))


def phi_tail(x: float) -> float:
    """P(|z| > x) for a standard normal z."""
    return math.erfc(x / math.sqrt(2))


def mean_slope(activation: str, std: float) -> float:
    return theory.gaussian_expectation(lambda z: derivative(activation, z), std**2)


def test_derivative_bounds() -> None:
    assert "$\\sigma'(z) \\le 1/4$ for every $z$" in FLAT
    assert "Similarly $1 - \\tanh^2 \\le 1$ with equality only at $z = 0$" in FLAT
    assert theory.derivative_bound("sigmoid") == 0.25
    assert theory.derivative_bound("tanh") == 1.0
    grid = torch.linspace(-8, 8, 16001, dtype=torch.float64)
    for name, bound in (("sigmoid", 0.25), ("tanh", 1.0)):
        slopes = derivative(name, grid)
        assert float(slopes.max()) == pytest.approx(bound, rel=1e-12)
        assert abs(float(grid[slopes.argmax()])) < 1e-12


def test_tanh_is_a_stretched_sigmoid() -> None:
    assert "$\\tanh'(z) = 4\\sigma'(2z)$" in FLAT
    assert "its peak slope is four times larger" in FLAT
    z = torch.linspace(-6, 6, 241, dtype=torch.float64)
    assert torch.allclose(torch.tanh(z), 2 * torch.sigmoid(2 * z) - 1, atol=1e-14)
    assert torch.allclose(derivative("tanh", z), 4 * derivative("sigmoid", 2 * z), atol=1e-14)
    assert theory.derivative_bound("tanh") / theory.derivative_bound("sigmoid") == 4


def test_exponential_tails() -> None:
    assert "$\\sigma'(z) \\approx e^{-\\lvert z \\rvert}$" in FLAT
    assert "$\\tanh'(z) \\approx 4 e^{-2\\lvert z \\rvert}$" in FLAT
    for z in (8.0, 12.0):
        assert d_sigmoid(z) / math.exp(-z) == pytest.approx(1, rel=1e-3)
        assert d_tanh(z) / (4 * math.exp(-2 * z)) == pytest.approx(1, rel=1e-3)


def test_table_of_values() -> None:
    rows = re.findall(r"^\| (\d+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$", TEXT, re.M)
    assert [r[0] for r in rows] == ["0", "1", "2", "3", "5"]
    for z_text, s, ds, t, dt in rows:
        z = float(z_text)
        check(s, sigmoid(z))
        check(ds, d_sigmoid(z))
        check(t, math.tanh(z))
        check(dt, d_tanh(z))


def test_slopes_at_five() -> None:
    (times,) = grab(r"At \$z = 5\$ the sigmoid's slope is already (\d+) times smaller")
    assert round(0.25 / d_sigmoid(5.0)) == int(times)
    (more_than,) = grab(r"and tanh's more than (\d+) times smaller")
    shrink = 1.0 / d_tanh(5.0)  # tanh'(0) = 1
    assert int(more_than) < shrink < 1.2 * int(more_than)  # "more than", and not by much


def test_saturation_thresholds() -> None:
    assert theory.SATURATION_FRACTION == 0.1
    assert "is below a tenth of the activation's peak slope" in FLAT
    t_sig = theory.saturation_threshold("sigmoid")
    check(grab(rf"For the sigmoid that means \$\\sigma'\(z\) < {NUM}\$"), t_sig)
    hi = (1 + math.sqrt(1 - 4 * t_sig)) / 2
    upper, lower = grab(rf"when \$\\sigma\(z\) > {NUM}\$ or \$\\sigma\(z\) < {NUM}\$")
    check(upper, hi)
    check(lower, 1 - hi)
    z_sig = math.log(hi / (1 - hi))
    check(grab(rf"that is when \$\\lvert z \\rvert > {NUM}\$\. For tanh"), z_sig)
    assert d_sigmoid(z_sig) == pytest.approx(t_sig, rel=1e-9)

    t_tanh = theory.saturation_threshold("tanh")
    check(grab(rf"For tanh it means \$\\tanh'\(z\) < {NUM}\$"), t_tanh)
    check(grab(rf"so \$\\lvert\\tanh\(z\)\\rvert > {NUM}\$"), math.sqrt(1 - t_tanh))
    z_tanh = math.atanh(math.sqrt(1 - t_tanh))
    check(grab(rf"and \$\\lvert z \\rvert > {NUM}\$\. Beyond these points"), z_tanh)


def test_engine_counts_saturation_with_the_same_thresholds() -> None:
    z = torch.tensor([3.60, 3.67, -3.67, 1.80, 1.83], dtype=torch.float64)
    sig = derivative("sigmoid", z[:3]) < theory.saturation_threshold("sigmoid")
    tanh = derivative("tanh", z[3:]) < theory.saturation_threshold("tanh")
    assert sig.tolist() == [False, True, True]
    assert tanh.tolist() == [False, True]


def test_worked_example_analytic() -> None:
    (n,) = grab(r"A sigmoid layer receives \$n = (\d+)\$ inputs of unit variance")
    n = int(n)
    check(grab(rf"Then \$s = \\sqrt\{{{n}\}} = {NUM}\$"), math.sqrt(n))
    z_sig = float(grab(r"that is when \$\\lvert z \\rvert > ([\d.]+)\$\. For tanh")[0])
    thr, s, frac = grab(rf"saturated units is \$2\(1 - \\Phi\({NUM}/{NUM}\)\) = {NUM}\$")
    assert thr == f"{z_sig}" and s == "16"
    check(frac, phi_tail(z_sig / 16))
    check(grab(rf"\$\\mathbb{{E}}\[\\sigma'\(z\)\] = {NUM}\$: roughly"), mean_slope("sigmoid", 16))
    assert f"$1/({s}\\sqrt{{2\\pi}})$" in FLAT
    # The lesson's closed form: for a wide Gaussian, E[sigma'(z)] ~ (area under sigma') * pdf(0).
    closed_form = 1 / (int(s) * math.sqrt(2 * math.pi))
    assert closed_form == pytest.approx(mean_slope("sigmoid", int(s)), rel=0.01)
    assert "Now $s = 1$" in FLAT
    check(grab(rf"the saturated fraction is \${NUM}\$ and the average slope is"), phi_tail(z_sig))
    check(grab(rf"and the average slope is \${NUM}\$\. The badly"), mean_slope("sigmoid", 1))
    ratio = mean_slope("sigmoid", 1) / mean_slope("sigmoid", 16)
    check(grab(rf"passes back on average \${NUM}\$ times less gradient"), ratio)


def test_worked_example_in_the_engine() -> None:
    """A real 256-wide sigmoid layer with N(0, 1) weights saturates as the lesson computes."""
    big = simulate(SimConfig(depth=1, width=256, batch=256, activation="sigmoid", init="normal",
                             init_std=1.0, seed=0))  # fmt: skip
    layer = big.layers[0]
    assert layer.preactivation_std == pytest.approx(16, rel=0.05)
    assert layer.saturation == pytest.approx(0.820, abs=0.02)
    xavier = simulate(SimConfig(depth=1, width=256, batch=256, activation="sigmoid",
                                init="xavier_normal", seed=0))  # fmt: skip
    assert xavier.layers[0].preactivation_std == pytest.approx(1, rel=0.05)
    assert xavier.layers[0].saturation < 0.002


def test_variance_formula_in_the_engine() -> None:
    assert (
        "\\operatorname{Var}(z) = n\\operatorname{Var}(W)\\, \\mathbb{E}[h^2] + \\sigma_b^2 = "
        "\\sigma_w^2\\, \\mathbb{E}[h^2] + \\sigma_b^2" in FLAT
    )
    cfg = SimConfig(depth=1, width=128, batch=256, activation="tanh", init="normal",
                    init_std=0.2, bias_init="normal", bias_std=0.5, seed=3)  # fmt: skip
    measured = simulate(cfg).layers[0].preactivation_std
    assert measured == pytest.approx(math.sqrt(128 * 0.2**2 + 0.5**2), rel=0.05)


def test_sigmoid_mean_is_one_half() -> None:
    assert "sigmoid outputs have mean near $1/2$" in FLAT
    res = simulate(SimConfig(depth=3, width=128, batch=64, activation="sigmoid",
                             init="xavier_normal", seed=1))  # fmt: skip
    for layer in res.layers:
        assert layer.activation_mean == pytest.approx(0.5, abs=0.03)


def test_output_layer_example() -> None:
    z_text, y_text = grab(rf"Take \$z = {NUM}\$ and target \$y = {NUM}\$")
    z, y = float(z_text), float(y_text)
    yhat = sigmoid(z)
    check(grab(rf"\$\\hat y = {NUM}\$ and the gradient is"), yhat)
    mse = (yhat - y) * d_sigmoid(z)
    check(grab(rf"and the gradient is \${NUM}\$, almost nothing"), mse)
    check(grab(rf"\\partial \\ell / \\partial z = \\hat y - y = {NUM}\$"), yhat - y)
    (times,) = grab(r"about (\d+) times larger\. This is one reason")
    assert round((yhat - y) / mse, -2) == int(times)


def test_slope_ratio_of_a_sigmoid_layer_at_xavier_scale() -> None:
    (stated,) = grab(rf"about \${NUM}\$ for a sigmoid layer at Xavier scale")
    q_star = theory.q_fixed_point("sigmoid", 1.0, 0.0)
    check(stated, math.sqrt(theory.chi("sigmoid", q_star, 1.0)))
    # and the engine: one example, the ratio ||dL/dz|| / ||dL/dh|| of a middle layer
    res = simulate(SimConfig(depth=4, width=256, batch=1, activation="sigmoid",
                             init="xavier_normal", seed=2))  # fmt: skip
    layer = res.layers[2]
    assert layer.bias_grad_norm / layer.output_grad_norm == pytest.approx(float(stated), abs=0.02)


def test_large_tanh_weights_give_growing_gradients() -> None:
    assert "tanh with large weights this product can exceed 1" in FLAT
    sigma_w2 = 9.0
    q_star = theory.q_fixed_point("tanh", sigma_w2, 0.0)
    assert theory.chi("tanh", q_star, sigma_w2) > 1
    slopes = theory.gaussian_expectation(lambda z: derivative("tanh", z), q_star)
    assert slopes < 0.5  # most units are deep in the flat tails, yet chi > 1


def test_figure_captions_match_their_networks() -> None:
    large = TEXT.split("id: saturation-large", 1)[1].split("```", 1)[0]
    assert "6-layer sigmoid network of width 256 whose weights are drawn from N(0, 1)" in large
    assert (
        "{depth: 6, width: 256, batch: 256, activation: sigmoid, init: normal, init_std: 1.0}"
        in large
    )
    xavier = TEXT.split("id: saturation-xavier", 1)[1].split("```", 1)[0]
    assert "standard deviation about 1/16" in xavier
    assert theory.init_std("xavier_normal", 256, 256, 1.0, "fan_in") == pytest.approx(1 / 16)


def test_sigma_w_squared_is_the_variance_times_the_fan_in() -> None:
    """One meaning throughout the course: sigma_w^2 = n Var(W), as the theory module uses it."""
    assert "$\\sigma_w^2 = n\\operatorname{Var}(W)$, the weight variance times the fan-in" in FLAT
    xavier, he = grab(
        rf"Xavier initialisation of\s+a square layer has \$\\sigma_w\^2 = {NUM}\$, He "
        rf"initialisation \$\\sigma_w\^2 = {NUM}\$"
    )
    n = 256
    assert n * theory.init_std("xavier_normal", n, n, 1.0, "fan_in") ** 2 == pytest.approx(
        float(xavier)
    )
    he_gain = theory.gain("relu")
    assert n * theory.init_std("kaiming_normal", n, n, he_gain, "fan_in") ** 2 == pytest.approx(
        float(he)
    )
    assert "n \\sigma_w^2" not in TEXT and "n\\,\\sigma_w^2" not in TEXT


def test_ordering_question_order_follows_the_scale_over_threshold() -> None:
    """sat-order-saturation: the measured order is the order of std / threshold, the reasoning
    the hint and the explanation teach, in every one of the question's variants."""
    from quizsvc.content import load_catalog
    from quizsvc.quiz.generate import build
    from tests.support.database import CONTENT_DIR

    template = load_catalog(CONTENT_DIR).template("sat-order-saturation")
    orders = set()
    for seed in range(40):
        env = build(template, seed).env
        ratios = [env["sa"] / 3.637, env["sb"] / 1.818, env["sc"] / 3.637]
        measured = [env[n].fields["saturation"][1] for n in ("a", "b", "c")]
        by_ratio = sorted(range(3), key=lambda i: ratios[i])
        assert by_ratio == sorted(range(3), key=lambda i: measured[i]), seed
        orders.add(tuple(by_ratio))
    assert len(orders) >= 4, "the order must vary between variants"
