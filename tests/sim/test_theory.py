"""Measurements land where the theory says, within tolerances derived from the theory.

Tolerances: `theory.mean_field_profile` gives, per layer, the variance of the log of the
squared-norm ratio for one example at finite width (forward: (E[phi^4]/E[phi^2]^2 - 1)/n,
backward: 2/n_in + (3 E[phi'^4]/E[phi'^2]^2 - 1)/n_out). Summed over the layers a test spans,
that is the variance of the measured log ratio; averaging over the batch only reduces it.
Each assertion allows K = 4 standard deviations (a false alarm about once in 16,000 runs; the
runs are deterministic, so a pass is a pass).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from quizsvc.sim import SimConfig, activations, simulate, theory
from quizsvc.sim.network import NORM_EPS

K = 4.0


def _log_ratio_tolerance(log_variances: list[float]) -> float:
    """K standard deviations of log(norm ratio): half the std of the squared-norm log ratio."""
    return K * 0.5 * math.sqrt(sum(log_variances))


def _second_moments(cfg: SimConfig) -> list[float]:
    return [layer.activation_std**2 + layer.activation_mean**2 for layer in simulate(cfg).layers]


@pytest.mark.parametrize(("init", "per_layer"), [("kaiming_normal", 1.0), ("xavier_normal", 0.5)])
def test_he_init_preserves_the_forward_second_moment_of_relu(init: str, per_layer: float) -> None:
    """He et al. (2015), "Delving deep into rectifiers", eq. (10): with Var(W) = 2/fan_in a
    ReLU layer keeps E[h^2]; Glorot's Var(W) = 1/fan_in (square layers) halves it per layer.

    Tolerance: sum of the forward log-variances, (E[relu^4]/E[relu^2]^2 - 1)/n = 5/n per layer,
    plus 2/(batch n) for the input's own sample second moment.
    """
    cfg = SimConfig(depth=20, width=512, batch=64, activation="relu", init=init, bias=False)
    moments = _second_moments(cfg)
    profile = theory.mean_field_profile(cfg)
    assert profile.second_moment[-1] == pytest.approx(per_layer**cfg.depth)
    log_var = sum(profile.forward_log_var) + 2 / (cfg.batch * cfg.in_features)
    measured = math.log(moments[-1])  # the input's second moment is 1 in expectation
    assert abs(measured - cfg.depth * math.log(per_layer)) <= K * math.sqrt(log_var)


@pytest.mark.parametrize(
    ("activation", "init"),
    [("sigmoid", "xavier_normal"), ("tanh", "xavier_normal"), ("relu", "kaiming_normal")],
)
def test_per_layer_gradient_factor_matches_mean_field_chi(activation: str, init: str) -> None:
    """Schoenholz et al. (2017), "Deep information propagation", eq. (5) (after Poole et al.
    2016): ||dL/dh_{l-1}||^2 = chi_l ||dL/dh_l||^2 with chi = sigma_w^2 E[phi'(z)^2],
    z ~ N(0, q_l) from the forward q map. Sigmoid vanishes (chi ~ 0.04), tanh shrinks while q
    settles, ReLU with He init is neutral (chi = 1)."""
    cfg = SimConfig(depth=20, width=512, batch=32, activation=activation, init=init, bias=False)
    result = simulate(cfg)
    profile = theory.mean_field_profile(cfg)
    measured = math.log(result.layers[0].output_grad_norm / result.layers[-1].output_grad_norm)
    predicted = math.log(profile.output_grad[0])
    assert abs(measured - predicted) <= _log_ratio_tolerance(profile.backward_log_var[1:])
    if activation == "sigmoid":
        assert predicted < math.log(1e-10)  # the test can tell vanishing from anything else


def test_chi_of_relu_he_is_one_and_of_sigmoid_is_below_a_sixteenth() -> None:
    """Closed forms: for ReLU, E[relu'(z)^2] = 1/2 at any q, so chi = sigma_w^2 / 2 (He et al.
    2015); for the sigmoid sup phi' = 1/4, so chi <= sigma_w^2 / 16 (the classic bound)."""
    assert theory.chi("relu", 3.7, 2.0) == pytest.approx(1.0, abs=1e-9)
    assert theory.chi("sigmoid", 0.5, 1.0) < 1 / 16


def _normal_config(activation: str, sigma_w2: float, sigma_b2: float, **kw: object) -> SimConfig:
    width = 512
    return SimConfig(
        depth=30,
        width=width,
        batch=32,
        activation=activation,
        init="normal",
        init_std=math.sqrt(sigma_w2 / width),
        bias_init="normal",
        bias_std=math.sqrt(sigma_b2),
        **kw,
    )


def test_tanh_edge_of_chaos_is_critical() -> None:
    """Schoenholz et al. (2017), section 3: on the critical line chi_1(q*) = 1 gradients
    neither vanish nor explode with depth; for sigma_b^2 = 0.05 it lies at sigma_w^2 ~ 1.76
    (their Fig. 1). Below it (ordered phase) gradients vanish, above (chaotic) they explode."""
    sigma_b2 = 0.05
    critical = theory.edge_of_chaos("tanh", sigma_b2)
    q_star = theory.q_fixed_point("tanh", critical, sigma_b2)
    assert theory.chi("tanh", q_star, critical) == pytest.approx(1.0, abs=1e-6)
    assert critical == pytest.approx(1.76, abs=0.02)
    for sigma_w2, phase in ((critical, "critical"), (1.0, "ordered"), (3.0, "chaotic")):
        cfg = _normal_config("tanh", sigma_w2, sigma_b2)
        result = simulate(cfg)
        profile = theory.mean_field_profile(cfg)
        measured = math.log(result.layers[0].output_grad_norm / result.layers[-1].output_grad_norm)
        predicted = math.log(profile.output_grad[0])
        assert abs(measured - predicted) <= _log_ratio_tolerance(profile.backward_log_var[1:])
        if phase == "ordered":
            assert predicted < -2
        elif phase == "chaotic":
            assert predicted > 2
        else:
            assert profile.chi[-1] == pytest.approx(1.0, abs=1e-3)


def test_edge_of_chaos_tends_to_sigma_w2_one_as_bias_vanishes() -> None:
    """Poole et al. (2016): for tanh with sigma_b^2 -> 0 the fixed point is q* = 0, where
    chi = sigma_w^2 tanh'(0)^2 = sigma_w^2, so the critical line falls to sigma_w^2 = 1."""
    line = [theory.edge_of_chaos("tanh", b) for b in (1e-2, 1e-4, 1e-6, 1e-8)]
    assert line == sorted(line, reverse=True)
    assert line[-1] == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "linear"])
