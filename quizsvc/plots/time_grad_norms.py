"""Gradient norm per time step of recurrent networks: vanishing and exploding through time.

Backpropagation through time carries dL/dh_T back to every earlier state, one Jacobian per
step, so on a log axis geometric decay or growth is a straight line falling (or rising) from
the last step towards t = 1. Several networks are overlaid (one colour and marker each), a
multi-seed result adds its 10-90 % band, and ``relative`` divides each curve by its value at
the last step so networks whose readouts differ in scale compare by the share they keep.
``theory`` adds the mean-field prediction for a vanilla rnn (`theory.recurrent_profile`),
anchored at the last step's measured value.
"""

from __future__ import annotations

import math

from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from quizsvc.plots.base import Description, Request
from quizsvc.plots.metrics import TIME_GRAD_METRICS
from quizsvc.plots.style import (
    NEUTRAL,
    dashed,
    few_ticks,
    legend_above,
    log_y,
    number,
    positive,
    series_style,
)
from quizsvc.plots.text import Facts
from quizsvc.sim import theory

_MANY_STEPS = 30


def draw(fig: Figure, req: Request) -> Description:
    ax = fig.axes[0]
    metric = req.options["metric"]
    relative = req.options["relative"]
    axis_label, words = TIME_GRAD_METRICS[metric]
    facts = Facts(req.hide)
    scale = ", relative to the last step," if relative else ""
    facts.add(
        f"Line chart of the {words}{scale} at each time step on a log scale (t = 1 is the "
        f"earliest step; the loss reads the last state), {len(req.sims)} "
        f"network{'s' if len(req.sims) > 1 else ''}."
    )
    plotted: list[float] = []
    extras: dict[str, Artist] = {}  # legend entries by label: one band entry for all series
    for i, (sim, label) in enumerate(zip(req.sims, req.labels, strict=True)):
        values = sim.time_metric(metric)
        last = values[-1]
        unit = 1.0 / last if relative and math.isfinite(last) and last > 0 else 1.0
        steps = range(1, len(values) + 1)
        style = series_style(i, len(values) > _MANY_STEPS)
        ax.plot(steps, positive([v * unit for v in values]), label=label, **style)
        plotted += [v * unit for v in values]
        _describe(facts, label, values, metric)
        if req.theory:
            predicted = [p * last * unit for p in theory.recurrent_profile(sim.config).hidden_grad]
            ax.plot(steps, positive(predicted), **dashed(str(style["color"])))
            plotted += predicted
            theory_label = "mean-field theory"
            extras.setdefault(theory_label, Line2D([], [], **dashed(NEUTRAL), label=theory_label))
            facts.add(
                f"Dashed: the mean-field prediction, {number(predicted[0] / unit)} at t = 1.",
                metric,
            )
        if req.options["band"] and sim.band is not None:
            band = sim.band[metric]
            low, high = [v * unit for v in band.p10], [v * unit for v in band.p90]
            ax.fill_between(
                steps, positive(low), positive(high), color=style["color"], alpha=0.2, linewidth=0
            )
            plotted += low + high
            seeds = "" if "seeds" in req.hide else f" over {sim.seeds} seeds"
            band_label = f"10-90 %{seeds}"
            extras.setdefault(band_label, Patch(color=NEUTRAL, alpha=0.3, label=band_label))
            facts.add(
                f"The shaded band spans the 10th to 90th percentile{seeds} and the line is the "
                "median."
            )
    log_y(ax, plotted)
    if any(not (math.isfinite(v) and v > 0) for v in plotted):
        gaps = "gaps: 0 or not finite"
        extras[gaps] = Line2D([], [], linestyle="none", label=gaps)
        facts.add("Gaps in a line are time steps whose value is exactly 0 or not finite.")
    longest = max(len(sim.time_steps) for sim in req.sims)
    ax.set_xlim(0.5, longest + 0.5)
    ax.set_xlabel("time step t (1 = earliest; the loss reads the last state)")
    few_ticks(ax.xaxis, integer=True)
    ax.set_ylabel(
        f"{axis_label} relative to the last step" if relative else f"{axis_label} (Euclidean norm)"
    )
    legend_above(ax, ax.get_legend_handles_labels()[0] + list(extras.values()))
    title = "Gradient norm per time step" + (", relative to the last step" if relative else "")
    return Description(title=title, alt=facts.text())


def _describe(facts: Facts, label: str, values: list[float], metric: str) -> None:
    """The values at both ends and the average factor per step, each hideable."""
    first, last, n = values[0], values[-1], len(values)
    facts.add(
        f"{label}: {number(last)} at the last step t = {n}, {number(first)} at t = 1.", metric
    )
    if n > 1 and first > 0 and last > 0 and math.isfinite(first / last):
        ratio = first / last
        facts.add(
            f"t = 1 gets {number(ratio)} times the last step's value, a factor of about "
            f"{number(ratio ** (1 / (n - 1)))} per step.",
            metric,
            "ratio",
        )
