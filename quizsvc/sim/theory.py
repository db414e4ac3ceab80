"""Closed-form and numerical predictions to set beside what the engine measures.

Three kinds of facts live here, each used both by the engine and by the theory overlays:

* initialisation scales exactly as ``torch.nn.init`` computes them (gains, standard deviations,
  uniform bounds), so the engine samples with these numbers and tests compare them with torch;
* derivative bounds ``sup |phi'|`` per activation (the per-layer factor by which a gradient can
  grow at most, e.g. 1/4 for the sigmoid);
* the mean-field maps of Poole et al. (2016), "Exponential expressivity in deep neural networks
  through transient chaos", and Schoenholz et al. (2017), "Deep information propagation": the
  forward variance map ``q -> sigma_w^2 E[phi(sqrt(q) u)^2] + sigma_b^2`` and the per-layer
  gradient factor ``chi = sigma_w^2 E[phi'(sqrt(q) u)^2]``, u ~ N(0, 1), and from them a
  predicted per-layer gradient profile for a `SimConfig`.

Gaussian expectations come from `sim.gaussian`.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

from quizsvc.sim import activations
from quizsvc.sim.config import SimConfig
from quizsvc.sim.gaussian import activation_moments, gaussian_expectation

# --- initialisation -------------------------------------------------------------------------


def gain(activation: str, slope: float = 0.01) -> float:
    """The recommended init gain for ``activation``.

    Equal to ``torch.nn.init.calculate_gain`` wherever torch defines one (linear and sigmoid 1,
    tanh 5/3, relu sqrt(2), leaky_relu sqrt(2 / (1 + slope^2)), selu 3/4). torch has no gain for
    elu and gelu; for those we use the second-moment gain ``1 / sqrt(E[phi(u)^2])``, u ~ N(0, 1),
    the gain that keeps the forward second moment fixed layer to layer (it gives exactly
    sqrt(2) for relu): about 1.5335 for gelu and 1.2452 for elu.
    """
    if activation in ("linear", "sigmoid"):
        return 1.0
    if activation == "tanh":
        return 5.0 / 3
    if activation == "relu":
        return math.sqrt(2.0)
    if activation == "leaky_relu":
        return math.sqrt(2.0 / (1 + slope**2))
    if activation == "selu":
        return 3.0 / 4
    return second_moment_gain(activation, slope)


def second_moment_gain(activation: str, slope: float = 0.01) -> float:
    """``1 / sqrt(E[phi(u)^2])`` for u ~ N(0, 1): He et al.'s (2015) argument for any phi."""
    return 1.0 / math.sqrt(
        gaussian_expectation(lambda z: activations.apply(activation, z, slope).square(), 1.0)
    )


def default_gain(init: str, activation: str, slope: float = 0.01) -> float:
    """The gain the engine uses when ``SimConfig.gain`` is None.

    Xavier and orthogonal use torch's default of 1 (Glorot & Bengio's original scheme); Kaiming
    uses the activation's `gain`, i.e. ``kaiming_*_(w, nonlinearity=activation)``.
    """
    if init.startswith("kaiming"):
        return gain(activation, slope)
    return 1.0


def fan(fan_in: int, fan_out: int, mode: str) -> int:
    """The fan Kaiming init divides by (``mode`` is "fan_in" or "fan_out")."""
    return fan_in if mode == "fan_in" else fan_out


def init_bound(init: str, fan_in: int, fan_out: int, cfg_gain: float, mode: str) -> float:
    """Bound b of a uniform(-b, b) init, computed with torch's own expressions (bit-exact)."""
    if init == "xavier_uniform":
        std = cfg_gain * math.sqrt(2.0 / float(fan_in + fan_out))
        return math.sqrt(3.0) * std
    if init == "kaiming_uniform":
        std = cfg_gain / math.sqrt(fan(fan_in, fan_out, mode))
        return math.sqrt(3.0) * std
    if init == "pytorch_default":
        # nn.Linear: kaiming_uniform_(w, a=sqrt(5)), i.e. gain sqrt(1/3), so b = 1/sqrt(fan_in).
        std = gain("leaky_relu", math.sqrt(5)) / math.sqrt(fan_in)
        return math.sqrt(3.0) * std
    raise ValueError(f"{init!r} is not a uniform init")