def test_w_dot_grad_is_equal_across_layers_of_bias_free_homogeneous_networks(
    activation: str,
) -> None:
    """Du, Hu & Lee (2018), "Algorithmic regularization in learning deep homogeneous models",
    Theorem 2.1: if phi(a z) = a phi(z) for a > 0 and there are no biases, the network is
    1-homogeneous in each W_l, so <W_l, dL/dW_l> = <dL/df, f> for every l. Exact up to float64
    rounding; tanh, not homogeneous, breaks it."""
    cfg = SimConfig(
        depth=6,
        width=32,
        batch=16,
        activation=activation,
        init="kaiming_normal",
        bias=False,
        dtype="float64",
    )
    dots = [layer.w_dot_grad for layer in simulate(cfg).layers]
    assert np.ptp(dots) <= 1e-10 * abs(dots[0])
    tanh = [layer.w_dot_grad for layer in simulate(cfg.replace(activation="tanh")).layers]
    assert np.ptp(tanh) > 1e-3 * abs(np.mean(tanh))


def test_w_dot_grad_vanishes_before_layer_norm() -> None:
    """van Laarhoven (2017), "L2 regularization versus batch and weight normalization": a layer
    followed by normalisation is scale-invariant in W_l, so <W_l, dL/dW_l> = 0, except for the
    eps in sqrt(var + eps): scaling W by a changes the output by a factor a sqrt(var + eps) /
    sqrt(a^2 var + eps), whose derivative at a = 1 is eps / (var + eps). By Cauchy-Schwarz
    |<W_l, dL/dW_l>| <= eps / var * ||dL/dz_hat|| ||z_hat|| <= eps / var * sup|phi'| *
    ||dL/dh_l|| * sqrt(batch * width); var is the mean-field q_l, halved for fluctuations."""
    cfg = SimConfig(
        depth=4,
        width=32,
        batch=16,
        activation="relu",
        norm="layer",
        bias=False,
        init="kaiming_normal",
        gain=10.0,
        dtype="float64",
    )
    result = simulate(cfg)
    profile = theory.mean_field_profile(cfg)
    for layer, q in zip(result.layers, profile.q, strict=True):
        bound = NORM_EPS / (q / 2) * layer.output_grad_norm * math.sqrt(cfg.batch * 32)
        assert abs(layer.w_dot_grad) <= bound
        assert abs(layer.w_dot_grad) <= 1e-4 * layer.weight_grad_norm


def test_residual_branches_keep_the_input_side_gradient() -> None:
    """He et al. (2016), "Identity mappings in deep residual networks", eq. (5): with
    h_l = h_{l-1} + s F(h_{l-1}) the gradient reaching h_{l-1} is dL/dh_l (1 + s dF/dh), so
    its squared norm is multiplied by 1 + s^2 chi_l >= 1 per layer instead of chi_l. In an
    ordered tanh network (chi ~ 0.25) the plain network's input side vanishes; the residual
    one's does not, and both match the mean-field factors."""
    plain = _normal_config("tanh", 0.25, 0.0, bias=False)
    for cfg in (plain, plain.replace(residual=True)):
        result = simulate(cfg)
        profile = theory.mean_field_profile(cfg)
        measured = math.log(result.layers[0].output_grad_norm / result.layers[-1].output_grad_norm)
        predicted = math.log(profile.output_grad[0])
        assert abs(measured - predicted) <= _log_ratio_tolerance(profile.backward_log_var[1:])
        if cfg.residual:
            assert measured >= 0
        else:
            assert measured < math.log(1e-6)


