"""Drawing the figures of variants and of lesson pages.

A variant stores each figure's simulation settings, not pictures: drawing re-runs them (from
the cache when warm), so stored attempts stay small and any figure can be drawn again, as SVG
for the page or PNG for export.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from quizsvc.content.model import LiveFigure
from quizsvc.plots import Rendered, render
from quizsvc.quiz.generate import MAX_SEED
from quizsvc.quiz.simcache import SIM_CACHE
from quizsvc.quiz.variant import Variant
from quizsvc.sim import SimConfig


def draw(
    kind: str,
    configs: Sequence[Mapping[str, Any]],
    *,
    labels: Sequence[str] | None,
    hide: Sequence[str],
    theory: bool,
    options: Mapping[str, Any],
    fmt: str,
) -> Rendered:
    """Simulate (cached) and render one figure."""
    sims = [SIM_CACHE.get(SimConfig.from_dict(dict(c))) for c in configs]
    return render(
        kind,
        sims,
        labels=list(labels) if labels is not None else None,
        fmt=fmt,
        hide=frozenset(hide),
        theory=theory,
        **dict(options),
    )


def render_variant_figure(variant: Variant, index: int, fmt: str = "svg") -> Rendered:
    """Figure ``index`` of ``variant.figures`` (prompt figures, then plot_choice options)."""
    if not 0 <= index < len(variant.figures):
        raise IndexError(f"variant has {len(variant.figures)} figures, not {index + 1}")
    spec = variant.figures[index]
    return draw(
        spec["kind"],
        spec["sims"],
        labels=spec["labels"],
        hide=spec["hide"],
        theory=spec["theory"],
        options=spec["options"],
        fmt=fmt,
    )


def render_live_figure(figure: LiveFigure, seed: int, fmt: str = "svg") -> Rendered:
    """A lesson's live figure for ``seed`` (settings that fix their own seed keep it)."""
    configs = [{"seed": seed % MAX_SEED, **config} for config in figure.sims.values()]
    return draw(
        figure.kind,
        configs,
        labels=list(figure.sims) or None,
        hide=figure.hide,
        theory=figure.theory,
        options=figure.options,
        fmt=fmt,
    )
