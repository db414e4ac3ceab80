"""Look, size and output of every figure: one place so all kinds stay consistent and lean.

* Colours: the Okabe-Ito palette (Okabe & Ito 2008), distinguishable under the common colour
  vision deficiencies; series also differ by marker or line style so nothing relies on colour
  alone. Many-layer plots use cividis (Nunez et al. 2018), a colour-blind-safe sequential map.
* Size: drawn at the size it is shown. 5 x 3.9 in (480 px wide at its natural size, which
  pages never exceed) with every text at 13 pt: a figure may be shown down to ~310 px wide (a
  plot-choice option on a 375 px phone, half an A4 page in print) and its smallest text still
  renders at 11 CSS px on screen and 9 pt on paper (`FONT_TO_WIDTH`; tests/browser/
  test_figure_text.py measures it). Margins are set in inches, not fractions, so text of a
  fixed size always has its room.
* Speed: log axes carry decade ticks with plain-text labels ("10⁻³") and unlabelled minor ticks
  from a fixed list. Matplotlib's default tick locators and mathtext labels make a log plot ~4x
  as slow as a bare line plot.
* Reading: minor ticks at 2..9 of every decade, with a light grid, let a reader take a value off
  a log axis to a small fraction of a decade (docs/authoring.md sets tolerances from it).
* Determinism: a fixed ``svg.hashsalt``, no date metadata and text kept as SVG text make the
  output a pure function of the input.

Matplotlib's settings are process-global, so `render_lock` serialises the short window in which
a figure is built with them (see `quizsvc.plots.render`).
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from cycler import cycler
from matplotlib import patheffects, rcParams
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullFormatter
from matplotlib.typing import RcKeyType

#: Okabe & Ito (2008): blue, orange, bluish green, reddish purple, sky blue, vermillion, yellow,
#: black.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")
SEQUENTIAL = "cividis"
ALERT = "#D55E00"  # vermillion: divergence marks and thresholds
NEUTRAL = "#555555"

FIGSIZE = (5.0, 3.9)
PNG_DPI = 150
#: Every text of a figure, in points of the drawing (tick labels, legend, axis labels, notes).
FONT = 13.0
#: The smallest text relative to the figure's width: 13 pt on 360 pt. Shown at W CSS px wide,
#: text renders at W * FONT_TO_WIDTH px, so >= 11 px down to 305 px and >= 9 pt (12 px) down
#: to 333 px (the pages keep figures at least that wide; see site.css and print.css).
FONT_TO_WIDTH = FONT / (FIGSIZE[0] * 72)
#: Margins around the axes, in inches: tick labels and axis labels of `FONT` fit in them.
MARGINS = {"left": 0.98, "right": 0.14, "bottom": 0.66, "top": 0.14, "hspace": 0.22}
#: A careful reader places a point to about this many CSS px of a figure as it is shown
#: (docs/authoring.md, "Reading values off a figure"); data tables round to it.
READING_PX = 4.0
#: The figure's width as drawn, in CSS px (96 per inch): the widest any page shows it.
NATURAL_WIDTH_PX = FIGSIZE[0] * 96
#: The narrowest a question's or lesson's figure is shown: on a 375 px phone, the smallest width
#: the pages are laid out for, it is 325 CSS px wide (its smallest text measured 11.7 px there,
#: tests/browser/test_figure_text.py: 11.7 / FONT_TO_WIDTH = 324 px). Figure-reading tolerances
#: are set at this width, where a reader's 4 px are the largest share of a decade.
SMALLEST_WIDTH_PX = 325.0

RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "quizsvc",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": FONT,
    "axes.labelsize": FONT,
    "xtick.labelsize": FONT,
    "ytick.labelsize": FONT,
    "legend.fontsize": FONT,
    "legend.framealpha": 0.9,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "axes.formatter.use_mathtext": False,
    "figure.dpi": 100,
    "path.simplify": True,
}

render_lock = threading.Lock()

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def new_figure(rows: int = 1) -> tuple[Figure, list[Axes]]:
    """A figure with ``rows`` stacked axes sharing x, margins fixed (no layout engine pass)."""
    fig = Figure(figsize=FIGSIZE)
    fit_margins(fig)
    axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    return fig, list(axes)


def fit_margins(fig: Figure, top_extra: float = 0.0) -> None:
    """Place the axes with `MARGINS` (inches) for the figure's current size; ``top_extra``
    inches more above the axes (a legend's rows)."""
    width, height = fig.get_size_inches()
    fig.subplots_adjust(
        left=MARGINS["left"] / width,
        right=1 - MARGINS["right"] / width,
        bottom=MARGINS["bottom"] / height,
        top=1 - (MARGINS["top"] + top_extra) / height,
        hspace=MARGINS["hspace"],
    )


def wrap_axis_labels(fig: Figure) -> None:
    """Break an axis label longer than its axis onto two lines, widening the margin for it.

    Text keeps its size (`FONT`) whatever the figure, so a long label ("saturated (unit,
    example) pairs (%)") may outgrow a short axis; it is broken at the space nearest its middle.
    """
    font = FontProperties(size=rcParams["axes.labelsize"])
    width, height = fig.get_size_inches()
    line = 1.25 * font.get_size_in_points() / 72  # inches
    extra_left = extra_bottom = 0.0
    for ax in fig.axes:
        box = ax.get_position()
        for label, room, vertical in (
            (ax.yaxis.label, box.height * height * 72, True),
            (ax.xaxis.label, box.width * width * 72, False),
        ):
            text = label.get_text()
            size = text_to_path.get_text_width_height_descent(text, font, ismath=False)[0]
            if "\n" in text or " " not in text or size <= 0.98 * room:
                continue
            spaces = [i for i, c in enumerate(text) if c == " "]
            cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
            label.set_text(text[:cut] + "\n" + text[cut + 1 :])
            if vertical:
                extra_left = line
            else:
                extra_bottom = line
    if extra_left or extra_bottom:
        pars = fig.subplotpars
        fig.subplots_adjust(
            left=pars.left + extra_left / width, bottom=pars.bottom + extra_bottom / height
        )


_LEGEND_INSET = 0.06  # inches between a legend above the plot and the figure's left edge


def legend_above(ax: Axes, handles: list[Any] | None = None, max_cols: int = 3) -> None:
    """A frameless legend in the margin above ``ax``, never over the data.

    Curves fill different corners in different figures (a tanh and its derivative, a loss that
    ends where the run diverged, the newest day of a learner's history), so no corner inside the
    axes is safe; the figure's top margin is widened to make room for the legend's rows, and
    there are as many columns as fit the width (at most ``max_cols``).
    """
    handles = handles if handles is not None else ax.get_legend_handles_labels()[0]
    if not handles:
        return
    fig = ax.get_figure(root=True)
    assert fig is not None
    width = fig.get_figwidth()
    room = (width - 2 * _LEGEND_INSET) * 72  # the whole width: the legend starts at the edge
    cols = legend_columns([str(h.get_label()) for h in handles], max_cols, room)
    rows = math.ceil(len(handles) / cols)
    fit_margins(fig, top_extra=rows * 1.55 * FONT / 72)
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(_LEGEND_INSET / width, ax.get_position().y1 + 0.01),
        bbox_transform=fig.transFigure,
        ncols=cols,
        frameon=False,
        borderaxespad=0.0,
        borderpad=0.2,
        handlelength=1.8,
        columnspacing=1.2,
    )


