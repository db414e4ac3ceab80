"""Any per-layer statistic as a line chart: the layer profile of activations, saturation or death.

The companion of `grad_norms` for the forward-pass statistics of `LayerStats`: several results
are overlaid (one colour and marker each) and a multi-seed result adds its 10-90 % band. The
scale follows the metric: fractions (``saturation``, ``dead_fraction``) on a fixed 0-100 %
axis so figures compare at a glance, signed quantities (``activation_mean``, ``w_dot_grad``) on a
linear axis with a zero line, and standard deviations on a log axis when every plotted value is
positive (a linear one otherwise, so a dead layer's 0 is drawn rather than left as a gap).
"""

from __future__ import annotations

import math

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MultipleLocator, PercentFormatter

from quizsvc.plots.base import Description, Request
from quizsvc.plots.metrics import LAYER_STAT_METRICS as METRICS
from quizsvc.plots.metrics import Scale
from quizsvc.plots.style import (
    NEUTRAL,
    few_ticks,
    legend_above,
    log_y,
    number,
    percent,
    positive,
    series_style,
)
from quizsvc.plots.text import Facts
from quizsvc.sim import SimResult

_TITLES = {
    "activation_mean": "Mean layer output per layer",
    "activation_std": "Spread of the layer outputs per layer",
    "preactivation_std": "Spread of the pre-activations per layer",
    "saturation": "Saturated units per layer",
    "dead_fraction": "Dead units per layer",
    "w_dot_grad": "⟨W, ∂L/∂W⟩ per layer",
}
_MANY_LAYERS = 30
_EVERY_LAYER = 16  # up to this depth every layer gets a labelled tick


def draw(fig: Figure, req: Request) -> Description:
    ax = fig.axes[0]
    metric = req.options["metric"]
    axis_label, words, scale = METRICS[metric]
    plotted = [v for sim in req.sims for v in _series(sim, metric, req.options["band"])]
    log = scale == "std" and all(math.isfinite(v) and v > 0 for v in plotted)
    show = positive if log else _finite
    facts = Facts(req.hide)
    axis_words = "on a log scale" if log else "on a linear scale"
    facts.add(
        f"Line chart of the {words} for each layer {axis_words} (layer 1 is nearest the input),"
        f" {len(req.sims)} network{'s' if len(req.sims) > 1 else ''}."
    )
    say = percent if scale == "fraction" else number
    extras: list[Artist] = []
    for i, (sim, label) in enumerate(zip(req.sims, req.labels, strict=True)):
        values = sim.metric(metric)
        depth = len(values)
        layers = range(1, depth + 1)
        style = series_style(i, depth > _MANY_LAYERS)
        ax.plot(layers, show(values), label=label, **style)
        facts.add(
            f"{label}: {say(values[0])} at layer 1, {say(values[-1])} at layer {depth}.", metric
        )
        finite = [(v, k) for k, v in enumerate(values, start=1) if math.isfinite(v)]
        if finite:
            top, where = max(finite, key=lambda pair: pair[0])  # the first layer at the top
            if 1 < where < depth:
                facts.add(f"Its highest value is {say(top)}, at layer {where}.", metric)
        if req.options["band"] and sim.band is not None:
            band = sim.band[metric]
            ax.fill_between(
                layers, show(band.p10), show(band.p90), color=style["color"], alpha=0.2, linewidth=0
            )
            seeds = "" if "seeds" in req.hide else f" over {sim.seeds} seeds"
            extras.append(Patch(color=NEUTRAL, alpha=0.3, label=f"10-90 %{seeds}"))
            facts.add(
                f"The shaded band spans the 10th to 90th percentile{seeds} and the line is the "
                "median."
            )
    _y_axis(ax, scale, log, plotted)
    if any(not math.isfinite(v) for v in plotted):
        # An overflowed layer has no finite statistic: say so rather than draw a misleading 0.
        extras.append(Line2D([], [], linestyle="none", label="gaps: not finite"))
        facts.add("Gaps in a line are layers whose value is not finite.")
    depth = max(len(sim.layers) for sim in req.sims)
    ax.set_xlim(0.5, depth + 0.5)
    ax.set_xlabel("layer (1 = nearest the input)")
    if depth <= _EVERY_LAYER:
        # Questions ask for "layer 7": a tick on every layer saves the reader counting points.
        ax.xaxis.set_major_locator(MultipleLocator(1))
    else:
        few_ticks(ax.xaxis, integer=True)
    ax.set_ylabel(axis_label)
    legend_above(ax, ax.get_legend_handles_labels()[0] + _unique(extras))
    return Description(title=_TITLES[metric], alt=facts.text())


def _series(sim: SimResult, metric: str, band: bool) -> list[float]:
    """Every value the figure plots for one result (its line, and its band when drawn)."""
    values = sim.metric(metric)
    if band and sim.band is not None:
        values += sim.band[metric].p10 + sim.band[metric].p90
    return values


def _finite(values: list[float]) -> list[float]:
    """Values for a linear axis: non-finite entries become NaN (gaps)."""
    return [v if math.isfinite(v) else math.nan for v in values]


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
        finite = [v for v in plotted if math.isfinite(v)]
        ax.set_ylim(bottom=0.0, top=1.05 * max(finite) if finite and max(finite) > 0 else 1.0)
    few_ticks(ax.yaxis)


def _unique(handles: list[Artist]) -> list[Artist]:
    """Legend entries with distinct labels (one band entry however many series)."""
    seen: dict[str, Artist] = {}
    for h in handles:
        seen.setdefault(str(h.get_label()), h)
    return list(seen.values())