def test_clipping_by_value_turns_the_gradient_and_by_norm_does_not() -> None:
    """Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
    networks", section 3.2: norm clipping rescales g by max_norm/||g||, keeping its direction
    (cosine 1 up to float32 rounding, ~1e-7) and giving norm max_norm; clipping each entry to
    +-v changes the direction whenever entries of different size are clipped."""
    cfg = SimConfig(depth=8, width=64, activation="tanh", init="xavier_normal")
    unclipped = simulate(cfg)
    by_norm = simulate(cfg.replace(clip_norm=0.1 * unclipped.total_grad_norm))
    assert by_norm.clip_cosine == pytest.approx(1.0, abs=1e-6)
    assert by_norm.clipped_grad_norm == pytest.approx(0.1 * unclipped.total_grad_norm, rel=1e-5)
    by_value = simulate(cfg.replace(clip_value=1e-3))
    assert by_value.clip_cosine < 0.99
    assert by_value.total_grad_norm == unclipped.total_grad_norm
    assert unclipped.clip_cosine == 1.0


def test_per_example_weight_gradient_prediction() -> None:
    """For one example dL/dW_l = delta_l h_{l-1}^T, so ||dL/dW_l|| = ||delta_l|| ||h_{l-1}||:
    with He init both factors are preserved (He et al. 2015), and the profile is flat.
    Tolerance: forward and backward log-variances of the layers in between."""
    cfg = SimConfig(
        depth=12, width=512, batch=1, activation="relu", init="kaiming_normal", bias=False
    )
    result = simulate(cfg)
    predicted = theory.predicted_grad_norms(cfg, "weight_grad_norm")
    profile = theory.mean_field_profile(cfg)
    measured = math.log(result.layers[0].weight_grad_norm / result.layers[-1].weight_grad_norm)
    variances = profile.backward_log_var[1:] + profile.forward_log_var[:-1]
    assert abs(measured - math.log(predicted[0])) <= _log_ratio_tolerance(variances)
    assert predicted == pytest.approx([1.0] * cfg.depth, rel=1e-6)


def test_quadrature_reproduces_gaussian_closed_forms() -> None:
    """Gaussian moments: E[z^2] = q, E[z^4] = 3 q^2, E[relu(z)^2] = q / 2, E[sigmoid(z)] = 1/2
    (symmetry), for z ~ N(0, q); the q map and chi of a linear network are sigma_w^2 q + sigma_b^2
    and sigma_w^2."""
    q = 2.3
    assert theory.gaussian_expectation(torch.square, q) == pytest.approx(q, rel=1e-10)
    assert theory.gaussian_expectation(lambda z: z**4, q) == pytest.approx(3 * q**2, rel=1e-10)
    assert theory.q_map("relu", q, 1.0, 0.0) == pytest.approx(q / 2, rel=1e-10)
    assert theory.gaussian_expectation(torch.sigmoid, q) == pytest.approx(0.5, rel=1e-12)
    assert theory.q_map("linear", q, 1.5, 0.1) == pytest.approx(1.5 * q + 0.1, rel=1e-10)
    assert theory.chi("linear", q, 1.5) == pytest.approx(1.5, rel=1e-10)
    assert theory.second_moment_gain("relu") == pytest.approx(math.sqrt(2), rel=1e-10)


@pytest.mark.parametrize("activation", ["elu", "gelu"])
def test_documented_gain_keeps_the_second_moment(activation: str) -> None:
    """The documented gain for activations torch has none for is 1/sqrt(E[phi(u)^2]): Monte
    Carlo with 10^6 draws agrees within 5 standard errors."""
    u = torch.randn(1_000_000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    second = activations.apply(activation, u).square()
    stderr = float(second.std()) / math.sqrt(u.numel())
    gain = theory.gain(activation)
    assert 1 / gain**2 == pytest.approx(float(second.mean()), abs=5 * stderr)


@pytest.mark.parametrize(
    "activation", ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "selu"]
)
def test_derivative_bound_is_the_supremum_of_the_derivative(activation: str) -> None:
    """sup |phi'|, checked on a grid of spacing 1e-4 (selu's supremum is a limit at 0-)."""
    z = torch.linspace(-10, 10, 200_001, dtype=torch.float64)
    grid_max = float(activations.derivative(activation, z, 0.01).abs().max())
    bound = theory.derivative_bound(activation, 0.01)
    assert grid_max <= bound + 1e-12
    assert grid_max == pytest.approx(bound, rel=1e-3)


def test_batch_norm_has_no_overlay() -> None:
    cfg = SimConfig(norm="batch")
    assert theory.check_supported(cfg) is not None
    with pytest.raises(theory.TheoryUnavailable):
        theory.predicted_grad_norms(cfg)
