"""Look, size and output of every figure: one place so all kinds stay consistent and lean.

* Colours: the Okabe-Ito palette (Okabe & Ito 2008), distinguishable under the common colour
  vision deficiencies; series also differ by marker or line style so nothing relies on colour
  alone. Many-layer plots use cividis (Nunez et al. 2018), a colour-blind-safe sequential map.
* Size: 6.4 x 4 in, which browsers show at ~614 px; fonts of 10-11 pt stay legible at 600 px.
* Speed: log axes carry major decade ticks only with plain-text labels ("10⁻³"). Matplotlib's
  default minor ticks and mathtext labels make a log plot ~4x as slow as a bare line plot.
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
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator
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

FIGSIZE = (6.4, 4.0)
PNG_DPI = 150

RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "quizsvc",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 9.5,
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
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.13, top=0.95, hspace=0.15)
    axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    return fig, list(axes)


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
    room = fig.get_figwidth() * 72 * (1 - ax.get_position().x0)  # points right of the axes' edge
    cols = legend_columns([str(h.get_label()) for h in handles], max_cols, room)
    rows = math.ceil(len(handles) / cols)
    fig.subplots_adjust(top=0.95 - 0.065 * rows)
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.01),
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
    """Log y axis with at most ``max_ticks`` decade ticks covering ``values``, no minor ticks."""
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
    ax.yaxis.set_minor_locator(NullLocator())
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


def series_style(i: int, many: bool) -> dict[str, Any]:
    """Colour and marker of the i-th overlaid series (markers only on short series)."""
    style: dict[str, Any] = {"color": PALETTE[i % len(PALETTE)]}
    if not many:
        style["marker"] = MARKERS[i % len(MARKERS)]
    return style
