"""Activation functions and their derivatives, one definition for the engine, theory and plots.

The functions match ``torch.nn`` modules exactly (``nn.GELU()`` is the erf form, ``nn.ELU()``
has alpha 1, ``nn.SELU()`` uses the published constants), so a network built here behaves like
the same network built from modules (a test checks this). Derivatives are closed forms rather
than autograd calls because the engine evaluates them on every layer for the saturation
statistics; a test checks each against autograd.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

# Constants of Klambauer et al. (2017), as torch uses them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

#: Activations whose derivative takes negative values somewhere (GELU dips below 0 near -0.75).
SIGNED_DERIVATIVE = ("gelu",)

_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def apply(name: str, z: Tensor, slope: float = 0.01) -> Tensor:
    """phi(z) for activation ``name`` (``slope`` is leaky_relu's negative slope)."""
    if name == "linear":
        return z
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return F.relu(z)
    if name == "leaky_relu":
        return F.leaky_relu(z, slope)
    if name == "elu":
        return F.elu(z)
    if name == "gelu":
        return F.gelu(z)
    if name == "selu":
        return F.selu(z)
    raise ValueError(f"unknown activation {name!r}")


def derivative(name: str, z: Tensor, slope: float = 0.01, out: Tensor | None = None) -> Tensor:
    """phi'(z), with the value torch's backward uses at kinks (0 for relu at z = 0).

    ``out`` may pass phi(z) when the caller already has it, which saves recomputing the
    sigmoid or tanh. The forms avoid boolean masks where they can (sign(relu z) is the relu
    step), because on CPU comparisons cost several times an arithmetic pass.
    """
    if name == "linear":
        return torch.ones_like(z)
    if name == "sigmoid":
        s = torch.sigmoid(z) if out is None else out
        return s * (1 - s)
    if name == "tanh":
        t = torch.tanh(z) if out is None else out
        return 1 - t.square()
    if name == "relu":
        return torch.sign(F.relu(z))
    if name == "leaky_relu":
        return torch.sign(F.relu(z)).mul_(1 - slope).add_(slope)
    if name == "elu":
        return torch.exp(z.clamp(max=0))
    if name == "gelu":
        cdf = 0.5 * (1 + torch.erf(z * _INV_SQRT_2))
        pdf = _INV_SQRT_2PI * torch.exp(-0.5 * z.square())
        return cdf + z * pdf
    if name == "selu":
        return SELU_SCALE * torch.where(z > 0, 1.0, SELU_ALPHA * torch.exp(z))
    raise ValueError(f"unknown activation {name!r}")
