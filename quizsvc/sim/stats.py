"""Per-layer statistics of one forward/backward pass (definitions in docs/simulate.md).

This runs for every simulation, so it is written for speed: a few cheap passes per layer (a
sum, a norm, one comparison) on tensors small enough to stay in cache, and every column
reaches Python in a single transfer. ``torch.std_mean`` alone would cost more than the
network's matrix products; stacking layers to reduce them together loses to the page faults
of the large temporaries.

Definitions, all over the batch x units entries of a layer:

* ``saturation``: fraction of entries with |phi'(z)| < `theory.SATURATION_FRACTION` times
  ``sup |phi'|`` (the local gradient is under 10 % of the largest it can be);
* ``dead_fraction``: fraction of units whose phi'(z) is exactly 0 for every example, so no
  gradient reaches their incoming weights (dead ReLUs; never for a smooth activation unless
  it underflows);
* ``activation_mean``/``activation_std``: of the layer output h_l; ``preactivation_std``: of
  the tensor entering phi (after normalisation); standard deviations are population ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from quizsvc.sim import activations, theory
from quizsvc.sim.config import SimConfig
from quizsvc.sim.network import Network, Trace
from quizsvc.sim.result import Histogram, LayerStats

#: Bins of each layer's display histogram, and about how many values it counts.
HISTOGRAM_BINS = 24
HISTOGRAM_VALUES = 4096


@dataclass
class Grads:
    """Gradients of one pass before clipping: parameters (weights, then biases) and the
    layer outputs h_1..h_depth (a recurrent network's states h_1..h_T, then c_1..c_T)."""

    params: list[Tensor]
    hidden: list[Tensor]


def to_floats(values: list[Tensor]) -> list[float]:
    """0-d tensors to Python floats in one transfer."""
    return torch.stack(values).double().tolist()


def norms(tensors: list[Tensor]) -> list[float]:
    """Euclidean (Frobenius) norm of each tensor."""
    return to_floats([torch.linalg.vector_norm(t) for t in tensors])


@torch.no_grad()
def layer_stats(net: Network, cfg: SimConfig, trace: Trace, grads: Grads) -> list[LayerStats]:
    """`LayerStats` for hidden layers 1..depth from a pass's trace and pre-clip gradients."""
    depth = cfg.depth
    w_grads = grads.params[:depth]
    columns: dict[str, list[float]] = {
        "weight_grad_norm": norms(w_grads),
        "bias_grad_norm": norms(grads.params[depth + 1 : 2 * depth + 1])
        if cfg.bias
        else [0.0] * depth,
        "output_grad_norm": norms(grads.hidden),
        "w_dot_grad": to_floats(
            [
                torch.dot(w.reshape(-1), g.reshape(-1))
                for w, g in zip(net.weights[:depth], w_grads, strict=True)
            ]
        ),
    }
    threshold = theory.saturation_threshold(cfg.activation, cfg.leaky_slope)
    counts, moments = [], []
    for z, a, h in zip(trace.pre, trace.act, trace.hidden, strict=True):
        d = activations.derivative(cfg.activation, z, cfg.leaky_slope, out=a)
        if cfg.activation in activations.SIGNED_DERIVATIVE:
            d = d.abs_()
        counts.append(torch.stack([torch.count_nonzero(d < threshold), _dead_units(d)]))
        moments.append(torch.stack([*_centred(h), _centred(z)[1], *torch.aminmax(h)]))
    batch, units = trace.hidden[0].shape[0], [h.shape[1] for h in trace.hidden]
    count_rows = torch.stack(counts).tolist()
    mean, h_dev, z_dev, lo, hi = torch.stack(moments).double().T.tolist()
    columns.update(
        saturation=[c[0] / (batch * n) for c, n in zip(count_rows, units, strict=True)],
        dead_fraction=[c[1] / n for c, n in zip(count_rows, units, strict=True)],
        activation_mean=mean,
        activation_std=[dev / math.sqrt(batch * n) for dev, n in zip(h_dev, units, strict=True)],
        preactivation_std=[dev / math.sqrt(batch * n) for dev, n in zip(z_dev, units, strict=True)],
    )
    histograms = [_histogram(*args) for args in zip(trace.hidden, lo, hi, strict=True)]
    return [
        LayerStats(index=i + 1, histogram=histograms[i], **{k: v[i] for k, v in columns.items()})
        for i in range(depth)
    ]


def _dead_units(d: Tensor) -> Tensor:
    """Units whose phi' (``d``, never negative here) is exactly 0 for every example."""
    return torch.count_nonzero(d.amax(dim=0) == 0)


def _centred(x: Tensor) -> tuple[Tensor, Tensor]:
    """Mean of all entries and the norm of their deviations from it (so std = norm / sqrt(n)):
    two passes, numerically stable where E[x^2] - E[x]^2 would cancel."""
    mean = x.mean()
    return mean, torch.linalg.vector_norm(x - mean)


def _histogram(h: Tensor, lo: float, hi: float) -> Histogram | None:
    """Display histogram of layer output ``h`` in equal bins over its full range [lo, hi].

    Counts come from the first examples of the batch, about `HISTOGRAM_VALUES` values: plenty
    for a 24-bin picture, and cheap. None when the range is not finite (the layer overflowed).
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    sample = h[: max(1, HISTOGRAM_VALUES // h.shape[1])].reshape(-1)
    index = ((sample - lo) * (HISTOGRAM_BINS / (hi - lo))).to(torch.int64)
    counts = torch.bincount(index.clamp_(0, HISTOGRAM_BINS - 1), minlength=HISTOGRAM_BINS)
    return Histogram(lo, hi, tuple(counts.tolist()))
