"""One per-layer metric against depth, several networks overlaid: the shared part of
`grad_norms` and `layer_stats`.

Both draw one line per network (its own colour and marker), its 10-90 % band when the result
has several seeds, a gap where the y axis cannot show a value, every layer on x and the legend
above the plot. They differ in the y axis and in what their alt text adds about each network,
which they pass in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MultipleLocator

from quizsvc.plots.base import Request
from quizsvc.plots.style import NEUTRAL, few_ticks, legend_above, series_style
from quizsvc.plots.text import Facts
from quizsvc.sim import SimResult

MANY_LAYERS = 30  # deeper series are drawn without markers
EVERY_LAYER = 16  # up to this depth every layer gets a labelled tick


@dataclass(frozen=True)
class Series:
    """One network's line as drawn, for what a figure kind adds to it."""

    sim: SimResult
    label: str
    values: list[float]
    layers: range
    color: str


def plotted_values(sims: Sequence[SimResult], metric: str, band: bool) -> list[float]:
    """Every value the lines (and their bands, when drawn) put on the y axis."""
    values: list[float] = []
    for sim in sims:
        values += sim.metric(metric)
        if band and sim.band is not None:
            values += sim.band[metric].p10 + sim.band[metric].p90
    return values


def draw_series(
    ax: Axes,
    req: Request,
    facts: Facts,
    *,
    show: Callable[[list[float]], list[float]],
    say: Callable[[float], str],
    describe: Callable[[Series], None] = lambda series: None,
    overlay: Callable[[Series], list[Artist]] = lambda series: [],
) -> list[Artist]:
    """Draw each network's line and band; return the extra legend entries they need.

    ``show`` maps values to what the y axis can draw (NaN leaves a gap), ``say`` writes one for
    the alt text; ``describe`` adds facts about a line, ``overlay`` draws on top of it and
    returns its legend entries.
    """
    metric = req.options["metric"]
    extras: list[Artist] = []
    for i, (sim, label) in enumerate(zip(req.sims, req.labels, strict=True)):
        values = sim.metric(metric)
        depth = len(values)
        style = series_style(i, depth > MANY_LAYERS)
        series = Series(sim, label, values, range(1, depth + 1), str(style["color"]))
        ax.plot(series.layers, show(values), label=label, **style)
        facts.add(
            f"{label}: {say(values[0])} at layer 1, {say(values[-1])} at layer {depth}.", metric
        )
        describe(series)
        if req.options["band"] and sim.band is not None:
            band = sim.band[metric]
            ax.fill_between(
                series.layers,
                show(band.p10),
                show(band.p90),
                color=series.color,
                alpha=0.2,
                linewidth=0,
            )
            seeds = "" if "seeds" in req.hide else f" over {sim.seeds} seeds"
            extras.append(Patch(color=NEUTRAL, alpha=0.3, label=f"10-90 %{seeds}"))
            facts.add(
                f"The shaded band spans the 10th to 90th percentile{seeds} and the line is the "
                "median."
            )
        extras += overlay(series)
    return extras


def finish(
    ax: Axes, req: Request, facts: Facts, extras: list[Artist], *, y_label: str, gaps: str | None
) -> None:
    """Layers on x, the y label, and the legend above the plot.

    ``gaps`` names what a gap in a line stands for ("not finite"), when a line has one.
    """
    if gaps is not None:
        extras.append(Line2D([], [], linestyle="none", label=f"gaps: {gaps}"))
        facts.add(f"Gaps in a line are layers whose value is {gaps}.")
    depth = max(len(sim.layers) for sim in req.sims)
    ax.set_xlim(0.5, depth + 0.5)
    ax.set_xlabel("layer (1 = nearest the input)")
    if depth <= EVERY_LAYER:
        # Questions ask for "layer 7": a tick on every layer saves the reader counting points.
        ax.xaxis.set_major_locator(MultipleLocator(1))
    else:
        few_ticks(ax.xaxis, integer=True)
    ax.set_ylabel(y_label)
    legend_above(ax, ax.get_legend_handles_labels()[0] + _unique(extras))


def finite(values: list[float]) -> list[float]:
    """Values for a linear axis: non-finite entries become NaN (gaps)."""
    return [v if math.isfinite(v) else math.nan for v in values]


def _unique(handles: list[Artist]) -> list[Artist]:
    """Legend entries with distinct labels (one band entry however many series)."""
    seen: dict[str, Artist] = {}
    for h in handles:
        seen.setdefault(str(h.get_label()), h)
    return list(seen.values())
