"""A figure's plotted data as a table, for readers who cannot see the picture.

Read off the axes as drawn, after the figure kind has drawn them, so the table holds what the
figure shows and nothing more: the same legend labels (which already leave out hidden
configuration fields), the same notes, and values no finer than a sighted reader can take off
the axis. That precision is `READING_PX` CSS px of the figure at its natural size: on a linear
axis each value is rounded to the largest 1-2-5 step within what 4 px span; on a log axis to
the largest such step within the relative change 4 px make at that value. Dense x values (the
steps of a training run, the points of an activation function) are sampled no finer than 4 px
of the x axis and at most `MAX_ROWS` rows.

A figure kind with something other than lines (the violins of `activations`) builds its own
panels with `Rounder`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from quizsvc.plots.style import READING_PX, number

MAX_ROWS = 40
CSS_PX_PER_INCH = 96


@dataclass
class Panel:
    """One axes as a table: a column per series, a row per x value."""

    caption: str
    x_label: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)  # x text, then one text per column
    notes: list[str] = field(default_factory=list)
    precision: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "caption": self.caption,
            "x_label": self.x_label,
            "columns": self.columns,
            "rows": self.rows,
            "notes": self.notes,
            "precision": self.precision,
        }


def nice_floor(x: float) -> float:
    """The largest 1, 2 or 5 times a power of ten that is at most ``x`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (5, 2, 1) if m * power <= x * (1 + 1e-9))


def nice_ceil(x: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``x`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= x * (1 - 1e-9))


def rounded(value: float, step: float) -> str:
    """``value`` rounded to a multiple of ``step``, written with the digits the step has."""
    r = round(value / step) * step
    if r == 0:
        return "0"
    digits = max(1, math.floor(math.log10(abs(r))) - math.floor(math.log10(step)) + 1)
    if 1e-3 <= abs(r) < 1e5:
        decimals = max(0, -math.floor(math.log10(step) + 1e-9))
        return f"{r:.{decimals}f}"
    mantissa, exponent = f"{r:.{digits - 1}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


class Rounder:
    """Rounds y values of one axes to what `READING_PX` of it resolve."""

    def __init__(self, ax: Axes) -> None:
        fig = ax.get_figure(root=True)
        assert fig is not None
        height = ax.get_position().height * fig.get_size_inches()[1] * CSS_PX_PER_INCH
        low, high = ax.get_ylim()
        self.log = ax.get_yscale() == "log"
        self.percent = isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
        if self.log:
            self.decades = READING_PX * math.log10(high / low) / height
            self.step = 0.0
            self.precision = (
                f"Values are rounded to about {round(100 * (10**self.decades - 1))} % of their "
                "size, what a careful reader takes off the log axis."
            )
        else:
            self.step = nice_floor(READING_PX * (high - low) / height)
            points = 100 * self.step
            shown = (
                f"{points:g} percentage point{'s' if points != 1 else ''}"
                if self.percent
                else f"{self.step:g}"
            )
            self.precision = (
                f"Values are rounded to {shown}, what a careful reader takes off the axis."
            )

    def __call__(self, value: float) -> str:
        if not math.isfinite(value) or (self.log and value <= 0):
            return "not shown"
        if self.log:
            return rounded(value, nice_floor(value * (10**self.decades - 1)))
        if self.percent:
            return f"{rounded(100 * value, 100 * self.step)} %"
        return rounded(value, self.step)


def tabulate(fig: Figure, panels: int) -> list[Panel]:
    """The lines of the first ``panels`` axes of ``fig``, each axes as one panel."""
    tables = [_lines_panel(ax) for ax in fig.axes[:panels]]
    shared = next((t.x_label for t in reversed(tables) if t.x_label), "x")
    for table in tables:  # stacked panels share x; only the lowest names it
        table.x_label = table.x_label or shared
    return tables


def _lines_panel(ax: Axes) -> Panel:
    rounder = Rounder(ax)
    series = _series(ax)
    tabulated = {name for name, _ in series}
    points = [dict(zip(*_xy(line), strict=True)) for _, line in series]
    xs = _sampled_xs(ax, sorted({x for p in points for x in p}))
    panel = Panel(
        caption=ax.get_ylabel(),
        x_label=ax.get_xlabel(),
        columns=[name for name, _ in series],
        precision=rounder.precision,
    )
    for shown, x in xs:
        panel.rows.append([_x_text(shown), *(rounder(p[x]) if x in p else "" for p in points)])
    legend = ax.get_legend()
    if legend is not None:
        panel.notes += [t.get_text() for t in legend.get_texts() if t.get_text() not in tabulated]
    panel.notes += [t.get_text() for t in ax.texts if t.get_text()]
    return panel


def _series(ax: Axes) -> list[tuple[str, Line2D]]:
    """Lines in data coordinates, by name: a legend's label; an unnamed dashed line (a
    prediction) after the line of its colour; an unnamed solid one (a panel's only curve)
    after the axis it is read on."""
    by_colour: dict[str, str] = {}
    series: list[tuple[str, Line2D]] = []
    for line in ax.get_lines():
        if line.get_transform() != ax.transData or len(_xy(line)[0]) < 2:
            continue  # reference lines across the axes, single marks
        label = str(line.get_label())
        if not label.startswith("_"):
            by_colour.setdefault(str(line.get_color()), label)
            series.append((label, line))
        elif line.get_linestyle() == "-":
            series.append((ax.get_ylabel() or "value", line))
        elif line.get_linestyle() not in ("None", "none", " ", ""):
            owner = by_colour.get(str(line.get_color()))
            series.append((f"{owner}, mean-field theory" if owner else "prediction", line))
    return series


def _xy(line: Line2D) -> tuple[list[float], list[float]]:
    x = np.asarray(line.get_xdata(), dtype=float).tolist()
    y = np.asarray(line.get_ydata(), dtype=float).tolist()
    return x, y


def _sampled_xs(ax: Axes, xs: list[float]) -> list[tuple[float, float]]:
    """All x values when they are few, else those nearest a grid no finer than `READING_PX`
    (as pairs: the grid value shown, the x whose values are read)."""
    if len(xs) <= MAX_ROWS:
        return [(x, x) for x in xs]
    fig = ax.get_figure(root=True)
    assert fig is not None
    width = ax.get_position().width * fig.get_size_inches()[0] * CSS_PX_PER_INCH
    low, high = ax.get_xlim()
    step = nice_ceil(max(READING_PX * (high - low) / width, (xs[-1] - xs[0]) / MAX_ROWS))
    picked: dict[float, float] = {}
    for x in xs:  # the value nearest each grid point (exactly on it for integer steps)
        grid = round(x / step) * step
        if abs(x - grid) < 0.5 * step and (
            grid not in picked or abs(x - grid) < abs(picked[grid] - grid)
        ):
            picked[grid] = x
    return [(g, picked[g]) for g in sorted(picked)]


def _x_text(x: float) -> str:
    return str(round(x)) if abs(x - round(x)) < 1e-9 else number(x)