def init_std(init: str, fan_in: int, fan_out: int, cfg_gain: float, mode: str) -> float:
    """Standard deviation of a normal init, computed with torch's own expressions (bit-exact)."""
    if init == "xavier_normal":
        return cfg_gain * math.sqrt(2.0 / float(fan_in + fan_out))
    if init == "kaiming_normal":
        return cfg_gain / math.sqrt(fan(fan_in, fan_out, mode))
    raise ValueError(f"{init!r} is not a normal init with a derived std")


def weight_std(cfg: SimConfig, fan_in: int, fan_out: int) -> float:
    """Standard deviation of one weight entry of a layer with these fans under ``cfg``'s init."""
    g = (
        cfg.gain
        if cfg.gain is not None
        else default_gain(cfg.init, cfg.activation, cfg.leaky_slope)
    )
    if cfg.init == "normal":
        return cfg.init_std
    if cfg.init == "uniform":
        return cfg.init_bound / math.sqrt(3.0)
    if cfg.init in ("xavier_normal", "kaiming_normal"):
        return init_std(cfg.init, fan_in, fan_out, g, cfg.kaiming_mode)
    if cfg.init == "orthogonal":
        # An orthogonal (out x in) matrix has min(out, in) unit singular values.
        return g / math.sqrt(max(fan_in, fan_out))
    return init_bound(cfg.init, fan_in, fan_out, g, cfg.kaiming_mode) / math.sqrt(3.0)


def bias_variance(cfg: SimConfig, fan_in: int) -> float:
    """Variance of one bias entry (sigma_b^2 in the mean-field maps)."""
    if not cfg.bias or cfg.bias_init == "zeros":
        return 0.0
    if cfg.bias_init == "normal":
        return cfg.bias_std**2
    return 1.0 / (3.0 * fan_in)  # nn.Linear: uniform(-1/sqrt(fan_in), 1/sqrt(fan_in))


# --- derivative bounds -----------------------------------------------------------------------


def derivative_bound(activation: str, slope: float = 0.01) -> float:
    """``sup_z |phi'(z)|``: a layer can multiply a gradient by at most this times ||W||.

    sigmoid 1/4 (the classic vanishing-gradient bound), tanh, relu and elu 1, leaky_relu
    max(1, slope), gelu Phi(sqrt 2) + sqrt 2 phi(sqrt 2) ~ 1.1289 (its maximum, at z = sqrt 2),
    selu scale * alpha ~ 1.7581 (the limit as z -> 0 from below).
    """
    if activation == "sigmoid":
        return 0.25
    if activation == "leaky_relu":
        return max(1.0, slope)
    if activation == "gelu":
        r2 = math.sqrt(2.0)
        return 0.5 * (1 + math.erf(1.0)) + r2 * math.exp(-1.0) / math.sqrt(2 * math.pi)
    if activation == "selu":
        return activations.SELU_SCALE * activations.SELU_ALPHA
    return 1.0


#: A unit is saturated when |phi'(z)| is below this fraction of `derivative_bound`.
SATURATION_FRACTION = 0.1


def saturation_threshold(activation: str, slope: float = 0.01) -> float:
    """|phi'(z)| below which the engine counts a unit as saturated (see docs/simulate.md)."""
    return SATURATION_FRACTION * derivative_bound(activation, slope)


# --- mean-field maps -------------------------------------------------------------------------


def q_map(
    activation: str, q: float, sigma_w2: float, sigma_b2: float, slope: float = 0.01
) -> float:
    """Next layer's pre-activation variance: sigma_w^2 E[phi(sqrt(q) u)^2] + sigma_b^2."""
    second = gaussian_expectation(lambda z: activations.apply(activation, z, slope).square(), q)
    return sigma_w2 * second + sigma_b2


