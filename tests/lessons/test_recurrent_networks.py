"""Every number the lesson "Recurrent networks and gating" states, recomputed.

Each test finds the number in content/11-recurrent-networks.md (so editing a digit there fails
the suite) and recomputes it with the engine (quizsvc.sim, torch's recurrent cells), its theory
module, torch's modules, or plain float64 arithmetic. The last test covers the recurrent figure
and link that lesson 4 ("Exploding gradients") gained.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from quizsvc.sim import SimConfig, simulate, theory
from tests.lessons.recompute import peak_slope
from tests.lessons.stated import NUM_COMMAS, LessonText, agrees, check

LESSON = LessonText("11-recurrent-networks.md", number=NUM_COMMAS)
FLAT = LESSON.flat
find = LESSON.find
INPUT_DRIVE = 1 / 3  # unit inputs through U(+-1/sqrt(H)) input weights: H * 1/(3H)


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def agrees_sci(mantissa: str, exponent: str, value: float) -> bool:
    """``mantissa x 10^exponent`` is ``value`` rounded to the mantissa's decimals."""
    return agrees(mantissa, value / 10.0 ** int(exponent))


def share(cfg: SimConfig) -> float:
    """||dL/dh_1|| / ||dL/dh_T|| measured by the engine."""
    norms = simulate(cfg).time_metric("hidden_grad_norm")
    return norms[0] / norms[-1]


def fixed_point_factor(gain: float) -> float:
    """sqrt(chi) at the variance fixed point of a tanh rnn with the lesson's input drive."""
    q_star = theory.q_fixed_point("tanh", gain**2, INPUT_DRIVE)
    return math.sqrt(theory.chi("tanh", q_star, gain**2))


def test_linear_rnn_over_50_steps() -> None:
    """A linear rnn with W = gQ changes the gradient by exactly g per step (engine, float64)."""
    base_1, steps_1, small_value, g_1, base_2, steps_2, big_value, g_2 = find(
        "shrinks to $@^{@} \\approx @$ of its size when $g = @$ and grows by "
        "$@^{@} \\approx @$ when $g = @$"
    )
    assert (base_1, g_1, base_2, g_2) == ("0.9", "0.9", "1.1", "1.1")
    assert steps_1 == steps_2 == "50" and "a gradient that travels 50 steps back" in FLAT
    for gain, stated in ((0.9, small_value), (1.1, big_value)):
        cfg = SimConfig(
            arch="rnn", activation="linear", seq_len=51, hidden=16, batch=4,
            recurrent_gain=gain, dtype="float64",
        )  # fmt: skip
        measured = share(cfg)
        assert measured == pytest.approx(gain**50, rel=1e-10)
        check((stated,), [measured])


def test_linear_figure_caption_lines_are_g_to_the_steps_back() -> None:
    figure = LESSON.figure("rn-linear-gains")
    assert figure["theory"] is True and figure["options"] == {"relative": True}
    assert "each line is straight on the log axis, and the dashed lines are $g^{T-t}$" in FLAT
    for label, settings in figure["sims"].items():
        cfg = SimConfig.from_dict(settings)
        assert label == f"gain {cfg.recurrent_gain:.1f}" and cfg.seq_len == 50
        norms = np.array(simulate(cfg).time_metric("hidden_grad_norm"))
        expected = cfg.recurrent_gain ** (50 - np.arange(1, 51))
        np.testing.assert_allclose(norms / norms[-1], expected, rtol=1e-4)


def test_pascanu_slope_bounds_and_the_singular_values_of_a_gaussian_matrix() -> None:
    tanh, sigmoid_bound = find("(@ for tanh, @/4 for the sigmoid)")
    assert float(tanh) == pytest.approx(peak_slope("tanh"))
    assert float(sigmoid_bound) / 4 == pytest.approx(peak_slope("sigmoid"))
    assert (
        "eigenvalues fill a disc of radius about $G$, but its largest singular value is about $2G$"
        in FLAT
    )
    from quizsvc.sim.network import generators
    from quizsvc.sim.recurrent import build_recurrent

    gain = 1.3
    cfg = SimConfig(
        arch="rnn", hidden=256, seq_len=2, batch=2, recurrent_init="normal",
        recurrent_gain=gain, dtype="float64",
    )  # fmt: skip
    w = build_recurrent(cfg, generators(0)[0]).weight_hh.detach()
    assert float(torch.linalg.eigvals(w).abs().max()) == pytest.approx(gain, rel=0.1)
    assert float(torch.linalg.svdvals(w)[0]) == pytest.approx(2 * gain, rel=0.05)


