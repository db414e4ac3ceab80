"""Expectations over a Gaussian pre-activation, the integral every mean-field prediction needs.

Composite Simpson quadrature on each half-line with one-sided values at 0, so the kink of
relu-like activations (and the jump of their derivatives) costs nothing in accuracy.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor

from quizsvc.sim import activations

_GRID_HALF_WIDTH = 10.0
_HALF_INTERVALS = 2000  # per half-line, even (Simpson)


def _simpson_half_line() -> tuple[Tensor, Tensor]:
    """Nodes on [0, L] and Simpson weights times the standard normal density."""
    u = torch.linspace(0.0, _GRID_HALF_WIDTH, _HALF_INTERVALS + 1, dtype=torch.float64)
    simpson = torch.ones_like(u)
    simpson[1:-1:2] = 4.0
    simpson[2:-1:2] = 2.0
    density = torch.exp(-0.5 * u.square()) / math.sqrt(2 * math.pi)
    return u, simpson * (_GRID_HALF_WIDTH / _HALF_INTERVALS / 3) * density


_U, _W = _simpson_half_line()
# The smallest positive float: evaluating at +tiny instead of 0 gives the right-hand limit of
# a function with a kink or jump at 0 (relu' is 0 at 0 but 1 just above it).
_RIGHT_OF_ZERO = 5e-324


def gaussian_expectation(f: Callable[[Tensor], Tensor], q: float) -> float:
    """E[f(z)] for z ~ N(0, q), by quadrature (``f`` maps a float64 tensor elementwise).

    Composite Simpson on [-10, 0] and [0, 10] separately, each evaluated with its one-sided
    value at 0, so functions smooth except at 0 (every activation and its derivative) are
    integrated to ~1e-10.
    """
    return float((f(_nodes(q)) * _W).sum())


def _nodes(q: float) -> Tensor:
    """(2, n) quadrature nodes for N(0, q): the negative half-line, then the positive one."""
    z = math.sqrt(q) * _U
    right = z.clone()
    right[0] = _RIGHT_OF_ZERO
    return torch.stack([-z, right])


def activation_moments(activation: str, q: float, slope: float) -> list[float]:
    """[E phi, E phi^2, E phi^4, E phi'^2, E phi'^4] for z ~ N(0, q), one evaluation each of
    phi and phi' (the profile needs all five for every layer)."""
    z = _nodes(q)
    phi = activations.apply(activation, z, slope)
    phi2 = phi.square()
    d2 = activations.derivative(activation, z, slope).square()
    rows = torch.stack([phi, phi2, phi2.square(), d2, d2.square()])
    return (rows * _W).sum(dim=(1, 2)).tolist()