def chi(activation: str, q: float, sigma_w2: float, slope: float = 0.01) -> float:
    """Per-layer factor of the squared gradient norm: sigma_w^2 E[phi'(sqrt(q) u)^2]."""
    return sigma_w2 * gaussian_expectation(
        lambda z: activations.derivative(activation, z, slope).square(), q
    )


def q_fixed_point(activation: str, sigma_w2: float, sigma_b2: float, slope: float = 0.01) -> float:
    """The stable fixed point q* = q_map(q*) (0 if the variance dies out, inf if it diverges).

    Found by bisection rather than by iterating the map, which crawls near the edge of chaos
    where the map's slope at q* approaches 1.
    """

    def excess(q: float) -> float:
        return q_map(activation, q, sigma_w2, sigma_b2, slope) - q

    if excess(1e-12) <= 0:
        return 0.0
    hi = 1.0
    while excess(hi) > 0:
        hi *= 2
        if hi > 1e12:
            return math.inf
    lo = 0.0
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if excess(mid) > 0 else (lo, mid)
    return 0.5 * (lo + hi)


def edge_of_chaos(activation: str, sigma_b2: float, slope: float = 0.01) -> float:
    """sigma_w^2 on the critical line chi(q*) = 1 for this sigma_b^2 (bisection on [0.05, 20]).

    Schoenholz et al. (2017): on this line signals and gradients propagate through arbitrarily
    many layers; below it (ordered phase) gradients vanish, above it (chaotic) they explode.
    """

    def excess(sigma_w2: float) -> float:
        q_star = q_fixed_point(activation, sigma_w2, sigma_b2, slope)
        return chi(activation, q_star, sigma_w2, slope) - 1.0

    lo, hi = 0.05, 20.0
    if excess(lo) > 0 or excess(hi) < 0:
        raise ValueError(f"no edge of chaos for {activation} with sigma_b^2={sigma_b2}")
    for _ in range(44):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if excess(mid) < 0 else (lo, mid)
    return 0.5 * (lo + hi)


# --- predictions for a configuration ----------------------------------------------------------


class TheoryUnavailable(ValueError):
    """The mean-field analysis here does not cover this configuration."""


@dataclass(frozen=True)
class MeanFieldProfile:
    """Per-layer mean-field quantities for a `SimConfig`, index 0 = layer 1.

    ``q``: pre-activation variance (before any normalisation); ``second_moment``: E[h^2] of the
    layer output; ``chi``: factor from ||dL/dh_l||^2 to ||dL/dh_{l-1}||^2; ``output_grad`` and
    ``weight_grad``: predicted norms relative to layer ``depth`` (= 1); ``forward_log_var`` and
    ``backward_log_var``: per-layer variance, for one example at finite width, of
    log(||h_l||^2 / ||h_{l-1}||^2) and of log(||dL/dh_{l-1}||^2 / ||dL/dh_l||^2): the
    fluctuation about the mean-field value that tests turn into tolerances. Forward it is
    (E[phi^4]/E[phi^2]^2 - 1)/n_out (units are i.i.d. given the previous layer); backward
    2/n_in (a Gaussian matrix acting on a fixed vector) + (3 E[phi'^4]/E[phi'^2]^2 - 1)/n_out
    (the derivative mask acting on Gaussian gradient entries). Averaging over a batch only
    shrinks these, so tolerances built from them are conservative.
    """

    q: tuple[float, ...]
    second_moment: tuple[float, ...]
    chi: tuple[float, ...]
    output_grad: tuple[float, ...]
    weight_grad: tuple[float, ...]
    forward_log_var: tuple[float, ...]
    backward_log_var: tuple[float, ...]


def check_supported(cfg: SimConfig) -> str | None:
    """Why the overlay cannot be computed for ``cfg`` (None when it can)."""
    if cfg.recurrent:
        return "the per-layer profile is for arch mlp; see recurrent_profile for an rnn"
    if cfg.norm == "batch":
        return (
            "no mean-field overlay for batch norm: at initialisation its gradients grow with "
            "depth through batch coupling (Yang et al. 2019), which the per-example maps omit"
        )
    return None


