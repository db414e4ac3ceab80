"""Every number the lesson "Exploding gradients" states, recomputed.

Each test finds the number in content/04-exploding-gradients.md (so editing a digit there fails
the suite) and recomputes it with the engine (quizsvc.sim), its theory module, or torch.
"""

from __future__ import annotations

import math
import re
import statistics

import torch

from quizsvc.sim import SimConfig, simulate, theory
from tests.lessons.recompute import peak_slope, variant_excess
from tests.lessons.stated import NUM_COMMAS, LessonText, agrees, check

LESSON = LessonText("04-exploding-gradients.md", number=NUM_COMMAS)
TEXT = LESSON.text
FLAT = LESSON.flat
grab = LESSON.grab
find = LESSON.find
NUM = NUM_COMMAS


def agrees_sci(mantissa: str, exponent: str, value: float) -> bool:
    """``mantissa x 10^exponent`` is ``value`` rounded to the mantissa's decimals."""
    return agrees(mantissa, value / 10.0 ** int(exponent))


def chain_growth(factor: float, steps: int) -> float:
    """Growth of the gradient over ``steps`` matrices of a linear chain with singular values
    ``factor`` (an orthogonal init scaled by ``factor``), measured by the engine in float64."""
    cfg = SimConfig(
        depth=steps + 1,
        width=8,
        batch=4,
        activation="linear",
        init="orthogonal",
        gain=factor,
        bias=False,
        dtype="float64",
    )
    grads = simulate(cfg).metric("output_grad_norm")
    return grads[0] / grads[-1]


def test_twenty_percent_per_layer_over_49_layers() -> None:
    pct, total, layers = grab(
        rf"grows by {NUM} % per layer is about {NUM} times larger after {NUM} layers"
    )
    assert (pct, layers) == ("20", "49")
    check((total,), [chain_growth(1.2, 49)])


def test_worked_example_tanh_weight_scale_2() -> None:
    sigma_w2 = 4.0
    q_star = theory.q_fixed_point("tanh", sigma_w2, 0.0)
    d2 = theory.chi("tanh", q_star, 1.0)  # E[phi'(z)^2] at the fixed point
    chi = theory.chi("tanh", q_star, sigma_w2)
    check(grab(rf"which is \$q\^\* \\approx {NUM}\$"), [q_star])
    check(grab(rf"standard deviation of about {NUM} and many units"), [math.sqrt(q_star)])
    check(grab(rf"\\mathbb{{E}}\[\\phi'\(z\)\^2\] \\approx {NUM}\$"), [d2])
    four, d2_again, chi_s, root = grab(
        rf"\\chi = {NUM} \\times {NUM} \\approx {NUM}, \\qquad \\sqrt{{\\chi}} \\approx {NUM}"
    )
    assert four == "4"
    check((d2_again, chi_s, root), [d2, chi, math.sqrt(chi)])
    check(grab(rf"\\chi\^{{29/2}} \\approx {NUM}\$"), [chi ** (29 / 2)])


def test_worked_example_matches_a_wide_network() -> None:
    """The engine's measured per-layer factor of dL/dh in the bulk of a wide network."""
    cfg = SimConfig(
        depth=16,
        width=512,
        batch=64,
        activation="tanh",
        init="xavier_normal",
        gain=2.0,
        bias=False,
    )
    grads = simulate(cfg).metric("output_grad_norm")
    per_layer = (grads[3] / grads[13]) ** (1 / 10)
    (root,) = grab(rf"\\sqrt{{\\chi}} \\approx {NUM} \\text{{ per layer}}")
    assert abs(per_layer - float(root)) < 0.03


def test_float_limits() -> None:
    mantissa, exponent = grab(rf"about \${NUM} \\times 10\^{{{NUM}}}\$ in float32 and")
    assert agrees_sci(mantissa, exponent, torch.finfo(torch.float32).max)
    (half,) = grab(rf"and {NUM} in float16")
    check((half,), [torch.finfo(torch.float16).max])
    (again,) = grab(rf"largest finite value is {NUM}, normal numbers stop")
    check((again,), [torch.finfo(torch.float16).max])
    (double,) = grab(rf"to about \$10\^{{{NUM}}}\$, but an exponential")
    assert int(double) == math.floor(math.log10(torch.finfo(torch.float64).max))
    (single,) = grab(rf"overflow threshold from about \$10\^{{{NUM}}}\$")
    assert int(single) == math.floor(math.log10(torch.finfo(torch.float32).max))


