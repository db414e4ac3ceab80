"""Recurrent networks: torch's cells, checked against a hand-unrolled cell and the fused
``nn.RNN``/``nn.LSTM``/``nn.GRU`` modules; inits, tasks, time-step statistics, validation, JSON.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from torch import Tensor, nn

from quizsvc.sim import (
    MEMORY_BUDGET,
    SimConfig,
    SimResult,
    ValidationError,
    activations,
    estimate_flops,
    estimate_memory,
    fields_for,
    simulate,
    theory,
    time_metric_names,
)
from quizsvc.sim.network import generators, make_task
from quizsvc.sim.recurrent import RecurrentNet, build_recurrent, forward_recurrent

CASES = [
    SimConfig(arch="rnn", activation="tanh", seq_len=7, hidden=12, input_dim=5, batch=6),
    SimConfig(arch="rnn", activation="relu", seq_len=7, hidden=12, input_dim=5, batch=6),
    SimConfig(arch="rnn", activation="linear", seq_len=7, hidden=12, input_dim=5, batch=6),
    SimConfig(arch="lstm", seq_len=7, hidden=12, input_dim=5, batch=6, forget_bias=1.0),
    SimConfig(arch="gru", seq_len=7, hidden=12, input_dim=5, batch=6),
]
IDS = ["rnn-tanh", "rnn-relu", "rnn-linear", "lstm", "gru"]


def _build(cfg: SimConfig) -> tuple[RecurrentNet, Tensor, Tensor]:
    weight_gen, data_gen = generators(cfg.seed)
    task = make_task(cfg, data_gen)
    return build_recurrent(cfg, weight_gen), task.x, task.target


def _randomise_biases(net: RecurrentNet) -> None:
    """Non-zero b_ih and b_hh, so a bias in the wrong place shows (GRU's b_hn above all)."""
    gen = torch.Generator().manual_seed(99)
    with torch.no_grad():
        for b in (net.bias_ih, net.bias_hh):
            assert b is not None
            b.copy_(0.3 * torch.randn(b.shape, generator=gen, dtype=b.dtype))


def _hand_unrolled(
    cfg: SimConfig, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor, x: Tensor
) -> tuple[list[Tensor], list[Tensor]]:
    """The textbook cells, written out: states h_1..h_T (and c_1..c_T for an LSTM)."""
    h = x.new_zeros(x.shape[1], cfg.hidden)
    c = h
    hs, cs = [], []
    for x_t in x:
        a = x_t @ w_ih.T + b_ih
        b = h @ w_hh.T + b_hh
        if cfg.arch == "rnn":
            z = a + b
            h = {"tanh": torch.tanh, "relu": torch.relu, "linear": lambda v: v}[cfg.activation](z)
        elif cfg.arch == "lstm":
            i, f, g, o = (a + b).chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            cs.append(c)
        else:
            a_r, a_z, a_n = a.chunk(3, dim=1)
            b_r, b_z, b_n = b.chunk(3, dim=1)
            r, z = torch.sigmoid(a_r + b_r), torch.sigmoid(a_z + b_z)
            h = (1 - z) * torch.tanh(a_n + r * b_n) + z * h
        hs.append(h)
    return hs, cs


@pytest.mark.parametrize("cfg", [c.replace(dtype="float64") for c in CASES], ids=IDS)
def test_cells_match_a_hand_unrolled_cell_and_torch_sequence_modules(cfg: SimConfig) -> None:
    net, x, _ = _build(cfg)
    _randomise_biases(net)
    trace = forward_recurrent(net, cfg, x)
    params = [p.detach() for p in (net.weight_ih, net.weight_hh, net.bias_ih, net.bias_hh)]
    hs, cs = _hand_unrolled(cfg, *params, x)  # type: ignore[arg-type]
    torch.testing.assert_close(torch.stack(trace.hidden), torch.stack(hs), rtol=1e-12, atol=1e-12)
    if cfg.arch == "lstm":
        torch.testing.assert_close(
            torch.stack(trace.cells), torch.stack(cs), rtol=1e-12, atol=1e-12
        )
    if cfg.activation == "linear":
        return  # torch.nn.RNN has no linear nonlinearity
    module_type = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cfg.arch]
    extra = {"nonlinearity": cfg.activation} if cfg.arch == "rnn" else {}
    module = module_type(cfg.in_features, cfg.hidden, dtype=torch.float64, **extra)
    with torch.no_grad():
        for name, p in zip(("weight_ih", "weight_hh", "bias_ih", "bias_hh"), params, strict=True):
            getattr(module, f"{name}_l0").copy_(p)
    out, _ = module(x)
    torch.testing.assert_close(out, torch.stack(trace.hidden).detach(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cfg", [c.replace(dtype="float64") for c in CASES], ids=IDS)
def test_time_step_gradients_and_gate_statistics_match_the_hand_unrolled_cell(
    cfg: SimConfig,
) -> None:
    result = simulate(cfg)
    net, x, target = _build(cfg)
    w_ih, w_hh = (p.detach().clone().requires_grad_() for p in (net.weight_ih, net.weight_hh))
    b_ih, b_hh = (p.detach().clone() for p in (net.bias_ih, net.bias_hh))  # type: ignore[union-attr]
    hs, cs = _hand_unrolled(cfg, w_ih, w_hh, b_ih, b_hh, x)
    out = hs[-1] @ net.readout_weight.detach().T + net.readout_bias.detach()  # type: ignore[union-attr]
    loss = nn.functional.mse_loss(out, target)
    grads = torch.autograd.grad(loss, [*hs, *cs])
    expected = [float(torch.linalg.vector_norm(g)) for g in grads]
    assert result.loss == pytest.approx(float(loss.detach()), rel=1e-12)
    assert result.time_metric("hidden_grad_norm") == pytest.approx(
        expected[: cfg.seq_len], rel=1e-10
    )
    cells = result.time_metric("cell_grad_norm")
    if cfg.arch == "lstm":
        assert cells == pytest.approx(expected[cfg.seq_len :], rel=1e-10)
    else:
        assert all(math.isnan(v) for v in cells)
    rms = [float(h.detach().square().mean().sqrt()) for h in hs]
    assert result.time_metric("hidden_rms") == pytest.approx(rms, rel=1e-12)
    _check_gates(cfg, result, x, hs, w_ih.detach(), w_hh.detach(), b_ih, b_hh)


def _check_gates(
    cfg: SimConfig,
    result: SimResult,
    x: Tensor,
    hs: list[Tensor],
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor,
    b_hh: Tensor,
) -> None:
    """Gate means and saturated fractions, recomputed from the hand cell's pre-activations."""
    previous = [torch.zeros_like(hs[0]), *(h.detach() for h in hs[:-1])]
    for t, (x_t, h) in enumerate(zip(x, previous, strict=True)):
        a, b = x_t @ w_ih.T + b_ih, h @ w_hh.T + b_hh
        if cfg.arch == "gru":
            a_r, a_z, a_n = a.chunk(3, dim=1)
            b_r, b_z, b_n = b.chunk(3, dim=1)
            pre = [a_r + b_r, a_z + b_z, a_n + torch.sigmoid(a_r + b_r) * b_n]
            kinds = ["sigmoid", "sigmoid", "tanh"]
        elif cfg.arch == "lstm":
            pre = list((a + b).chunk(4, dim=1))
            kinds = ["sigmoid", "sigmoid", "tanh", "sigmoid"]
        else:
            pre, kinds = [a + b], [cfg.activation]
        step = result.time_steps[t]
        for gate, z, kind in zip(cfg.gates, pre, kinds, strict=True):
            value = activations.apply(kind, z)
            slope = activations.derivative(kind, z)
            saturated = float((slope < theory.saturation_threshold(kind)).double().mean())
            assert step.gate_mean[gate] == pytest.approx(float(value.mean()), rel=1e-10, abs=1e-14)
            assert step.gate_saturation[gate] == saturated


@pytest.mark.parametrize("recurrent_init", ["orthogonal", "normal", "identity"])
@pytest.mark.parametrize("arch", ["rnn", "lstm"])
def test_recurrent_inits_and_gain(recurrent_init: str, arch: str) -> None:
    """The CLI contract: orthogonal times G, N(0, (G/sqrt(H))^2), G times the identity; each
    gate block its own matrix."""
    gain, size = 1.7, 256
    cfg = SimConfig(
        arch=arch,
        hidden=size,
        seq_len=2,
        batch=2,
        recurrent_init=recurrent_init,
        recurrent_gain=gain,
        dtype="float64",
    )
    net, _, _ = _build(cfg)
    blocks = net.weight_hh.detach().split(size)
    assert len(blocks) == len(cfg.gates)
    eye = torch.eye(size, dtype=torch.float64)
    for w in blocks:
        if recurrent_init == "orthogonal":
            torch.testing.assert_close(w.T @ w, gain**2 * eye, rtol=0, atol=1e-12)
            reference = torch.empty(size, size, dtype=torch.float64)
        elif recurrent_init == "normal":
            sample_std = float(w.std())
            assert sample_std == pytest.approx(gain / math.sqrt(size), rel=5 / math.sqrt(w.numel()))
        else:
            assert torch.equal(w, gain * eye)
    if recurrent_init == "orthogonal":
        # The first block is exactly torch's orthogonal_ drawn after W_ih's blocks.
        gen = generators(cfg.seed)[0]
        for block in net.weight_ih.detach().split(size):
            torch.empty_like(block).uniform_(generator=gen)
        nn.init.orthogonal_(reference, gain=gain, generator=gen)
        assert torch.equal(blocks[0], reference)
    if recurrent_init != "identity":
        assert not torch.equal(blocks[0], blocks[-1]) or len(blocks) == 1


def test_biases_forget_gate_and_input_init() -> None:
    cfg = SimConfig(
        arch="lstm", hidden=8, seq_len=2, batch=2, forget_bias=1.5, init="xavier_normal"
    )
    net, _, _ = _build(cfg)
    assert net.bias_ih is not None and net.bias_hh is not None
    assert torch.equal(net.bias_ih.detach()[8:16], torch.full((8,), 1.5))
    assert net.bias_ih.detach()[:8].abs().sum() == 0 and net.bias_ih.detach()[16:].abs().sum() == 0
    assert net.bias_hh.detach().abs().sum() == 0
    without = _build(cfg.replace(bias=False, forget_bias=0.0))[0]
    assert without.bias_ih is None and len(without.parameters()) == 3


def test_recall_task_asks_for_the_first_token() -> None:
    cfg = SimConfig(arch="gru", task="recall", classes=5, seq_len=6, hidden=8, batch=32)
    task = make_task(cfg, generators(cfg.seed)[1])
    assert task.x.shape == (6, 32, 8) and task.target.shape == (32,)
    # Every x_t is one of the five token vectors, and x_1 is the target's.
    tokens = torch.unique(task.x.reshape(-1, 8), dim=0)
    assert tokens.shape[0] == 5
    first = task.x[0]
    for b in range(4):
        same = [k for k in range(32) if int(task.target[k]) == int(task.target[b])]
        assert all(torch.equal(first[k], first[b]) for k in same)
    result = simulate(cfg)
    assert result.loss == pytest.approx(math.log(5), rel=0.2)


def test_same_config_gives_identical_results_and_touches_no_global_rng() -> None:
    cfg = SimConfig(arch="lstm", seq_len=5, hidden=8, batch=4, steps=3, forget_bias=1.0)
    state = torch.get_rng_state()
    first = simulate(cfg).to_dict()
    assert torch.equal(torch.get_rng_state(), state)
    torch.manual_seed(4321)
    assert simulate(cfg).to_dict() == first
    assert simulate(cfg.replace(seed=1)).to_dict() != first


def test_json_has_time_steps_and_round_trips() -> None:
    cfg = SimConfig(arch="lstm", seq_len=4, hidden=8, batch=4, seeds=3, steps=2)
    result = simulate(cfg)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert [s["t"] for s in data["time_steps"]] == [1, 2, 3, 4]
    assert set(data["time_steps"][0]["gate_saturation"]) == {
        "input",
        "forget",
        "candidate",
        "output",
    }
    assert data["layers"] == [] and data["layer_grad_norms"] == {}
    assert SimResult.from_dict(data) == result
    mlp = simulate(SimConfig(depth=2, width=4, batch=2)).to_dict()
    assert mlp["time_steps"] == []
    del mlp["time_steps"]  # results stored before recurrent networks existed
    assert SimResult.from_dict(mlp).time_steps == []


def test_multi_seed_medians_and_band_per_time_step() -> None:
    cfg = SimConfig(arch="gru", seq_len=5, hidden=8, batch=4, seeds=4, seed=2)
    result = simulate(cfg)
    runs = [simulate(cfg.replace(seeds=1, seed=2 + k)) for k in range(4)]
    assert result.band is not None and set(result.band) == set(time_metric_names(cfg.gates))
    for metric in ("hidden_grad_norm", "update_mean", "candidate_saturation"):
        table = np.array([run.time_metric(metric) for run in runs])
        assert result.time_metric(metric) == pytest.approx(np.median(table, axis=0).tolist())
        assert result.band[metric].p90 == pytest.approx(np.percentile(table, 90, axis=0).tolist())


def test_training_and_clipping_of_a_recurrent_network() -> None:
    cfg = SimConfig(
        arch="rnn", seq_len=10, hidden=16, batch=8, steps=6, clip_norm=0.01, recurrent_gain=1.2
    )
    result = simulate(cfg)
    assert [s.step for s in result.steps] == list(range(6))
    assert all(s.clipped_grad_norm == pytest.approx(0.01, rel=1e-3) for s in result.steps)
    assert result.layer_grad_norms == {} and result.update_ratio == {}
    assert result.steps[0].total_grad_norm == result.total_grad_norm > 0.01


def test_an_exploding_recurrent_network_is_a_result() -> None:
    cfg = SimConfig(
        arch="rnn", activation="linear", seq_len=300, hidden=8, batch=2, recurrent_gain=1.5
    )
    result = simulate(cfg)
    assert result.diverged_at == 0 and not math.isfinite(result.total_grad_norm)
    json.dumps(result.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"arch": "rnn", "depth": 3}, "depth", "depth=3 does not apply to arch rnn"),
        ({"arch": "gru", "norm": "layer"}, "norm", "norm='layer' does not apply to arch gru"),
        ({"hidden": 32}, "hidden", "set arch to rnn, lstm or gru"),
        ({"recurrent_gain": 2}, "recurrent_gain", "does not apply to arch mlp"),
        ({"arch": "gru", "forget_bias": 1}, "forget_bias", "only an lstm has a forget gate"),
        ({"arch": "lstm", "activation": "relu"}, "activation", "allowed tanh"),
        ({"arch": "rnn", "activation": "gelu"}, "activation", "allowed tanh, relu, linear"),
        ({"arch": "rnn", "task": "classification"}, "task", "allowed regression, recall"),
        ({"task": "recall"}, "task", "allowed regression, classification"),
        ({"arch": "lstm", "forget_bias": 1, "bias": False}, "forget_bias", "bias is false"),
        ({"arch": "lstm", "recurrent_init": "orthogonl"}, "recurrent_init", "did you mean"),
        ({"arch": "rnn", "seq_len": 1001}, "seq_len", "allowed 1..1000"),
        (
            {"arch": "lstm", "seq_len": 1000, "hidden": 16, "batch": 1024},
            "memory",
            "reduce batch, seq_len or hidden",
        ),
        (
            {"arch": "lstm", "seq_len": 200, "hidden": 512, "batch": 256},
            "flops",
            "reduce seq_len, hidden, batch, steps or seeds",
        ),
    ],
)
def test_recurrent_settings_are_validated_for_instructors(
    data: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        SimConfig.from_dict(data)
    assert info.value.field == field


def test_defaults_per_arch_and_fields_for() -> None:
    assert SimConfig().activation == "relu"
    assert SimConfig(arch="rnn").activation == "tanh"
    assert SimConfig.from_dict({"arch": "lstm", "activation": None}).activation == "tanh"
    assert "depth" in fields_for("mlp") and "seq_len" not in fields_for("mlp")
    assert "forget_bias" in fields_for("lstm") and "forget_bias" not in fields_for("gru")
    assert "depth" not in fields_for("rnn") and "recurrent_gain" in fields_for("rnn")
    lstm = SimConfig(arch="lstm", forget_bias=1.0)
    assert lstm.replace(seed=3).forget_bias == 1.0


def test_cost_estimates_grow_with_the_sequence_and_the_cell() -> None:
    base = SimConfig(arch="rnn", seq_len=20, hidden=32, batch=16)
    assert estimate_flops(base.replace(seq_len=40)) > 1.9 * estimate_flops(base)
    assert estimate_flops(base.replace(arch="lstm")) > estimate_flops(base.replace(arch="gru"))
    assert estimate_flops(base.replace(arch="gru")) > estimate_flops(base)
    assert estimate_memory(base.replace(dtype="float64")) == 2 * estimate_memory(base)
    assert estimate_memory(SimConfig()) == 0 and estimate_memory(base) < MEMORY_BUDGET