def legend_columns(labels: list[str], max_cols: int, room: float) -> int:
    """The most columns (at most ``max_cols``) whose labels fit ``room`` points of width.

    Measured with the legend's font, laid out as matplotlib does: columns filled in order, the
    first ones one entry longer, each as wide as its widest label plus the handle.
    """
    em = FontProperties(size=rcParams["legend.fontsize"]).get_size_in_points()
    font = FontProperties(size=em)
    widths = [text_to_path.get_text_width_height_descent(t, font, ismath=False)[0] for t in labels]
    handle, spacing = 3.0 * em, 1.2 * em  # handle, its padding and the border; between columns
    for cols in range(min(max_cols, len(labels)), 1, -1):
        rows, longer = divmod(len(labels), cols)
        sizes = [rows + 1] * longer + [rows] * (cols - longer)
        starts = [sum(sizes[:i]) for i in range(cols)]
        columns = [max(widths[a : a + n]) + handle for a, n in zip(starts, sizes, strict=True)]
        if sum(columns) + spacing * (cols - 1) <= 0.97 * room:
            return cols
    return 1


def decade_label(value: float, _pos: object = None) -> str:
    """Tick label "10⁻³" for a power of ten (plain text: no mathtext, cheap to draw)."""
    return "10" + str(round(math.log10(value))).translate(_SUPERSCRIPT)