def test_nan_rules() -> None:
    inf = torch.tensor(math.inf)
    assert torch.isnan(inf - inf) and torch.isnan(0 * inf) and torch.isnan(inf / inf)
    nan = torch.tensor(math.nan)
    assert not bool(nan > 1e6) and not bool(nan == nan)
    assert "$\\infty - \\infty$, $0 \\times \\infty$ and $\\infty / \\infty$ are all `nan`" in FLAT


def test_recurrent_factor_per_step() -> None:
    factor, hundred, steps = grab(
        rf"A factor of {NUM} per step gives about {NUM} after {NUM} steps"
    )
    assert factor == "1.1" and steps == "100"
    check((hundred,), [chain_growth(1.1, 100)])
    mantissa, exponent, long_steps = grab(
        rf"and about \${NUM} \\times 10\^{{{NUM}}}\$ after {NUM} steps, beyond float32's range"
    )
    assert long_steps == "1,000"
    value = 1.1**1000
    assert agrees_sci(mantissa, exponent, value)
    assert value > torch.finfo(torch.float32).max
    assert torch.isinf(torch.tensor(1.1, dtype=torch.float32) ** 1000)


def test_derivative_bounds_in_pascanu_condition() -> None:
    tanh, sigmoid = grab(rf"\(\$\\gamma = {NUM}\$ for tanh, \$1/{NUM}\$ for the sigmoid\)")
    check((tanh, sigmoid), [peak_slope("tanh"), 1 / peak_slope("sigmoid")])


def _tanh_ratio(gain: float, seed: int) -> float:
    cfg = SimConfig(
        depth=30,
        width=128,
        batch=128,
        activation="tanh",
        init="xavier_normal",
        gain=gain,
        bias=False,
        seed=seed,
    )
    norms = simulate(cfg).metric("output_grad_norm")
    return norms[0] / norms[-1]


def test_phase_figure_caption() -> None:
    """Weight scale 1 changes by a small factor, weight scale 2 grows towards the input."""
    assert "gain: 1.0, bias: false" in FLAT and "gain: 2.0, bias: false" in FLAT
    assert "by a small factor over all 30 layers" in FLAT
    small_factor = 5  # "a small factor": within 5x either way; scale 2 grows by over 50x
    for seed in (0, 1):
        assert abs(math.log(_tanh_ratio(1.0, seed))) < math.log(small_factor)
        assert _tanh_ratio(2.0, seed) > 50


def test_training_figure_caption() -> None:
    """The live training trace climbs by many orders of magnitude and ends non-finite."""
    block = re.search(r"id: eg-training-blowup.*?run: \{(.*?)\}", TEXT, re.S)
    assert block is not None
    fields = dict(part.split(": ") for part in block.group(1).split(", "))
    cfg = SimConfig(
        depth=int(fields["depth"]),
        width=int(fields["width"]),
        batch=int(fields["batch"]),
        activation=fields["activation"],
        init=fields["init"],
        gain=float(fields["gain"]),
        optimizer=fields["optimizer"],
        lr=float(fields["lr"]),
        momentum=float(fields["momentum"]),
        steps=int(fields["steps"]),
    )
    for seed in (0, 1):
        result = simulate(cfg.replace(seed=seed))
        assert result.diverged_at is not None
        finite = [s.total_grad_norm for s in result.steps if math.isfinite(s.total_grad_norm)]
        assert max(finite) / finite[0] > 1e6


def test_homogeneous_weight_gradients_stay_roughly_flat() -> None:
    """ReLU 1.5 times He: output gradients explode, weight gradients change by a small factor."""
    assert "of weight-gradient norms stays roughly flat while every entry is enormous" in FLAT
    cfg = SimConfig(
        depth=20,
        width=64,
        batch=64,
        activation="relu",
        init="kaiming_normal",
        gain=1.5 * math.sqrt(2),
        bias=False,
    )
    result = simulate(cfg)
    out = result.metric("output_grad_norm")
    weight = result.metric("weight_grad_norm")
    assert out[0] / out[-1] > 1000
    assert 0.1 < weight[0] / weight[-1] < 10


# --- half precision: float16, bfloat16 and mixed precision ----------------------------------


