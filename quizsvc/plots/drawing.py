"""Drawing a validated request with matplotlib: the heavy half of `quizsvc.plots.render`.

Each figure kind names the module that draws it (`FigureKind.module`); that module is imported
here, on the first figure of its kind, so the rules in `quizsvc.plots.kinds` stay free of
matplotlib.
"""

from __future__ import annotations

import importlib

import matplotlib

from quizsvc.plots.base import Description, Request
from quizsvc.plots.kinds import FigureKind
from quizsvc.plots.style import RC, new_figure, render_lock, save


def draw(spec: FigureKind, request: Request, fmt: str) -> tuple[bytes, str]:
    """The figure's file in ``fmt`` and its alt text."""
    module = importlib.import_module(f"quizsvc.plots.{spec.module}")
    with render_lock, matplotlib.rc_context(RC):
        fig, _ = new_figure(spec.rows)
        description: Description = module.draw(fig, request)
        data = save(fig, fmt, description.title, description.alt)
    return data, description.alt
