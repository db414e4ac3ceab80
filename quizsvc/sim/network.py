"""The network and synthetic task a `SimConfig` describes, built from raw tensors.

Layers are plain weight/bias tensors and a functional forward pass rather than ``nn.Module``s:
the engine needs every pre-activation and layer output anyway, and skipping module dispatch
keeps a depth-20 pass in the low milliseconds. A test rebuilds the same network from
``torch.nn`` modules and checks that both agree.

Weights and data come from two generators seeded from ``cfg.seed`` so that, for one seed,
every architecture sees the same data and every init of the same shapes the same underlying
random draws (``normal`` and ``kaiming_normal`` differ only by scale).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from quizsvc.sim import activations, theory
from quizsvc.sim.config import SimConfig

#: Offset between the weight and the data generator seeds (seeds are below 2**31).
DATA_SEED_OFFSET = 2**31
NORM_EPS = 1e-5


@dataclass
class Network:
    """Hidden layers 1..depth then the readout; ``biases`` is empty when ``cfg.bias`` is off."""

    weights: list[Tensor]
    biases: list[Tensor]

    def parameters(self) -> list[Tensor]:
        return [*self.weights, *self.biases]

    @property
    def readout_index(self) -> int:
        """Position of the readout weight in `parameters`."""
        return len(self.weights) - 1


@dataclass
class Task:
    """One fixed batch: inputs with unit second moment and their regression or class targets.

    Recurrent networks get a sequence, ``x`` of shape (seq_len, batch, input)."""

    x: Tensor
    target: Tensor


@dataclass
class Trace:
    """What a forward pass kept per hidden layer: the tensor entering phi, phi of it, and the
    layer output h_l (phi plus the scaled skip, or phi alone)."""

    pre: list[Tensor]
    act: list[Tensor]
    hidden: list[Tensor]
    output: Tensor


def dtype_of(cfg: SimConfig) -> torch.dtype:
    return torch.float64 if cfg.dtype == "float64" else torch.float32


def generators(seed: int) -> tuple[torch.Generator, torch.Generator]:
    """(weights, data) generators for one seed."""
    weights = torch.Generator().manual_seed(seed)
    data = torch.Generator().manual_seed(seed + DATA_SEED_OFFSET)
    return weights, data


def init_weight(w: Tensor, cfg: SimConfig, gen: torch.Generator) -> None:
    """Fill a (fan_out, fan_in) weight in place exactly as the torch.nn.init call would."""
    fan_out, fan_in = w.shape
    g = (
        cfg.gain
        if cfg.gain is not None
        else theory.default_gain(cfg.init, cfg.activation, cfg.leaky_slope)
    )
    init = cfg.init
    if init == "normal":
        torch.nn.init.normal_(w, 0.0, cfg.init_std, generator=gen)
    elif init == "uniform":
        torch.nn.init.uniform_(w, -cfg.init_bound, cfg.init_bound, generator=gen)
    elif init in ("xavier_normal", "kaiming_normal"):
        w.normal_(0.0, theory.init_std(init, fan_in, fan_out, g, cfg.kaiming_mode), generator=gen)
    elif init == "orthogonal":
        torch.nn.init.orthogonal_(w, gain=g, generator=gen)
    else:  # xavier_uniform, kaiming_uniform, pytorch_default
        bound = theory.init_bound(init, fan_in, fan_out, g, cfg.kaiming_mode)
        w.uniform_(-bound, bound, generator=gen)


def init_bias(b: Tensor, cfg: SimConfig, fan_in: int, gen: torch.Generator) -> None:
    """Fill a bias in place: zeros, normal(0, bias_std) or nn.Linear's uniform(+-1/sqrt(fan_in))."""
    if cfg.bias_init == "zeros":
        b.zero_()
    elif cfg.bias_init == "normal":
        b.normal_(0.0, cfg.bias_std, generator=gen)
    else:
        bound = 1 / math.sqrt(fan_in)
        b.uniform_(-bound, bound, generator=gen)


def build_network(cfg: SimConfig, gen: torch.Generator) -> Network:
    """Initialise every layer (readout included, with the same scheme) from ``gen``."""
    sizes = (cfg.in_features, *cfg.widths, cfg.out_features)
    weights, biases = [], []
    with torch.no_grad():
        for fan_in, fan_out in itertools.pairwise(sizes):
            w = torch.empty(fan_out, fan_in, dtype=dtype_of(cfg))
            init_weight(w, cfg, gen)
            weights.append(w.requires_grad_())
            if cfg.bias:
                b = torch.empty(fan_out, dtype=dtype_of(cfg))
                init_bias(b, cfg, fan_in, gen)
                biases.append(b.requires_grad_())
    return Network(weights, biases)


def make_task(cfg: SimConfig, gen: torch.Generator) -> Task:
    """Regression: x, y ~ N(0, I). Classification: x = (mu_class + noise) / sqrt(2).

    Recurrent networks read a sequence: regression gives x_t ~ N(0, I) at every step and one
    target for the last; recall shows a token from ``classes`` at every step, each token a fixed
    random vector mu ~ N(0, I), and asks for the first token after all ``seq_len`` steps.
    """
    shape: tuple[int, ...] = (cfg.batch, cfg.in_features)
    dtype = dtype_of(cfg)
    if cfg.recurrent:
        shape = (cfg.seq_len, *shape)
    if cfg.task == "recall":
        tokens = torch.randn(cfg.classes, cfg.in_features, generator=gen, dtype=dtype)
        sequence = torch.randint(cfg.classes, shape[:2], generator=gen)
        return Task(tokens[sequence], sequence[0])
    if cfg.task == "regression":
        x = torch.randn(shape, generator=gen, dtype=dtype)
        y = torch.randn(cfg.batch, cfg.out_features, generator=gen, dtype=dtype)
        return Task(x, y)
    centers = torch.randn(cfg.classes, cfg.in_features, generator=gen, dtype=dtype)
    labels = torch.randint(cfg.classes, (cfg.batch,), generator=gen)
    noise = torch.randn(shape, generator=gen, dtype=dtype)
    return Task((centers[labels] + noise) / math.sqrt(2.0), labels)


def forward(net: Network, cfg: SimConfig, x: Tensor) -> Trace:
    """Linear -> norm -> phi per hidden layer (plus the scaled skip where widths match)."""
    pre, act, hidden = [], [], []
    h = x
    for i in range(cfg.depth):
        bias = net.biases[i] if cfg.bias else None
        z = F.linear(h, net.weights[i], bias)
        if cfg.norm == "batch":
            z = F.batch_norm(z, None, None, training=True, eps=NORM_EPS)
        elif cfg.norm == "layer":
            z = F.layer_norm(z, z.shape[-1:], eps=NORM_EPS)
        a = activations.apply(cfg.activation, z, cfg.leaky_slope)
        skip = cfg.residual and h.shape == a.shape
        h = h + cfg.residual_scale * a if skip else a
        pre.append(z)
        act.append(a)
        hidden.append(h)
    bias = net.biases[-1] if cfg.bias else None
    return Trace(pre, act, hidden, F.linear(h, net.weights[-1], bias))


def loss(cfg: SimConfig, output: Tensor, target: Tensor) -> Tensor:
    """Mean squared error (mean over all entries) or cross-entropy (mean over the batch, for
    classification and recall)."""
    if cfg.task == "regression":
        return F.mse_loss(output, target)
    return F.cross_entropy(output, target)
