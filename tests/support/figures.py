"""What figure tests look at: the SVG's text, and the matplotlib figure behind a render."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from quizsvc.plots import Rendered

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(figure: Rendered) -> str:
    """Every text of the drawing: labels, ticks, legend, <title> and <desc>."""
    root = ET.fromstring(figure.data)
    return " ".join(
        t.text or "" for t in root.iter() if t.tag in (f"{SVG}text", f"{SVG}title", f"{SVG}desc")
    )


def drawn(monkeypatch: pytest.MonkeyPatch, module: ModuleType, call: Callable[[], Any]) -> Figure:
    """The matplotlib figure `call` draws (caught where ``module`` saves it)."""
    figures: list[Figure] = []
    real = module.save

    def keep(fig: Figure, *args: Any) -> bytes:
        figures.append(fig)
        return real(fig, *args)

    monkeypatch.setattr(module, "save", keep)
    call()
    return figures[0]


def legends_clear_of_axes(fig: Figure) -> list[str]:
    """Legends drawn over a panel's data area (each should sit in a margin) or cut off by the
    figure's edge."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    page = fig.get_window_extent(renderer)
    problems = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        texts = ", ".join(t.get_text() for t in legend.get_texts())
        for other in fig.axes:
            if box.overlaps(other.get_window_extent(renderer)):
                problems.append(texts)
        if not (page.x0 <= box.x0 and box.x1 <= page.x1 and box.y1 <= page.y1):
            problems.append(f"cut off: {texts}")
    return problems