def test_float16_limits_and_spacing() -> None:
    half = torch.finfo(torch.float16)
    assert "float16 has 5 exponent bits" in FLAT and half.bits == 16
    exponent, mantissa, approx = grab(
        rf"normal numbers stop at \$2\^{{{NUM}}} \\approx {NUM} \\times 10\^{{{NUM}}}\$"
    )
    assert 2.0 ** int(exponent) == half.smallest_normal
    assert agrees_sci(mantissa, approx, half.smallest_normal)
    exponent, mantissa, approx = grab(
        rf"subnormal ones at \$2\^{{{NUM}}} \\approx {NUM} \\times 10\^{{{NUM}}}\$"
    )
    tiniest = 2.0 ** int(exponent)
    assert agrees_sci(mantissa, approx, tiniest)
    assert float(torch.tensor(tiniest).half()) == tiniest  # the smallest subnormal exists...
    assert float(torch.tensor(tiniest / 2.1).half()) == 0.0  # ...and below it values become 0
    bits, exponent, spacing = grab(rf"With {NUM} mantissa bits, the numbers just above 1 are also "
                                   rf"\$2\^{{{NUM}}} \\approx {NUM}\$ apart")  # fmt: skip
    assert half.eps == 2.0 ** int(exponent) == 2.0 ** -int(bits)
    check((spacing,), [half.eps])
    small, result = grab(rf"\$1 \+ {NUM}\$ is {NUM} in float16")
    one = torch.tensor(1.0, dtype=torch.float16)
    assert float(one + torch.tensor(float(small), dtype=torch.float16)) == float(result)
    assert float(small) < half.eps / 2


def test_grad_scaler_backs_off_and_grows() -> None:
    assert "skips the step and\nhalves the scale".replace("\n", " ") in FLAT
    (interval,) = grab(rf"doubles it again after {NUM} steps")
    scaler = torch.amp.GradScaler("cpu")
    assert scaler.get_backoff_factor() == 0.5 and scaler.get_growth_factor() == 2.0
    assert scaler.get_growth_interval() == int(interval.replace(",", ""))


def test_bfloat16_range_and_spacing() -> None:
    bf16, fp32 = torch.finfo(torch.bfloat16), torch.finfo(torch.float32)
    (exponent_bits,) = grab(rf"it keeps float32's {NUM} exponent bits")
    assert int(exponent_bits) == 8 and bf16.bits == 16
    mantissa, exponent = grab(rf"largest value\s+about \${NUM} \\times 10\^{{{NUM}}}\$, smallest")
    assert agrees_sci(mantissa, exponent, bf16.max)
    (normal,) = grab(rf"smallest normal \$2\^{{{NUM}}}\$\) and has only")
    assert bf16.smallest_normal == fp32.smallest_normal == 2.0 ** int(normal)
    bits, exponent, spacing = grab(
        rf"has only {NUM} mantissa bits, a spacing of\s+\$2\^{{{NUM}}} \\approx {NUM}\$ above 1"
    )
    assert bf16.eps == 2.0 ** int(exponent) == 2.0 ** -int(bits)
    check((spacing,), [bf16.eps])
    # "Its gradients underflow and overflow no sooner than float32's": the same exponent range.
    tiny = fp32.smallest_normal * 4
    assert float(torch.tensor(tiny).bfloat16()) > 0
    assert float(torch.tensor(tiny).half()) == 0


def test_clipping_under_adam_protects_the_moments() -> None:
    (steps,) = grab(rf"on the order of\s+\$1/\(1 - \\beta_2\) = {NUM}\$ steps")
    beta2 = torch.optim.Adam([torch.zeros(1, requires_grad=True)]).defaults["betas"][1]
    assert round(1 / (1 - beta2)) == int(steps)


def test_forget_gate_near_one() -> None:
    assert "when the forget gate is near 1" in FLAT and "forget gate is open" not in FLAT


def test_relu_scaled_growth_beyond_mean_field() -> None:
    """eg-relu-scaled: finite width makes the measured growth "typically 1.4 to 2.4 times" the
    mean-field g^(L-1) (the quartiles), "in some networks 3 or more" (the question's variants)."""
    low, high, some = grab(
        rf"at width 64 typically\s+by a factor of {NUM} to {NUM} and in some networks by {NUM} "
        r"or more"
    )
    ratios = variant_excess("eg-relu-scaled", lambda env: env["g"] ** (env["depth"] - 1))
    first, _, third = statistics.quantiles(ratios, n=4)
    assert abs(first - float(low)) <= 0.1 and abs(third - float(high)) <= 0.1
    assert max(ratios) >= float(some)