def test_worked_example_tanh_rnn_with_gain_one() -> None:
    (drive,) = find("variance $v = H \\cdot \\tfrac{1}{3H} = @/3$")
    assert drive == "1"
    cfg = SimConfig(arch="rnn", hidden=128, seq_len=50, batch=32)
    assert theory.recurrent_input_variance(cfg) == pytest.approx(INPUT_DRIVE)
    q_star = theory.q_fixed_point("tanh", 1.0, INPUT_DRIVE)
    slope2 = theory.chi("tanh", q_star, 1.0)
    check(find("settles at $q^* \\approx @$"), [q_star])
    check(find("where $\\mathbb{E}[\\tanh'(z)^2] \\approx @$, and"), [slope2])
    factor, base, mantissa, exponent = find(
        "\\approx @ \\text{ per step}, \\qquad @^{49} \\approx @ \\times 10^{@}"
    )
    check((factor,), [math.sqrt(slope2)])
    assert base == factor
    assert agrees_sci(mantissa, exponent, math.sqrt(slope2) ** 49)
    assert "a third of a millionth of the gradient" in FLAT
    assert math.sqrt(slope2) ** 49 == pytest.approx(1 / 3e6, rel=0.1)


def test_worked_example_matches_the_network_to_about_one_percent_per_step() -> None:
    (percent,) = find("to within about @ % per step")
    for seed in (0, 1):
        cfg = SimConfig(arch="rnn", hidden=128, seq_len=50, batch=32, seed=seed)
        measured = share(cfg) ** (1 / 49)
        predicted = theory.recurrent_profile(cfg).hidden_grad[0] ** (1 / 49)
        assert abs(measured / predicted - 1) < float(percent) / 100


def test_other_gains_and_the_edge() -> None:
    (small,) = find("with $G = 0.5$ the factor is about @ per step, below $G$ itself")
    check((small,), [fixed_point_factor(0.5)])
    assert fixed_point_factor(0.5) < 0.5
    (slow,) = find("with $G = 1.5$ the factor is about @, still a slow decay")
    check((slow,), [fixed_point_factor(1.5)])
    assert fixed_point_factor(1.5) < 1
    (edge,) = find("the boundary $\\chi = 1$ lies at $G \\approx @$")
    check((edge,), [math.sqrt(theory.edge_of_chaos("tanh", INPUT_DRIVE))])
    growth, mantissa, exponent = find(
        "multiplies it by about @, some $@ \\times 10^{@}$ over 49 steps"
    )
    check((growth,), [fixed_point_factor(2.5)])
    assert agrees_sci(mantissa, exponent, fixed_point_factor(2.5) ** 49)


def test_tanh_figure_caption_decays_below_the_edge_and_grows_above() -> None:
    figure = LESSON.figure("rn-tanh-gains")
    (edge,) = find("Below a gain of about @ the gradient decays geometrically")
    assert float(edge) == pytest.approx(
        math.sqrt(theory.edge_of_chaos("tanh", INPUT_DRIVE)), abs=0.05
    )
    for settings in figure["sims"].values():
        cfg = SimConfig.from_dict(settings)
        measured = share(cfg)
        assert (measured < 1) == (cfg.recurrent_gain < float(edge))


