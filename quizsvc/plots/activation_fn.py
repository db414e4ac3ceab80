"""An activation function phi and its derivative phi', with the saturated regions shaded.

The curves come from `quizsvc.sim.activations`, the same code the engine runs, and the shaded
regions use the engine's saturation definition (|phi'| under 10 % of its maximum).
"""

from __future__ import annotations

import torch
from matplotlib.figure import Figure

from quizsvc.plots.base import Description, Request
from quizsvc.plots.style import NEUTRAL, PALETTE, few_ticks, legend_above, number
from quizsvc.plots.text import Facts
from quizsvc.sim import activations, theory

_POINTS = 601


def resolve(req: Request) -> tuple[str, float]:
    """The activation and slope to draw: options first, else the first result's config."""
    name = req.options.get("activation") or req.sims[0].config.activation
    slope = req.options.get("slope")
    if slope is None:
        slope = req.sims[0].config.leaky_slope if req.sims else 0.01
    return name, float(slope)


def draw(fig: Figure, req: Request) -> Description:
    ax = fig.axes[0]
    name, slope = resolve(req)
    zmax = float(req.options["zmax"])
    z = torch.linspace(-zmax, zmax, _POINTS, dtype=torch.float64)
    phi = activations.apply(name, z, slope).tolist()
    dphi = activations.derivative(name, z, slope).tolist()
    zs = z.tolist()
    threshold = theory.saturation_threshold(name, slope)
    regions = _saturated_regions(zs, dphi, threshold)
    for i, (a, b) in enumerate(regions):
        ax.axvspan(
            a,
            b,
            color=NEUTRAL,
            alpha=0.12,
            linewidth=0,
            label="saturated: |φ′| < 10 % of its max" if i == 0 else None,
        )
    ax.plot(zs, phi, color=PALETTE[0], label="φ(z)")
    ax.plot(zs, dphi, color=PALETTE[1], linestyle="--", label="φ′(z)")
    ax.axhline(0, color=NEUTRAL, linewidth=0.8)
    ax.axvline(0, color=NEUTRAL, linewidth=0.8)
    ax.set_xlim(-zmax, zmax)
    few_ticks(ax.xaxis)
    few_ticks(ax.yaxis)
    ax.set_xlabel("pre-activation z")
    ax.set_ylabel("φ(z) and φ′(z)")
    legend_above(ax)
    hidden = "activation" in req.hide
    facts = Facts(req.hide)
    subject = "An activation function" if hidden else f"The {name} activation"
    facts.add(
        f"{subject} φ (solid) and its derivative φ′ (dashed) for z from {-zmax:g} to {zmax:g}."
    )
    facts.add(f"φ′ is at most {number(theory.derivative_bound(name, slope))}.", "derivative_bound")
    if regions:
        spans = ", ".join(_interval(a, b, zmax) for a, b in regions)
        facts.add(f"Shaded, saturated where |φ′| is under 10 % of that: {spans}.", "saturation")
    else:
        facts.add("It does not saturate in this range.", "saturation")
    title = "Activation function and its derivative"
    return Description(
        title=title if hidden else f"{name}: {title[0].lower()}{title[1:]}", alt=facts.text()
    )


def _saturated_regions(
    z: list[float], d: list[float], threshold: float
) -> list[tuple[float, float]]:
    """Contiguous z ranges where |phi'(z)| < threshold."""
    regions: list[tuple[float, float]] = []
    start = None
    for zi, di in zip(z, d, strict=True):
        if abs(di) < threshold and start is None:
            start = zi
        elif abs(di) >= threshold and start is not None:
            regions.append((start, zi))
            start = None
    if start is not None:
        regions.append((start, z[-1]))
    return regions


def _interval(a: float, b: float, zmax: float) -> str:
    if a <= -zmax:
        return f"z < {b:.2g}"
    if b >= zmax:
        return f"z > {a:.2g}"
    return f"{a:.2g} < z < {b:.2g}"