@functools.lru_cache(maxsize=256)
def mean_field_profile(cfg: SimConfig) -> MeanFieldProfile:
    """Iterate the mean-field maps through ``cfg``'s layers (inputs have unit second moment).

    Cached per config (a figure's check and its drawing both need it). Layer norm is
    modelled as rescaling the pre-activation to unit variance (its gradient is
    divided by sqrt(q) and loses the 2 projected directions); residual layers add
    ``residual_scale * phi`` to their input, so the backward factor becomes 1 + s^2 chi.
    """
    reason = check_supported(cfg)
    if reason is not None:
        raise TheoryUnavailable(reason)
    act, slope = cfg.activation, cfg.leaky_slope
    sizes = (cfg.in_features, *cfg.widths)

    second, mean = 1.0, 0.0
    qs, seconds, chis, fwd_var, bwd_var = [], [], [], [], []
    sq_delta, h_prev = [], []  # per layer: ||dL/dz||^2 / ||dL/dh||^2 and ||h_{l-1}||^2
    for fan_in, fan_out in itertools.pairwise(sizes):
        sigma_w2 = weight_std(cfg, fan_in, fan_out) ** 2 * fan_in
        q = sigma_w2 * second + bias_variance(cfg, fan_in)
        qa = 1.0 if cfg.norm == "layer" else q  # variance entering phi
        a1, a2, a4, d2, d4 = activation_moments(act, qa, slope)
        if cfg.norm == "layer" and q == 0:
            raise TheoryUnavailable("layer norm of an all-zero pre-activation is undefined")
        through = d2 * (1 - 2 / fan_out) / q if cfg.norm == "layer" else d2
        skip = cfg.residual and fan_in == fan_out
        s2 = cfg.residual_scale**2 if skip else 1.0
        h_prev.append(fan_in * second)
        sq_delta.append(s2 * through)
        layer_chi = sigma_w2 * through
        chis.append(1 + s2 * layer_chi if skip else layer_chi)
        if skip:
            second, mean = (
                second + s2 * a2 + 2 * cfg.residual_scale * mean * a1,
                mean + cfg.residual_scale * a1,
            )
        else:
            second, mean = a2, a1
        qs.append(q)
        seconds.append(second)
        fwd_var.append(_ratio_var(a4, a2) / fan_out)
        bwd_var.append(2 / fan_in + (3 * _ratio_var(d4, d2) + 2) / fan_out)

    grad = [1.0] * cfg.depth
    for i in range(cfg.depth - 1, 0, -1):
        grad[i - 1] = grad[i] * chis[i]
    weight = [g * d * h for g, d, h in zip(grad, sq_delta, h_prev, strict=True)]
    if weight[-1] == 0:
        raise TheoryUnavailable("the top layer's weights receive no gradient at initialisation")
    return MeanFieldProfile(
        q=tuple(qs),
        second_moment=tuple(seconds),
        chi=tuple(chis),
        output_grad=tuple(math.sqrt(g) for g in grad),
        weight_grad=tuple(math.sqrt(w / weight[-1]) for w in weight),
        forward_log_var=tuple(fwd_var),
        backward_log_var=tuple(bwd_var),
    )


def _ratio_var(fourth: float, second: float) -> float:
    """Relative variance E[x^4]/E[x^2]^2 - 1 of x^2 (0 when x is identically 0)."""
    return fourth / second**2 - 1 if second > 0 else 0.0


#: Metrics `predicted_grad_norms` can predict.
PREDICTABLE = ("output_grad_norm", "weight_grad_norm")


def predicted_grad_norms(
    cfg: SimConfig, metric: str = "output_grad_norm", anchor: float = 1.0
) -> list[float]:
    """Mean-field per-layer gradient norms (layer 1 first), scaled so layer ``depth`` = anchor.

    Pass the measured value at the top layer as ``anchor`` to overlay the predicted shape on a
    measurement. ``weight_grad_norm`` is the per-example prediction ||delta_l|| ||h_{l-1}||;
    for a batch it also needs the examples to stay uncorrelated, which deep networks undo as
    they correlate their inputs, so the figures overlay ``output_grad_norm`` only.
    """
    profile = mean_field_profile(cfg)
    if metric == "output_grad_norm":
        return [anchor * g for g in profile.output_grad]
    if metric == "weight_grad_norm":
        return [anchor * g for g in profile.weight_grad]
    raise ValueError(f"metric {metric!r} has no prediction; choose one of {PREDICTABLE}")


