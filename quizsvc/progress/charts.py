"""Progress figures: accuracy over time and mastery of one objective over time.

Drawn with matplotlib's object API and the look of `quizsvc.plots` (its palette, sizes, fonts
and deterministic SVG output), so a learner's own figures sit beside the simulation figures
without a seam. Pure functions of their data: the caller caches them by a hash of that data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.ticker import MaxNLocator, PercentFormatter

from quizsvc.plots import FORMATS, Rendered
from quizsvc.plots.style import (
    NEUTRAL,
    PALETTE,
    RC,
    legend_above,
    new_figure,
    percent,
    render_lock,
    save,
)
from quizsvc.progress.mastery import LEVEL_THRESHOLDS
from quizsvc.progress.queries import ROLLING_BUCKETS, Bucket, DayActivity, buckets, rolling

MIN_SPAN = timedelta(days=14)
MARGIN = timedelta(days=1)


def accuracy_figure(days: Sequence[DayActivity]) -> Rendered:
    """Top: mean score per day (or week) and its rolling mean. Bottom: answers per bucket."""
    items, unit = buckets(days)
    if not items:
        raise ValueError("no answers to draw")
    x = [b.start for b in items]
    width = 0.8 if unit == "day" else 5.6
    # Each score sits over the middle of its bar of answers, inside the axis.
    middle = _days([datetime.combine(start, time()) + timedelta(days=width / 2) for start in x])
    trend = rolling(items)
    with render_lock, matplotlib.rc_context(RC):
        fig, (top, bottom) = new_figure(2)
        top.plot(middle, [b.accuracy for b in items], linestyle="none", marker="o",
                 color=PALETTE[0], label=f"mean score per {unit}", clip_on=False)  # fmt: skip
        if len(items) > 1:  # one point has no trend to draw, nor to name in the legend
            top.plot(middle, trend, color=PALETTE[1], label=f"last {ROLLING_BUCKETS} {unit}s")
        top.set_ylim(-0.03, 1.03)
        top.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        top.set_ylabel("score")
        legend_above(top)
        bottom.bar(
            _days(x), [b.answers for b in items], width=width, color=PALETTE[2], align="edge"
        )
        bottom.set_ylabel(f"answers per {unit}")
        bottom.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        _date_axis(bottom, x[0], x[-1] + timedelta(days=1 if unit == "day" else 7))
        alt = _accuracy_alt(items, unit, trend)
        data = save(fig, "svg", "Accuracy over time", alt)
    return Rendered(data=data, mime=FORMATS["svg"], alt=alt)


def _days(when: Any) -> Any:
    """Matplotlib's day numbers for dates (its stubs take no dates, its axes do)."""
    return date2num(when)  # type: ignore[no-untyped-call]


def _date_axis(ax: Axes, first: date, last: date) -> None:
    """Dates on x, spanning at least MIN_SPAN: the answers of a first session, minutes apart,
    must not stretch into an axis of hours and seconds."""
    pad = max(MIN_SPAN - (last - first), timedelta(0))
    ax.set_xlim(_days(first - pad - MARGIN), _days(last + MARGIN))
    fig = ax.get_figure()
    assert fig is not None
    fig.subplots_adjust(right=0.93)  # room for the label of a tick at the right end
    locator = AutoDateLocator(minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    # Each tick names its own day and month ("29 Nov", "1 Dec"): the default offset label names
    # only the last tick's month, which put a November history "in December".
    ax.xaxis.set_major_formatter(
        ConciseDateFormatter(  # type: ignore[no-untyped-call]
            locator,
            formats=["%Y", "%b %Y", "%d %b", "%H:%M", "%H:%M", "%S.%f"],
            zero_formats=["", "%b %Y", "%d %b", "%H:%M", "%H:%M", "%M:%S.%f"],
            offset_formats=["", "", "%Y", "%d %b %Y", "%d %b %Y", "%d %b %Y %H:%M"],
        )
    )


def _accuracy_alt(items: Sequence[Bucket], unit: str, trend: Sequence[float]) -> str:
    total = sum(b.answers for b in items)
    first, last = items[0].start, items[-1].start
    span = (
        f"on {first:%d %b %Y}"
        if len(items) == 1
        else f"in {len(items)} {unit}s between {first:%d %b %Y} and {last:%d %b %Y}"
    )
    if len(items) == 1:
        answers = f"{total:,} answer{'s' if total != 1 else ''}"
        return f"Accuracy over time: {answers} {span}, mean score {percent(trend[-1])}."
    busiest = max(items, key=lambda b: b.answers)
    return (
        f"Accuracy over time: {total:,} answers {span}. Mean score {percent(items[0].accuracy)} "
        f"in the first {unit} shown and {percent(items[-1].accuracy)} in the last; over the "
        f"last {ROLLING_BUCKETS} {unit}s {percent(trend[-1])}. The busiest {unit} had "
        f"{busiest.answers:,} answers."
    )


def mastery_figure(
    title: str,
    points: Sequence[tuple[datetime, float]],
    fade: Sequence[tuple[datetime, float]],
) -> Rendered:
    """The chance of a right answer on a medium question after each answer, with the level
    thresholds, and (dashed) how it has faded since the last answer."""
    if not points:
        raise ValueError("no answers to draw")
    with render_lock, matplotlib.rc_context(RC):
        fig, (ax,) = new_figure(1)
        ax.plot(*zip(*points, strict=True), marker="o", color=PALETTE[0],
                label="after each answer")  # fmt: skip
        if fade:
            ax.plot(*zip(points[-1], *fade, strict=True), linestyle="--", color=PALETTE[0],
                    label="fading since the last answer")  # fmt: skip
        for level, threshold, _evidence in LEVEL_THRESHOLDS:
            ax.axhline(threshold, color=NEUTRAL, linestyle=":", linewidth=1.0)
            ax.annotate(f"{level.value} ≥ {threshold:.0%}", (0.01, threshold), xytext=(0, 2),
                        xycoords=("axes fraction", "data"), textcoords="offset points",
                        fontsize=9, color=NEUTRAL)  # fmt: skip
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("chance of a right answer")
        legend_above(ax)
        _date_axis(ax, points[0][0], (fade or points)[-1][0])
        today = fade[-1][1] if fade else points[-1][1]
        alt = (
            f"Mastery of “{title}” after each of {len(points)} answers: from "
            f"{percent(points[0][1])} after the first to {percent(points[-1][1])} after the "
            f"last; {percent(today)} today."
        )
        data = save(fig, "svg", f"Mastery over time: {title}", alt)
    return Rendered(data=data, mime=FORMATS["svg"], alt=alt)