def test_clipping_figure_caption() -> None:
    figure = LESSON.figure("rn-clipping")
    cfg = SimConfig.from_dict(figure["sims"]["run"])
    assert (cfg.hidden, cfg.seq_len, cfg.recurrent_gain, cfg.lr, cfg.clip_norm) == (
        32, 30, 2.5, 0.01, 1.0,
    )  # fmt: skip
    assert "The norm before clipping stays far above the threshold; every update has norm 1" in FLAT
    assert cfg.recurrent_gain > math.sqrt(theory.edge_of_chaos("tanh", INPUT_DRIVE))
    for seed in (0, 1):
        result = simulate(cfg.replace(seed=seed))
        assert min(s.total_grad_norm for s in result.steps) > 10 * cfg.clip_norm
        assert all(s.clipped_grad_norm == pytest.approx(1.0, rel=1e-4) for s in result.steps)


def test_forget_gate_products() -> None:
    (half,) = find("sits near $\\sigma(0) = @$, and the cell path")
    assert float(half) == sigmoid(0)
    mantissa, exponent = find("would keep $0.5^{49} \\approx @ \\times 10^{-@}$ of the gradient")
    assert agrees_sci(mantissa, "-" + exponent, sigmoid(0) ** 49)
    (open_one,) = find("opens it to $\\sigma(1) \\approx @$")
    check((open_one,), [sigmoid(1)])
    mantissa, exponent = find("$\\sigma(1)^{49} \\approx @ \\times 10^{-@}$")
    assert agrees_sci(mantissa, "-" + exponent, sigmoid(1) ** 49)
    (three,) = find("$\\sigma(3)^{49} \\approx @$")
    check((three,), [sigmoid(3) ** 49])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_keeps_three_orders_of_magnitude_more_and_bias_zero_less(seed: int) -> None:
    """The networks of the lesson's figure: 64 units, 50 steps."""
    figure = LESSON.figure("rn-lstm-forget")
    configs = {k: SimConfig.from_dict({**v, "seed": seed}) for k, v in figure["sims"].items()}
    shares = {k: share(cfg) for k, cfg in configs.items()}
    assert "keeps about three orders of magnitude more of the gradient" in FLAT
    assert 2.5 < math.log10(shares["LSTM, forget bias 1"] / shares["RNN, tanh"]) < 3.5
    assert "while one with bias 0 keeps less than the RNN" in FLAT
    assert shares["LSTM, forget bias 0"] < shares["RNN, tanh"]
    assert "the GRU losing its gradient at least as fast as the vanilla RNN" in FLAT
    assert shares["GRU"] <= shares["RNN, tanh"]
    update = simulate(configs["GRU"]).time_metric("update_mean")
    assert np.mean(update) == pytest.approx(sigmoid(0), abs=0.02)


def test_gru_has_three_quarters_of_the_lstm_parameters() -> None:
    gru, lstm, n_in, n_hidden = find("@ against @ for @ inputs and @ units")
    assert "three quarters of an LSTM's parameters" in FLAT

    def count(module: nn.Module) -> int:
        return sum(p.numel() for p in module.parameters())

    gru_count = count(nn.GRU(int(n_in), int(n_hidden)))
    lstm_count = count(nn.LSTM(int(n_in), int(n_hidden)))
    check((gru, lstm), [gru_count, lstm_count])
    assert gru_count / lstm_count == pytest.approx(3 / 4)
    (half,) = find("starts near $\\sigma(0) = @/2$")
    assert float(half) / 2 == sigmoid(0)


def test_exploding_gradients_lesson_gains_a_recurrent_figure_and_the_link() -> None:
    """Lesson 4's RNN section: the figure's lines change by exactly the gain per step."""
    exploding = LessonText("04-exploding-gradients.md", number=NUM_COMMAS)
    assert "[Recurrent networks and gating](/lessons/recurrent-networks)" in exploding.flat
    figure = exploding.figure("eg-rnn-through-time")
    assert figure["kind"] == "time_grad_norms" and figure["theory"] is True
    assert "it shrinks or grows by the gain at every step" in exploding.flat
    for settings in figure["sims"].values():
        cfg = SimConfig.from_dict(settings)
        assert cfg.seq_len == 100
        norms = np.array(simulate(cfg).time_metric("hidden_grad_norm"))
        expected = cfg.recurrent_gain ** (100 - np.arange(1, 101))
        np.testing.assert_allclose(norms / norms[-1], expected, rtol=1e-3)
