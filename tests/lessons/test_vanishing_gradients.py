"""Every number the lesson "Vanishing gradients" states, recomputed.

Each test finds the number in content/03-vanishing-gradients.md (so editing a digit there fails
the suite) and recomputes it with the theory module (quizsvc.sim.theory), the engine
(quizsvc.sim.simulate) or, for the scalar chain of the worked example, plain float64 math.
"""

from __future__ import annotations

import math

import pytest

from quizsvc.sim import SimConfig, simulate, theory
from tests.lessons.recompute import peak_slope
from tests.lessons.stated import NUM, LessonText, agrees

LESSON = LessonText("03-vanishing-gradients.md")
TEXT = LESSON.text
FLAT = LESSON.flat
grab = LESSON.grab


LIST = r"\$((?:-?\d+(?:\.\d+)?, )+-?\d+(?:\.\d+)?)\$"


def agrees_sig(stated: str, value: float) -> bool:
    """``stated`` is ``value`` rounded to the significant figures it shows."""
    digits = len(stated.replace(".", "").lstrip("0"))
    return float(stated) == float(f"{value:.{digits}g}")


def check(stated: str, value: float) -> None:
    assert agrees(stated, value), f"the lesson states {stated}, the computation gives {value:.6g}"


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def chain(w: float, units: int = 5) -> tuple[list[float], list[float]]:
    """Pre-activations z_2..z_units and factors w * sigma'(z_k) of the scalar sigmoid chain."""
    h = sigmoid(0.0)
    zs, factors = [], []
    for _ in range(2, units + 1):
        z = w * h
        h = sigmoid(z)
        zs.append(z)
        factors.append(w * h * (1 - h))
    return zs, factors


def xavier(activation: str, depth: int = 20, gain: float | None = None) -> SimConfig:
    return SimConfig(depth=depth, width=128, batch=128, activation=activation,
                     init="xavier_normal", gain=gain)  # fmt: skip


def test_sigmoid_bound_needs_spectral_norm_four() -> None:
    assert "$\\max \\phi' \\le 1/4$" in FLAT
    (norm,) = grab(r"spectral norm of at least \$(\d+)\$")
    needed = 1 / peak_slope("sigmoid")  # the spectral norm that makes the bound 1
    assert int(norm) == round(needed) and abs(needed - int(norm)) < 1e-6


def test_sigmoid_mean_field_numbers() -> None:
    q_star = theory.q_fixed_point("sigmoid", 1.0, 0.0)
    check(grab(rf"settles near \$q = {NUM}\$")[0], q_star)
    d2 = theory.chi("sigmoid", q_star, 1.0)
    check(grab(rf"\\mathbb{{E}}\[\\sigma'\(z\)\^2\] \\approx {NUM}\$ and the gradient")[0], d2)
    check(grab(rf"multiplied by \$\\sqrt{{\\chi}} = {NUM}\$ per layer")[0], math.sqrt(d2))
    layers, depth = grab(r"Across (\d+) layers, from the top of a (\d+)-layer network")
    assert int(layers) == int(depth) - 1
    mantissa, exponent = grab(rf"a factor of about \${NUM} \\times 10\^{{(-\d+)}}\$")
    profile = theory.mean_field_profile(xavier("sigmoid", int(depth)))
    predicted = profile.output_grad[0]
    assert agrees_sig(mantissa, predicted / 10.0 ** int(exponent))
    assert math.sqrt(d2) ** int(layers) == pytest.approx(predicted, rel=0.05)


def test_sigmoid_profile_in_the_engine() -> None:
    """A real 20-layer sigmoid network loses the 12 decades the theory predicts."""
    assert "instead of losing twelve orders of magnitude" in FLAT
    res = simulate(xavier("sigmoid"))
    ratio = res.layers[0].output_grad_norm / res.layers[-1].output_grad_norm
    assert -math.log10(ratio) == pytest.approx(11.9, abs=0.3)


def test_larger_sigmoid_weights() -> None:
    (sigma_w,) = grab(r"with \$\\sigma_w = (\d+)\$ the per-layer factor")
    sigma_w2 = float(sigma_w) ** 2
    q_star = theory.q_fixed_point("sigmoid", sigma_w2, 0.0)
    check(grab(rf"factor is still only \${NUM}\$, because")[0],
          math.sqrt(theory.chi("sigmoid", q_star, sigma_w2)))  # fmt: skip


