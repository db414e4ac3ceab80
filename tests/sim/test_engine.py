"""The engine: determinism, training traces, multi-seed aggregation, non-finite runs, JSON."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from quizsvc.sim import ENGINE_VERSION, LAYER_METRICS, SimConfig, SimResult, simulate

SMALL = SimConfig(depth=4, width=16, batch=8)


def test_same_config_gives_identical_results_and_touches_no_global_rng() -> None:
    cfg = SMALL.replace(activation="tanh", steps=5, record_every=2)
    state = torch.get_rng_state()
    first = simulate(cfg).to_dict()
    torch.manual_seed(1234)  # the global generator must not matter
    assert simulate(cfg).to_dict() == first
    torch.set_rng_state(state)
    simulate(cfg)
    assert torch.equal(torch.get_rng_state(), state)
    assert simulate(cfg.replace(seed=1)).to_dict() != first


def test_data_and_weights_come_from_separate_streams() -> None:
    """Same seed: the data do not depend on the init, so two inits see the same batch."""
    a = simulate(SMALL.replace(init="normal", init_std=0.1, activation="linear", bias=False))
    b = simulate(SMALL.replace(init="normal", init_std=0.2, activation="linear", bias=False))
    # Linear network, weights scaled by 2 per layer (5 layers incl. readout): same draws.
    assert b.readout_grad_norm != a.readout_grad_norm
    assert b.layers[0].activation_std == pytest.approx(2 * a.layers[0].activation_std, rel=1e-5)


def test_result_fields_and_engine_version() -> None:
    result = simulate(SMALL)
    assert result.engine_version == ENGINE_VERSION and result.seeds == 1
    assert [layer.index for layer in result.layers] == [1, 2, 3, 4]
    assert result.steps == [] and result.layer_grad_norms == {} and result.update_ratio == {}
    assert result.diverged_at is None and result.band is None
    assert result.clipped_grad_norm == result.total_grad_norm and result.clip_cosine == 1.0
    assert result.metric("saturation") == [layer.saturation for layer in result.layers]
    with pytest.raises(ValueError, match="unknown layer metric"):
        result.metric("nope")


def test_json_round_trip_is_lossless_and_strict_json() -> None:
    result = simulate(SMALL.replace(steps=3, record_every=1, seeds=2))
    text = json.dumps(result.to_dict(), allow_nan=False)
    again = SimResult.from_dict(json.loads(text))
    assert again == result
    data = result.to_dict()
    assert set(data["layers"][0]) >= {
        "weight_grad_norm",
        "bias_grad_norm",
        "output_grad_norm",
        "activation_mean",
        "activation_std",
        "saturation",
    }
    assert set(data) >= {"layers", "total_grad_norm", "clipped_grad_norm", "steps"}


def test_training_trace_records_steps_and_chosen_layers() -> None:
    cfg = SMALL.replace(activation="tanh", steps=12, record_every=5, lr=0.1)
    result = simulate(cfg)
    assert [s.step for s in result.steps] == list(range(12))
    assert sorted(result.layer_grad_norms) == [0, 5, 10, 11]
    assert sorted(result.update_ratio) == [0, 5, 10, 11]
    assert result.layer_grad_norms[0] == [layer.weight_grad_norm for layer in result.layers]
    assert result.steps[0].loss == result.loss
    assert result.steps[-1].loss < result.steps[0].loss
    assert all(len(v) == cfg.depth and min(v) > 0 for v in result.update_ratio.values())


def test_update_ratio_is_lr_times_gradient_over_weight_for_plain_sgd() -> None:
    """Without momentum or decay one SGD step moves W by lr * grad."""
    cfg = SMALL.replace(steps=1, lr=0.05, momentum=0.0, init="normal", init_std=0.3)
    result = simulate(cfg)
    from quizsvc.sim.network import build_network, generators

    net = build_network(cfg, generators(cfg.seed)[0])
    weight_norms = [float(w.detach().norm()) for w in net.weights[: cfg.depth]]
    expected = [
        cfg.lr * g / w for g, w in zip(result.layer_grad_norms[0], weight_norms, strict=True)
    ]
    assert result.update_ratio[0] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_optimizers_and_weight_decay_train(optimizer: str) -> None:
    cfg = SMALL.replace(optimizer=optimizer, steps=20, lr=0.01, task="classification")
    plain = simulate(cfg)
    decayed = simulate(cfg.replace(weight_decay=0.5))
    assert plain.steps[-1].loss < plain.steps[0].loss
    assert decayed.steps[-1].loss != plain.steps[-1].loss
    assert plain.loss == pytest.approx(math.log(cfg.classes), rel=0.3)


def test_clipping_applies_during_training() -> None:
    cfg = SMALL.replace(steps=5, clip_norm=1e-3, lr=0.1)
    result = simulate(cfg)
    assert all(s.clipped_grad_norm == pytest.approx(1e-3, rel=1e-3) for s in result.steps)


def test_exploding_training_stops_cleanly_at_the_non_finite_step() -> None:
    cfg = SMALL.replace(steps=200, lr=10.0, momentum=0.9, init="kaiming_normal")
    result = simulate(cfg)
    step = result.diverged_at
    assert step is not None and 0 < step < 200
    assert len(result.steps) == step + 1
    last = result.steps[-1]
    assert not (math.isfinite(last.loss) and math.isfinite(last.total_grad_norm))
    assert all(math.isfinite(s.loss) for s in result.steps[:-1])
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["diverged_at"] == step and data["steps"][-1]["clipped_grad_norm"] is None


def test_overflowing_single_pass_is_a_result() -> None:
    cfg = SimConfig(depth=60, width=64, batch=16, activation="relu", init="normal", init_std=2.0)
    result = simulate(cfg)
    assert result.diverged_at == 0
    assert not math.isfinite(result.total_grad_norm)
    assert result.layers[-1].histogram is None
    json.dumps(result.to_dict(), allow_nan=False)


def test_multi_seed_reports_medians_and_band() -> None:
    cfg = SMALL.replace(activation="tanh", seeds=5, seed=3, steps=2, record_every=1)
    result = simulate(cfg)
    runs = [simulate(cfg.replace(seeds=1, seed=3 + k)) for k in range(5)]
    assert result.seeds == 5 and result.band is not None
    for metric in LAYER_METRICS:
        table = np.array([run.metric(metric) for run in runs])
        assert result.metric(metric) == pytest.approx(np.median(table, axis=0).tolist())
        band = result.band[metric]
        assert band.p10 == pytest.approx(np.percentile(table, 10, axis=0).tolist())
        assert band.p90 == pytest.approx(np.percentile(table, 90, axis=0).tolist())
        assert all(a <= b <= c for a, b, c in zip(band.p10, band.p50, band.p90, strict=True))
    assert result.loss == pytest.approx(float(np.median([r.loss for r in runs])))
    assert result.steps[1].loss == pytest.approx(float(np.median([r.steps[1].loss for r in runs])))
    assert result.layers[0].histogram == runs[0].layers[0].histogram


def test_multi_seed_divergence_is_the_earliest_seed() -> None:
    cfg = SMALL.replace(steps=100, lr=3.0, init="kaiming_normal", seeds=3)
    runs = [simulate(cfg.replace(seeds=1, seed=k)) for k in range(3)]
    result = simulate(cfg)
    stops = [r.diverged_at for r in runs if r.diverged_at is not None]
    assert stops and result.diverged_at == min(stops)
    assert len(result.steps) == max(len(r.steps) for r in runs)


@pytest.mark.parametrize(
    "cfg",
    [
        SimConfig(depth=3, width=(16, 8, 8), input_dim=5, residual=True, activation="elu"),
        SimConfig(depth=3, width=16, norm="batch", activation="selu", dtype="float64"),
        SimConfig(depth=3, width=16, norm="layer", activation="leaky_relu", leaky_slope=0.2),
        SimConfig(depth=3, width=16, task="classification", classes=3, activation="gelu"),
        SimConfig(depth=2, width=16, init="orthogonal", bias_init="normal", bias_std=0.1),
        SimConfig(depth=2, width=16, clip_norm=0.01, clip_norm_type="inf", steps=3),
    ],
)
def test_configuration_space_runs(cfg: SimConfig) -> None:
    result = simulate(cfg)
    assert len(result.layers) == cfg.depth
    assert all(
        math.isfinite(v)
        for layer in result.layers
        for v in (layer.weight_grad_norm, layer.activation_std, layer.saturation)
    )


def test_batch_norm_cancels_bias_gradients_and_dtype_is_respected() -> None:
    cfg = SimConfig(
        depth=3, width=16, norm="batch", dtype="float64", bias_init="normal", bias_std=0.5
    )
    result = simulate(cfg)
    for layer in result.layers:
        assert layer.bias_grad_norm <= 1e-12 * layer.weight_grad_norm
    assert result.loss != simulate(cfg.replace(dtype="float32")).loss


def test_residual_skips_only_where_widths_match() -> None:
    """Layer 1 maps 5 inputs to 16 units, so it has no skip; its output is phi(z) >= 0."""
    cfg = SimConfig(depth=2, width=16, input_dim=5, residual=True, activation="relu")
    result = simulate(cfg)
    assert result.layers[0].histogram is not None and result.layers[0].histogram.lo >= 0
    assert result.layers[1].histogram is not None and result.layers[1].histogram.lo >= 0


def test_no_bias_reports_zero_bias_gradient() -> None:
    result = simulate(SMALL.replace(bias=False))
    assert all(layer.bias_grad_norm == 0.0 for layer in result.layers)
