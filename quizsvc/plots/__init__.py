"""Figures from simulation results: SVG for pages, PNG for export, alt text from the data.

Built with matplotlib's object API only (never pyplot, which keeps global figure state), so it
is safe in a threaded server. Knows nothing of Flask or lessons::

    from quizsvc.plots import render
    fig = render("grad_norms", [result], theory=True, metric="output_grad_norm")
    fig.data, fig.mime, fig.alt

``hide`` names quantities (per-layer metrics such as ``weight_grad_norm``, totals such as
``loss``, ``diverged_at``, ``ratio``, or any config field) that the alt text, SVG title and
description, automatic labels and on-figure annotations must not state, so a figure can sit
next to the question that asks for them.

Importing the package loads neither matplotlib nor torch: the kinds and their rules
(`check_figure`) are plain Python, and `render` imports the drawing code
(`quizsvc.plots.drawing`) with the first figure it draws.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from quizsvc.plots.base import Request
from quizsvc.plots.kinds import FIGURE_KINDS, FigureKind, check_figure, defaults, names
from quizsvc.plots.text import HIDEABLE, config_labels
from quizsvc.sim import SimResult

#: "json" is not a picture: the figure's data table (`quizsvc.plots.table`), for readers who
#: cannot see the figure.
FORMATS: dict[str, str] = {"svg": "image/svg+xml", "png": "image/png", "json": "application/json"}

# Part of every figure-cache key (with the engine version): bump it whenever a change alters how
# any figure looks, so caches drawn by older plotting code are not served.
# 2: legends above the plot, non-finite steps as a legend entry, month-naming date ticks.
# 3: grad_norms and update_ratio legends above the plot too, legend columns fit the width,
#    grad_norms ticks every layer up to 16 layers.
# 4: minor ticks and a light grid on log axes; a taller training figure whose loss panel takes
#    two thirds of it.
# 5: drawn at 5 x 3.9 in with 13 pt text (readable at 375 px and in print), margins in inches,
#    dashed lines outlined over solid ones, two rows of saturation labels over many violins.
FIGURE_STYLE_VERSION = "5"


class FigureError(ValueError):
    """A figure request that cannot be drawn (the message says why and what is allowed)."""


@dataclass(frozen=True)
class Rendered:
    """A drawn figure: the file's bytes, its MIME type and the alt text."""

    data: bytes
    mime: str
    alt: str


def render(
    kind: str,
    sims: Sequence[SimResult],
    *,
    labels: Sequence[str] | None = None,
    fmt: str = "svg",
    hide: Iterable[str] | str = frozenset(),
    theory: bool = False,
    **options: Any,
) -> Rendered:
    """Draw figure ``kind`` from ``sims``; the same input gives byte-identical output.

    Raises `FigureError` for anything `check_figure` rejects or an unknown ``fmt``.
    """
    hide = names(hide)
    problem = check_figure(kind, sims, labels=labels, hide=hide, theory=theory, **options)
    if problem is None and fmt not in FORMATS:
        problem = f"unknown format {fmt!r}: allowed {', '.join(FORMATS)}"
    if problem is not None:
        raise FigureError(problem)
    request = Request(
        sims=list(sims),
        labels=list(labels)
        if labels is not None
        else config_labels([s.config for s in sims], hide),
        hide=hide,
        theory=theory,
        options={**defaults(kind), **options},
    )
    # matplotlib (about a second to import) loads with the first figure, not with the package.
    from quizsvc.plots.drawing import draw

    data, alt = draw(FIGURE_KINDS[kind], request, fmt)
    return Rendered(data=data, mime=FORMATS[fmt], alt=alt)


__all__ = [
    "FIGURE_KINDS",
    "FIGURE_STYLE_VERSION",
    "FORMATS",
    "HIDEABLE",
    "FigureError",
    "FigureKind",
    "Rendered",
    "check_figure",
    "render",
]
