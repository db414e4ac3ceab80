"""Recurrent networks against theory: each test names the paper whose claim it checks.

The engine's per-time-step gradient norms ||dL/dh_t|| come from torch's cells and autograd;
the predictions come from closed forms or `quizsvc.sim.theory.recurrent_profile`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from quizsvc.sim import SimConfig, simulate, theory
from quizsvc.sim.network import generators, make_task
from quizsvc.sim.recurrent import build_recurrent


def _shares(cfg: SimConfig, metric: str = "hidden_grad_norm") -> np.ndarray:
    """||dL/dh_t|| / ||dL/dh_T|| for t = 1..T."""
    norms = np.array(simulate(cfg).time_metric(metric))
    return norms / norms[-1]


@pytest.mark.parametrize("gain", [0.8, 1.0, 1.25])
@pytest.mark.parametrize("recurrent_init", ["orthogonal", "identity"])
def test_linear_rnn_gradient_scales_as_gain_to_the_steps_back(
    gain: float, recurrent_init: str
) -> None:
    """Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
    networks", section 2.1, linear case: dh_T/dh_t = (W^T)^(T-t); with W = g Q, Q orthogonal,
    every step back multiplies every gradient by exactly g, so ||dL/dh_t|| = g^(T-t) ||dL/dh_T||
    (Saxe et al. 2014 make the same point for deep linear networks)."""
    steps = 40
    cfg = SimConfig(
        arch="rnn",
        activation="linear",
        seq_len=steps,
        hidden=32,
        batch=8,
        recurrent_init=recurrent_init,
        recurrent_gain=gain,
        dtype="float64",
    )
    expected = gain ** (steps - np.arange(1, steps + 1))
    np.testing.assert_allclose(_shares(cfg), expected, rtol=1e-10)
    np.testing.assert_allclose(theory.recurrent_profile(cfg).hidden_grad, expected, rtol=1e-12)


@pytest.mark.parametrize("gain", [0.3, 0.5, 0.7])
def test_tanh_rnn_with_small_gain_vanishes_geometrically(gain: float) -> None:
    """Bengio, Simard & Frasconi (1994), "Learning long-term dependencies with gradient descent
    is difficult", and Pascanu et al. (2013), section 2.2: with |tanh'| <= 1 and the largest
    singular value of W below 1, every step back shrinks the gradient by at least that value,
    so it vanishes geometrically: ||dL/dh_t|| <= g^(T-t) ||dL/dh_T|| (the sufficient
    condition), and the log-norm is a straight line in t. The per-step rate is the mean-field
    one, g sqrt(E[tanh'(z)^2]) (Chen, Pennington & Schoenholz 2018)."""
    steps = 40
    cfg = SimConfig(arch="rnn", seq_len=steps, hidden=128, batch=32, recurrent_gain=gain)
    shares = _shares(cfg)
    back = steps - np.arange(1, steps + 1)
    assert np.all(shares <= gain**back * (1 + 1e-5))
    slope, intercept = np.polyfit(back, np.log(shares), 1)
    residual = np.log(shares) - (slope * back + intercept)
    assert np.max(np.abs(residual)) < 0.25  # a straight line over 15+ decades
    rate = math.exp(slope)
    predicted = theory.recurrent_profile(cfg).hidden_grad[0] ** (1 / (steps - 1))
    assert rate < gain and rate == pytest.approx(predicted, rel=0.02)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_with_forget_bias_one_keeps_far_more_gradient_over_50_steps(seed: int) -> None:
    """Hochreiter & Schmidhuber (1997), "Long short-term memory": the cell's additive update
    c_t = f_t c_(t-1) + i_t g_t gives the gradient a path scaled only by the forget gate; Gers,
    Schmidhuber & Cummins (2000), "Learning to forget", start that gate open (bias 1, as
    Jozefowicz et al. 2015 recommend). Over 50 steps an LSTM of the same size keeps a share of
    ||dL/dh_T|| at t = 1 that is orders of magnitude larger than a vanilla tanh rnn's."""
    common = {"seq_len": 50, "hidden": 64, "batch": 32, "seed": seed}
    lstm = SimConfig(arch="lstm", forget_bias=1.0, **common)
    rnn = SimConfig(arch="rnn", activation="tanh", **common)
    lstm_share, rnn_share = _shares(lstm)[0], _shares(rnn)[0]
    assert lstm_share > 100 * rnn_share
    # The cell state keeps as large a share, and the bias is what opens the gate: with bias 0
    # the forget gate sits near sigmoid(0) = 1/2 and the LSTM keeps less.
    assert _shares(lstm, "cell_grad_norm")[0] > 100 * rnn_share
    closed = lstm.replace(forget_bias=0.0)
    assert np.mean(simulate(closed).time_metric("forget_mean")) == pytest.approx(0.5, abs=0.03)
    assert np.mean(simulate(lstm).time_metric("forget_mean")) > 0.7
    assert _shares(closed)[0] < lstm_share / 10


def test_mean_field_predicts_the_vanilla_rnn_for_orthogonal_and_normal_weights() -> None:
    """Chen, Pennington & Schoenholz (2018), "Dynamical isometry and a mean field theory of
    RNNs": the per-step gradient factor of a wide random rnn is sqrt(G^2 E[phi'(z)^2]) at the
    forward variance q_t, iterated like Poole et al.'s (2016) map with the input as the
    bias."""
    for recurrent_init in ("orthogonal", "normal"):
        for gain in (0.9, 1.2):
            cfg = SimConfig(
                arch="rnn",
                seq_len=30,
                hidden=256,
                batch=32,
                recurrent_init=recurrent_init,
                recurrent_gain=gain,
            )
            measured = _shares(cfg)[0] ** (1 / 29)
            predicted = theory.recurrent_profile(cfg).hidden_grad[0] ** (1 / 29)
            assert measured == pytest.approx(predicted, rel=0.02), (recurrent_init, gain)
    with pytest.raises(theory.TheoryUnavailable, match="identity"):
        theory.recurrent_profile(SimConfig(arch="rnn", recurrent_init="identity"))
    with pytest.raises(theory.TheoryUnavailable, match="lstm"):
        theory.recurrent_profile(SimConfig(arch="lstm"))


@pytest.mark.parametrize(
    ("arch", "norm_type"), [("lstm", 2.0), ("gru", 2.0), ("rnn", 1.0), ("lstm", math.inf)]
)
def test_clipping_bounds_the_total_norm_exactly_as_torch_does(arch: str, norm_type: float) -> None:
    """Pascanu et al. (2013), section 3.2, clip the gradient norm of a recurrent network:
    g <- threshold g / ||g|| when ||g|| > threshold. The engine's totals are those of
    torch.nn.utils.clip_grad_norm_ applied to the same network built from nn.LSTM / nn.GRU /
    nn.RNN and nn.Linear, run as one fused sequence call."""
    cfg = SimConfig(
        arch=arch,
        seq_len=12,
        hidden=16,
        batch=8,
        recurrent_gain=1.3,
        clip_norm=0.05,
        clip_norm_type=norm_type,
        dtype="float64",
    )
    result = simulate(cfg)
    weight_gen, data_gen = generators(cfg.seed)
    net = build_recurrent(cfg, weight_gen)
    task = make_task(cfg, data_gen)
    module = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[arch](
        cfg.in_features, cfg.hidden, dtype=torch.float64
    )
    readout = nn.Linear(cfg.hidden, cfg.classes, dtype=torch.float64)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(module, f"{name}_l0").copy_(getattr(net, name))
        readout.weight.copy_(net.readout_weight)
        readout.bias.copy_(net.readout_bias)
    out, _ = module(task.x)
    nn.functional.mse_loss(readout(out[-1]), task.target).backward()
    params = [*module.parameters(), *readout.parameters()]
    total = nn.utils.clip_grad_norm_(params, cfg.clip_norm, norm_type)
    after = nn.utils.get_total_norm([p.grad for p in params], norm_type)
    assert result.total_grad_norm == pytest.approx(float(total), rel=1e-10)
    assert result.total_grad_norm > cfg.clip_norm
    assert result.clipped_grad_norm == pytest.approx(float(after), rel=1e-10)
    assert result.clipped_grad_norm == pytest.approx(cfg.clip_norm, rel=1e-5)
    assert result.clip_cosine == pytest.approx(1.0, abs=1e-12)
