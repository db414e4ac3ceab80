"""Per-layer gradient norms on a log axis: the picture of vanishing and exploding gradients.

Several results are overlaid (one colour and marker each); a multi-seed result adds its
10-90 % band, and ``theory`` adds the mean-field prediction (`quizsvc.sim.theory`) anchored at
the top layer's measured value, so the comparison is of shape: how fast the norm changes
layer to layer.
"""

from __future__ import annotations

import math

from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from quizsvc.plots.base import Description, Request
from quizsvc.plots.metrics import GRAD_NORM_METRICS as METRICS
from quizsvc.plots.style import NEUTRAL, few_ticks, log_y, number, positive, series_style
from quizsvc.plots.text import Facts
from quizsvc.sim import theory

_MANY_LAYERS = 30


def draw(fig: Figure, req: Request) -> Description:
    ax = fig.axes[0]
    metric = req.options["metric"]
    axis_label, words = METRICS[metric]
    facts = Facts(req.hide)
    facts.add(
        f"Line chart of the {words} for each layer on a log scale (layer 1 is nearest the input),"
        f" {len(req.sims)} network{'s' if len(req.sims) > 1 else ''}."
    )
    plotted: list[float] = []
    extras: list[Artist] = []
    for i, (sim, label) in enumerate(zip(req.sims, req.labels, strict=True)):
        values = sim.metric(metric)
        depth = len(values)
        layers = range(1, depth + 1)
        style = series_style(i, depth > _MANY_LAYERS)
        ax.plot(layers, positive(values), label=label, **style)
        plotted += values
        first, last = values[0], values[-1]
        facts.add(f"{label}: {number(first)} at layer 1, {number(last)} at layer {depth}.", metric)
        if last > 0 and first > 0:
            facts.add(
                f"Layer 1 gets {number(first / last)} times the top layer's value.", metric, "ratio"
            )
        if req.options["band"] and sim.band is not None:
            band = sim.band[metric]
            ax.fill_between(
                layers,
                positive(band.p10),
                positive(band.p90),
                color=style["color"],
                alpha=0.2,
                linewidth=0,
            )
            plotted += band.p10 + band.p90
            seeds = "" if "seeds" in req.hide else f" over {sim.seeds} seeds"
            extras.append(Patch(color=NEUTRAL, alpha=0.3, label=f"10-90 %{seeds}"))
            facts.add(
                f"The shaded band spans the 10th to 90th percentile{seeds} and the line is the "
                "median."
            )
        if req.theory:
            predicted = theory.predicted_grad_norms(sim.config, metric, anchor=last)
            ax.plot(
                layers, positive(predicted), linestyle="--", linewidth=1.2, color=style["color"]
            )
            plotted += predicted
            extras.append(Line2D([], [], color=NEUTRAL, linestyle="--", label="mean-field theory"))
            facts.add(
                f"Dashed: the mean-field prediction, {number(predicted[0])} at layer 1.", metric
            )
    log_y(ax, plotted)
    if any(not (math.isfinite(v) and v > 0) for v in plotted):
        # A log axis cannot show 0 (a gradient that underflowed) or an overflow: say so.
        extras.append(Line2D([], [], linestyle="none", label="gaps: 0 or not finite"))
        facts.add("Gaps in a line are layers whose value is exactly 0 or not finite.")
    ax.set_xlim(0.5, max(len(sim.layers) for sim in req.sims) + 0.5)
    ax.set_xlabel("layer (1 = nearest the input)")
    few_ticks(ax.xaxis, integer=True)
    ax.set_ylabel(axis_label)
    handles = ax.get_legend_handles_labels()[0] + _unique(extras)
    ax.legend(handles=handles, loc="best")
    return Description(title="Gradient norm per layer", alt=facts.text())


def _unique(handles: list[Artist]) -> list[Artist]:
    """Legend entries with distinct labels (one band/theory entry however many series)."""
    seen: dict[str, Artist] = {}
    for h in handles:
        seen.setdefault(str(h.get_label()), h)
    return list(seen.values())
