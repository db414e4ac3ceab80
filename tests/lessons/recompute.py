"""Quantities the lessons state, measured from the activations themselves rather than read from
a table, so a lesson and the theory module cannot agree on a wrong constant."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from quizsvc.content import load_catalog
from quizsvc.sim.activations import apply


def peak_slope(activation: str) -> float:
    """max |phi'(z)| over a dense grid, by autograd (the derivative bound of the lessons)."""
    z = torch.linspace(-20.0, 20.0, 400_001, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(apply(activation, z).sum(), z)
    return float(slope.abs().max())


def variant_excess(
    template_id: str,
    theory: Callable[[Mapping[str, Any]], float],
    measured: str = "ratio",
    seeds: int = 24,
) -> list[float]:
    """A question's ``measured`` value over a theory value, for its first ``seeds`` variants
    (what a statement about "these networks" in its explanation is about)."""
    from quizsvc.quiz.generate import build
    from tests.support.database import CONTENT_DIR

    template = load_catalog(CONTENT_DIR).template(template_id)
    excess = []
    for seed in range(seeds):
        env = build(template, seed).env
        excess.append(float(env[measured]) / theory(env))
    return excess
