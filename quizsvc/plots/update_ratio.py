"""The update-to-data ratio ||delta W|| / ||W|| per layer over training, on a log axis.

A ratio far below ~1e-3 means a layer barely learns; far above, its weights are being
rewritten each step. Layers are coloured from input (dark) to output (light) with cividis.
"""

from __future__ import annotations

import matplotlib
from matplotlib.figure import Figure

from quizsvc.plots.base import Description, Request
from quizsvc.plots.style import (
    ALERT,
    NEUTRAL,
    SEQUENTIAL,
    few_ticks,
    legend_above,
    log_y,
    number,
    positive,
    spread,
)
from quizsvc.plots.text import Facts

REFERENCE = 1e-3


def draw(fig: Figure, req: Request) -> Description:
    ax = fig.axes[0]
    sim = req.sims[0]
    steps = sorted(sim.update_ratio)
    depth = len(sim.layers)
    shown = spread(depth, req.options["max_layers"])
    cmap = matplotlib.colormaps[SEQUENTIAL]
    plotted: list[float] = [REFERENCE]
    for k, i in enumerate(shown):
        values = [sim.update_ratio[s][i] for s in steps]
        color = cmap(0.9 * k / max(1, len(shown) - 1))
        ax.plot(
            steps,
            positive(values),
            color=color,
            label=f"layer {i + 1}",
            marker="o" if len(steps) <= 30 else None,
        )
        plotted += values
    ax.axhline(REFERENCE, color=NEUTRAL, linestyle=":", linewidth=1.2, label="10⁻³ rule of thumb")
    log_y(ax, plotted)
    ax.set_xlabel("optimiser step")
    few_ticks(ax.xaxis, integer=True)
    ax.set_ylabel("‖ΔW‖ / ‖W‖ per step (ratio)")
    legend_above(ax, max_cols=6)  # short labels: "layer 3"
    facts = Facts(req.hide)
    facts.add(
        f"Line chart, log scale: update-to-data ratio of {len(shown)} of {depth} layers "
        f"at {len(steps)} recorded steps."
    )
    for s in sorted({steps[0], steps[-1]}) if steps else []:
        listed = ", ".join(f"layer {i + 1} {number(sim.update_ratio[s][i])}" for i in shown)
        facts.add(f"Step {s}: {listed}.", "update_ratio")
    if not steps:
        # A run that is non-finite at step 0 never updates: say so rather than fail.
        why = "" if "diverged_at" in req.hide else ": the first step was non-finite"
        ax.text(
            0.5, 0.5, f"no update was made{why}", ha="center", color=ALERT, transform=ax.transAxes
        )
        facts.add(f"No update was made{why}.")
    facts.add("A dotted line marks 10⁻³, a common rule of thumb for a healthy ratio.")
    return Description(title="Update-to-data ratio per layer", alt=facts.text())
