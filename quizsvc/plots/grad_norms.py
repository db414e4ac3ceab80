"""Per-layer gradient norms on a log axis: the picture of vanishing and exploding gradients.

Several results are overlaid (one colour and marker each); a multi-seed result adds its
10-90 % band, and ``theory`` adds the mean-field prediction (`quizsvc.sim.theory`) anchored at
the top layer's measured value, so the comparison is of shape: how fast the norm changes
layer to layer. Lines, bands, the x axis and the legend are drawn by `quizsvc.plots.per_layer`.
"""

from __future__ import annotations

import math

from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from quizsvc.plots.base import Description, Request
from quizsvc.plots.metrics import GRAD_NORM_METRICS as METRICS
from quizsvc.plots.per_layer import Series, draw_series, finish, plotted_values
from quizsvc.plots.style import NEUTRAL, dashed, log_y, number, positive
from quizsvc.plots.text import Facts
from quizsvc.sim import theory


def draw(fig: Figure, req: Request) -> Description:
    ax = fig.axes[0]
    metric = req.options["metric"]
    axis_label, words = METRICS[metric]
    facts = Facts(req.hide)
    facts.add(
        f"Line chart of the {words} for each layer on a log scale (layer 1 is nearest the input),"
        f" {len(req.sims)} network{'s' if len(req.sims) > 1 else ''}."
    )
    plotted = plotted_values(req.sims, metric, req.options["band"])

    def ratio(series: Series) -> None:
        first, last = series.values[0], series.values[-1]
        if last > 0 and first > 0:
            facts.add(
                f"Layer 1 gets {number(first / last)} times the top layer's value.", metric, "ratio"
            )

    def prediction(series: Series) -> list[Artist]:
        if not req.theory:
            return []
        predicted = theory.predicted_grad_norms(series.sim.config, metric, anchor=series.values[-1])
        ax.plot(series.layers, positive(predicted), **dashed(series.color))
        plotted.extend(predicted)
        facts.add(f"Dashed: the mean-field prediction, {number(predicted[0])} at layer 1.", metric)
        return [Line2D([], [], **dashed(NEUTRAL), label="mean-field theory")]

    extras = draw_series(
        ax, req, facts, show=positive, say=number, describe=ratio, overlay=prediction
    )
    log_y(ax, plotted)
    # A log axis cannot show 0 (a gradient that underflowed) or an overflow: say so.
    gaps = any(not (math.isfinite(v) and v > 0) for v in plotted)
    finish(ax, req, facts, extras, y_label=axis_label, gaps="0 or not finite" if gaps else None)
    return Description(title="Gradient norm per layer", alt=facts.text())