def positive(values: Iterable[float]) -> list[float]:
    """Values for a log axis: non-positive and non-finite entries become NaN (gaps)."""
    return [v if math.isfinite(v) and v > 0 else math.nan for v in values]


def log_y(ax: Axes, values: Iterable[float], max_ticks: int = 6) -> None:
    """Log y axis with at most ``max_ticks`` decade ticks covering ``values``, minor ticks at
    2..9 of each decade (at the skipped decades when the labels skip some) and a light grid."""
    finite = [v for v in values if math.isfinite(v) and v > 0]
    lo, hi = (min(finite), max(finite)) if finite else (1e-3, 1.0)
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if first == last:
        last += 1
    step = max(1, math.ceil((last - first) / (max_ticks - 1)))
    last = first + step * math.ceil((last - first) / step)
    ax.set_yscale("log")
    ax.set_ylim(10.0**first, 10.0**last)
    ax.yaxis.set_major_locator(FixedLocator([10.0**e for e in range(first, last + 1, step)]))
    decades = range(first, last)
    minor = (
        [m * 10.0**e for e in decades for m in range(2, 10)]
        if step == 1
        else [10.0**e for e in decades if (e - first) % step]
    )
    ax.yaxis.set_minor_locator(FixedLocator(minor))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.grid(True, which="minor", axis="y", alpha=0.2, linewidth=0.5)
    ax.yaxis.set_major_formatter(FuncFormatter(decade_label))


def few_ticks(axis: Axis, integer: bool = False) -> None:
    """At most ~6 major ticks on a linear axis: every tick is several artists to lay out."""
    axis.set_major_locator(MaxNLocator(nbins=6, integer=integer))


def number(x: float) -> str:
    """A measured number for alt text: 3 significant digits, "1.2e-5" style for extremes."""
    if not math.isfinite(x):
        return "not finite"
    if x == 0 or 1e-3 <= abs(x) < 1e4:
        return f"{x:.3g}"
    mantissa, exponent = f"{x:.2e}".split("e")
    return f"{float(mantissa):.3g}e{int(exponent)}"


def percent(x: float) -> str:
    return f"{100 * x:.0f} %" if math.isfinite(x) else "not finite"


def spread(n: int, count: int) -> list[int]:
    """Up to ``count`` indices from 0..n-1, evenly spread, always including both ends."""
    if n <= count:
        return list(range(n))
    return sorted({round(i * (n - 1) / (count - 1)) for i in range(count)})


def save(fig: Figure, fmt: str, title: str, desc: str) -> bytes:
    """Serialise deterministically: SVG with <title>/<desc> first, or PNG with text chunks."""
    buf = io.BytesIO()
    if fmt == "png":
        fig.savefig(
            buf,
            format="png",
            dpi=PNG_DPI,
            metadata={"Software": None, "Title": title, "Description": desc},
        )
        return buf.getvalue()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return _label_svg(buf.getvalue(), title, desc)


def _label_svg(svg: bytes, title: str, desc: str) -> bytes:
    """Add role="img" and <title>/<desc> as the root's first children (what screen readers
    and browsers' tooltips use)."""
    text = svg.decode()
    start = text.index("<svg ")
    end = text.index(">", start)
    label = f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
    return (text[:end] + ' role="img">' + label + text[end + 1 :]).encode()


def dashed(color: str) -> dict[str, Any]:
    """A dashed line (a prediction, a clipped norm) that stays visible where it runs on top of
    a solid line of the same colour: drawn above it, each dash outlined in white."""
    return {
        "color": color,
        "linestyle": (0, (5, 3)),
        "linewidth": 1.6,
        "zorder": 3,
        "path_effects": [patheffects.withStroke(linewidth=3.8, foreground="white")],
    }


def series_style(i: int, many: bool) -> dict[str, Any]:
    """Colour and marker of the i-th overlaid series (markers only on short series)."""
    style: dict[str, Any] = {"color": PALETTE[i % len(PALETTE)]}
    if not many:
        style["marker"] = MARKERS[i % len(MARKERS)]
    return style