# --- recurrent networks -----------------------------------------------------------------------


@dataclass(frozen=True)
class RecurrentProfile:
    """Mean-field quantities of a vanilla rnn per time step, index 0 = t = 1.

    ``input_variance``: variance of W_ih x_t + b per unit (the drive every step adds);
    ``q``: variance of the pre-activation z_t; ``chi``: factor from ||dL/dh_t||^2 to
    ||dL/dh_(t-1)||^2 (the entry for t = 1 is the factor to h_0); ``hidden_grad``: predicted
    ||dL/dh_t|| relative to ||dL/dh_T|| (= 1 at t = T).
    """

    input_variance: float
    q: tuple[float, ...]
    chi: tuple[float, ...]
    hidden_grad: tuple[float, ...]


def recurrent_input_variance(cfg: SimConfig) -> float:
    """Variance per unit of W_ih x_t + b_ih: inputs have unit second moment (both tasks), so
    it is fan_in Var(W_ih) + Var(b_ih), with each gate block an (hidden, input) matrix."""
    n_in = cfg.in_features
    return n_in * weight_std(cfg, n_in, cfg.hidden) ** 2 + bias_variance(cfg, n_in)


@functools.lru_cache(maxsize=256)
def recurrent_profile(cfg: SimConfig) -> RecurrentProfile:
    """Iterate the mean-field maps of a vanilla rnn h_t = phi(W h_(t-1) + W_ih x_t + b) over time.

    The recurrent weights have spectral radius about G = ``recurrent_gain`` (an orthogonal
    matrix times G preserves every norm up to G exactly; an N(0, G^2/H) matrix does so on
    average), so with the input drive of variance v the pre-activation variance follows
    q_1 = v, q_(t+1) = G^2 E[phi(sqrt(q_t) u)^2] + v, the forward map of Poole et al. (2016)
    with the input in place of the bias; the backward signal loses, per step back,
    chi_t = G^2 E[phi'(sqrt(q_t) u)^2] of its squared norm. This is the mean-field theory of
    recurrent networks of Chen, Pennington & Schoenholz (2018), which treats the weights as
    if redrawn at each step; with tied weights it holds for wide networks and, for a linear rnn
    with orthogonal or identity weights, exactly (every factor is G). Not covered: identity
    weights with a nonlinearity (each unit is its own scalar recurrence, so one unit's slopes
    stay correlated across time: an active relu unit stays active), and the gated cells.
    """
    if cfg.arch != "rnn":
        raise TheoryUnavailable(
            f"the mean-field prediction covers the vanilla rnn, not {cfg.arch}: its gates "
            "depend on the state in ways the maps here do not model"
        )
    if cfg.recurrent_init == "identity" and cfg.activation != "linear":
        raise TheoryUnavailable(
            "no mean-field prediction for identity recurrent weights with a nonlinearity: each "
            "unit then feeds only itself, and its slopes stay correlated across time"
        )
    act, g2 = cfg.activation, cfg.recurrent_gain**2
    drive = recurrent_input_variance(cfg)
    qs, chis = [], []
    q = drive
    for _ in range(cfg.seq_len):
        qs.append(q)
        chis.append(chi(act, q, g2))
        q = q_map(act, q, g2, drive)
    grad = [1.0] * cfg.seq_len
    for t in range(cfg.seq_len - 1, 0, -1):
        grad[t - 1] = grad[t] * chis[t]
    return RecurrentProfile(
        input_variance=drive,
        q=tuple(qs),
        chi=tuple(chis),
        hidden_grad=tuple(math.sqrt(v) for v in grad),
    )
