"""Quantities the lessons state, measured from the activations themselves rather than read from
a table, so a lesson and the theory module cannot agree on a wrong constant."""

from __future__ import annotations

import torch

from quizsvc.sim.activations import apply


def peak_slope(activation: str) -> float:
    """max |phi'(z)| over a dense grid, by autograd (the derivative bound of the lessons)."""
    z = torch.linspace(-20.0, 20.0, 400_001, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(apply(activation, z).sum(), z)
    return float(slope.abs().max())
