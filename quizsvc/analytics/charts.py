"""Instructor charts: answers over seeds, facility by parameter, lesson score distributions.

Drawn with matplotlib's object API in the figure pipeline's own style (``quizsvc.plots.style``)
so instructor pages look like the rest of the site; SVG with a title and an alt text that
states the numbers, for screen readers and for tests.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from quizsvc.analytics.params import ParameterEffect
from quizsvc.analytics.stats import ScoreDistribution
from quizsvc.plots.style import ALERT, PALETTE, RC, number, render_lock, save

SVG = "image/svg+xml"
HIST_BINS = 20
MAX_BARS = 12
MAX_TICK_LABEL = 42
LOG_RATIO = 30  # answers spread over more than this factor get a log axis


@dataclass(frozen=True)
class Chart:
    data: bytes
    mime: str
    alt: str


def _draw(
    title: str, alt: str, build: Callable[[Axes], None], height: float = 3.4, left: float = 0.12
) -> Chart:
    """Build one chart under the figure pipeline's lock and style (rcParams are global)."""
    with render_lock, matplotlib.rc_context(RC):
        fig = Figure(figsize=(6.4, height))
        fig.subplots_adjust(left=left, right=0.97, bottom=0.2, top=0.93)
        build(fig.subplots())
        return Chart(save(fig, "svg", title, alt), SVG, alt)


def _tick(label: str) -> str:
    return label if len(label) <= MAX_TICK_LABEL else label[: MAX_TICK_LABEL - 1] + "…"


def answer_chart(outcomes: Sequence[float | str], failed: int) -> Chart:
    """The answer over seeds: a histogram of numbers, or bars of which choice is correct."""
    numbers = [o for o in outcomes if isinstance(o, float) and math.isfinite(o)]
    failures = f"; {failed} seeds gave no variant" if failed else ""
    if numbers and len(numbers) == len(outcomes):
        return _histogram(numbers, failures)
    counts = Counter(str(o) for o in outcomes).most_common(MAX_BARS)
    total = len(outcomes)
    parts = ", ".join(f"{label}: {count} of {total}" for label, count in counts)
    alt = f"Correct answer over {total} seeds: {parts}{failures}."

    def build(ax: Axes) -> None:
        positions = list(range(len(counts)))[::-1]
        ax.barh(positions, [c for _, c in counts], color=PALETTE[0])
        ax.set_yticks(positions, [_tick(label) for label, _ in counts])
        ax.set_xlabel("seeds")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", visible=False)

    return _draw(
        "Correct answer over seeds",
        alt,
        build,
        height=max(2.4, 0.45 * len(counts) + 1.2),
        left=0.42,
    )


def _histogram(values: list[float], failures: str) -> Chart:
    lo, hi = min(values), max(values)
    alt = (
        f"Histogram of the answer over {len(values)} seeds: minimum {number(lo)}, "
        f"median {number(statistics.median(values))}, maximum {number(hi)}{failures}."
    )
    log = lo > 0 and hi / lo >= LOG_RATIO

    def build(ax: Axes) -> None:
        if lo == hi:
            edges = np.array([lo - 0.5 * abs(lo or 1), hi + 0.5 * abs(hi or 1)])
        elif log:
            edges = np.geomspace(lo, hi, HIST_BINS + 1)
            ax.set_xscale("log")
        else:
            edges = np.linspace(lo, hi, HIST_BINS + 1)
        ax.hist(values, bins=list(edges), color=PALETTE[0], edgecolor="white")
        ax.set_xlabel("answer" + (" (log scale)" if log else ""))
        ax.set_ylabel("seeds")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))

    return _draw("Answer over seeds", alt, build)


def facility_chart(effect: ParameterEffect) -> Chart:
    """Share correct per value (or range) of one parameter, with the number of answers."""
    groups = effect.groups
    parts = ", ".join(f"{g.label}: {g.facility * 100:.0f} % of {g.n}" for g in groups)
    alt = f"Share correct by {effect.name}: {parts}."

    def build(ax: Axes) -> None:
        positions = list(range(len(groups)))
        bars = ax.bar(
            positions,
            [g.facility * 100 for g in groups],
            color=[ALERT if g.facility < 0.5 else PALETTE[2] for g in groups],
        )
        ax.bar_label(bars, labels=[f"n={g.n}" for g in groups], fontsize=9)
        ax.set_xticks(positions, [_tick(g.label) for g in groups])
        ax.set_ylim(0, 110)
        ax.set_ylabel("% correct")
        ax.set_xlabel(effect.name)

    return _draw(f"Share correct by {effect.name}", alt, build)


def score_chart(distribution: ScoreDistribution) -> Chart:
    """Attempt scores in 10-point bins."""
    labels = [f"{10 * i}–{10 * i + 10}" for i in range(len(distribution.bins))]
    parts = ", ".join(
        f"{label} %: {n}" for label, n in zip(labels, distribution.bins, strict=True) if n
    )
    median = distribution.median
    alt = (
        f"Scores of {distribution.count} attempts"
        + (f" (median {median * 100:.0f} %)" if median is not None else "")
        + (f": {parts}." if parts else ".")
    )

    def build(ax: Axes) -> None:
        ax.bar(range(len(labels)), distribution.bins, color=PALETTE[0])
        ax.set_xticks(range(len(labels)), labels, rotation=30)
        ax.set_xlabel("score (%)")
        ax.set_ylabel("attempts")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))

    return _draw("Score distribution", alt, build)
