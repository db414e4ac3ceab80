"""Drawing a validated request with matplotlib: the heavy half of `quizsvc.plots.render`.

Each figure kind names the module that draws it (`FigureKind.module`); that module is imported
here, on the first figure of its kind, so the rules in `quizsvc.plots.kinds` stay free of
matplotlib.
"""

from __future__ import annotations

import importlib
import json

import matplotlib

from quizsvc.plots.base import Description, Request
from quizsvc.plots.kinds import FigureKind
from quizsvc.plots.style import RC, new_figure, render_lock, save, wrap_axis_labels
from quizsvc.plots.table import tabulate


def draw(spec: FigureKind, request: Request, fmt: str) -> tuple[bytes, str]:
    """The figure's file in ``fmt`` and its alt text.

    ``json`` is the figure's data table (`quizsvc.plots.table`): the figure is drawn, not
    rendered, and its axes are read. A kind whose module has ``tabulate(fig, request)`` builds
    its own panels.
    """
    module = importlib.import_module(f"quizsvc.plots.{spec.module}")
    with render_lock, matplotlib.rc_context(RC):
        fig, _ = new_figure(spec.rows)
        description: Description = module.draw(fig, request)
        wrap_axis_labels(fig)
        if fmt == "json":
            own = getattr(module, "tabulate", None)
            panels = own(fig, request) if own else tabulate(fig, spec.rows)
            table = {"title": description.title, "panels": [p.as_dict() for p in panels]}
            data = json.dumps(table, ensure_ascii=False).encode()
        else:
            data = save(fig, fmt, description.title, description.alt)
    return data, description.alt