def test_sigmoid_second_moment_at_least_a_quarter() -> None:
    assert "$\\mathbb{E}[h^2] \\ge 1/4$" in FLAT
    for q in (0.01, 0.265, 1.0, 16.0):
        second = theory.gaussian_expectation(lambda z: z.sigmoid().square(), q)
        assert second >= 0.25


def test_tanh_xavier_keeps_most_of_its_signal() -> None:
    assert "$\\tanh'(0) = 1$" in FLAT
    stated, layers = grab(rf"it keeps about \${NUM}\$ of its size after (\d+) layers")
    cfg = xavier("tanh", int(layers) + 1)
    check(stated, theory.mean_field_profile(cfg).output_grad[0])
    res = simulate(cfg)
    measured = res.layers[0].output_grad_norm / res.layers[-1].output_grad_norm
    assert measured == pytest.approx(float(stated), rel=0.25)


def test_tanh_half_weights() -> None:
    (sigma_w,) = grab(r"Weights half as large \(\$\\sigma_w = ([\d.]+)\$\)")
    (factor,) = grab(rf"give a per-layer factor approaching \${NUM}\$")
    cfg = xavier("tanh", 20, gain=float(sigma_w))
    profile = theory.mean_field_profile(cfg)
    check(factor, math.sqrt(profile.chi[-1]))
    assert "loses almost six orders of magnitude over the same depth" in FLAT
    decades = -math.log10(profile.output_grad[0])
    assert 5.5 < decades < 6
    res = simulate(cfg)
    out = [layer.output_grad_norm for layer in res.layers]
    weights = [layer.weight_grad_norm for layer in res.layers]
    assert 5.5 < -math.log10(out[0] / out[-1]) < 6.2
    # ... while the weight gradients look flat (the figure "weight-gradients" says so)
    assert 0.5 < weights[0] / weights[-1] < 2


def test_scalar_chain_with_unit_weights() -> None:
    assert "$h_1 = \\sigma(0) = 0.5$" in FLAT
    zs, factors = chain(1.0)
    stated_z = grab(r"With \$w = 1\$ the pre-activations are " + LIST)[0].split(", ")
    for s, z in zip(stated_z, zs, strict=True):
        check(s, z)
    stated_f = grab(r"\$w\\,\\sigma'\(z_k\)\$ are " + LIST)[0].split(", ")
    for s, f in zip(stated_f, factors, strict=True):
        check(s, f)
    product = math.prod(factors)
    check(grab(rf"their product is \${NUM}\$\. Four layers")[0], product)
    assert "Four layers have cost more than two orders of magnitude" in FLAT
    assert product < 1e-2


def test_scalar_chain_with_weight_four() -> None:
    (w,) = grab(r"Try to compensate with \$w = (\d+)\$")
    zs, factors = chain(float(w))
    stated_z = grab(r"The pre-activations become " + LIST)[0].split(", ")
    for s, z in zip(stated_z, zs, strict=True):
        check(s, z)
    stated_f = grab(r"the slopes collapse, and the factors are " + LIST)[0].split(", ")
    for s, f in zip(stated_f, factors, strict=True):
        check(s, f)
    product = math.prod(factors)
    (stated,) = grab(rf"the product is \${NUM}\$, almost ten times")
    assert agrees_sig(stated, product)
    assert 9 < math.prod(chain(1.0)[1]) / product < 10
    # "gained a factor of 4^4 = 256, but the product of the four slopes fell by about 2500"
    gained, slope_loss = grab(r"gained a factor of \$4\^4 = (\d+)\$, but the product of the four "
                              r"slopes fell by a factor of about (\d+),")  # fmt: skip
    assert float(w) ** 4 == int(gained)
    slopes_1 = math.prod(chain(1.0)[1])
    slopes_w = product / float(w) ** 4
    assert round(slopes_1 / slopes_w, -2) == int(slope_loss)


def test_figures_match_their_captions() -> None:
    profile = TEXT.split("id: vanishing-profile", 1)[1].split("```", 1)[0]
    assert "four 20-layer networks of width 128" in profile
    assert profile.count("depth: 20, width: 128") == 4
    weights = TEXT.split("id: weight-gradients", 1)[1].split("```", 1)[0]
    assert "fell by almost six orders of magnitude" in weights
    assert weights.count("gain: 0.5") == 1
