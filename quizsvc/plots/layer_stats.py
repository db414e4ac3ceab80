"""Any per-layer statistic as a line chart: the layer profile of activations, saturation or death.

The companion of `grad_norms` for the forward-pass statistics of `LayerStats`: several results
are overlaid (one colour and marker each) and a multi-seed result adds its 10-90 % band, both
drawn by `quizsvc.plots.per_layer`. The scale follows the metric: fractions (``saturation``,
``dead_fraction``) on a fixed 0-100 % axis so figures compare at a glance, signed quantities
(``activation_mean``, ``w_dot_grad``) on a linear axis with a zero line, and standard deviations
on a log axis when every plotted value is positive (a linear one otherwise, so a dead layer's 0
is drawn rather than left as a gap).
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MultipleLocator, PercentFormatter

from quizsvc.plots.base import Description, Request
from quizsvc.plots.metrics import LAYER_STAT_METRICS as METRICS
from quizsvc.plots.metrics import Scale
from quizsvc.plots.per_layer import Series, draw_series, finish, finite, plotted_values
from quizsvc.plots.style import NEUTRAL, few_ticks, log_y, number, percent, positive
from quizsvc.plots.text import Facts

_TITLES = {
    "activation_mean": "Mean layer output per layer",
    "activation_std": "Spread of the layer outputs per layer",
    "preactivation_std": "Spread of the pre-activations per layer",
    "saturation": "Saturated units per layer",
    "dead_fraction": "Dead units per layer",
    "w_dot_grad": "⟨W, ∂L/∂W⟩ per layer",
}


def draw(fig: Figure, req: Request) -> Description:
    ax = fig.axes[0]
    metric = req.options["metric"]
    axis_label, words, scale = METRICS[metric]
    plotted = plotted_values(req.sims, metric, req.options["band"])
    log = scale == "std" and all(math.isfinite(v) and v > 0 for v in plotted)
    facts = Facts(req.hide)
    axis_words = "on a log scale" if log else "on a linear scale"
    facts.add(
        f"Line chart of the {words} for each layer {axis_words} (layer 1 is nearest the input),"
        f" {len(req.sims)} network{'s' if len(req.sims) > 1 else ''}."
    )
    say = percent if scale == "fraction" else number

    def peak(series: Series) -> None:
        found = [(v, k) for k, v in enumerate(series.values, start=1) if math.isfinite(v)]
        if found:
            top, where = max(found, key=lambda pair: pair[0])  # the first layer at the top
            if 1 < where < len(series.values):
                facts.add(f"Its highest value is {say(top)}, at layer {where}.", metric)

    extras = draw_series(ax, req, facts, show=positive if log else finite, say=say, describe=peak)
    _y_axis(ax, scale, log, plotted)
    # An overflowed layer has no finite statistic: say so rather than draw a misleading 0.
    gaps = any(not math.isfinite(v) for v in plotted)
    finish(ax, req, facts, extras, y_label=axis_label, gaps="not finite" if gaps else None)
    return Description(title=_TITLES[metric], alt=facts.text())


def _y_axis(ax: Axes, scale: Scale, log: bool, plotted: list[float]) -> None:
    if log:
        log_y(ax, plotted)
        lo, hi = ax.get_ylim()
        decades = range(round(math.log10(lo)), round(math.log10(hi)))
        if len(decades) <= 2:
            # Standard deviations often stay within a decade or two, where decade ticks alone
            # leave a reader nothing to read a value against: label 2 and 5 in each decade.
            ticks = [m * 10.0**e for e in decades for m in (2, 5)]
            ax.yaxis.set_minor_locator(FixedLocator(ticks))
            ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
            ax.grid(axis="y", which="minor", alpha=0.25, linewidth=0.5)
        return
    if scale == "fraction":
        # A fixed 0-100 % axis: figures of different networks compare directly, and minor grid
        # lines every 10 % let a reader take a value to about +-2 %.
        ax.set_ylim(-0.02, 1.02)
        ax.yaxis.set_major_locator(MultipleLocator(0.2))
        ax.yaxis.set_minor_locator(MultipleLocator(0.1))
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.grid(axis="y", which="minor", alpha=0.25, linewidth=0.5)
        return
    if scale == "signed":
        ax.axhline(0.0, color=NEUTRAL, linewidth=0.8)
    else:
        drawn = [v for v in plotted if math.isfinite(v)]
        ax.set_ylim(bottom=0.0, top=1.05 * max(drawn) if drawn and max(drawn) > 0 else 1.0)
    few_ticks(ax.yaxis)
