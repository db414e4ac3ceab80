"""Figures are made fit to inline once, drawn once, shared through the disk, and bounded;
workers warm up before their first request."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from quizsvc.services.catalog import EXTENSION_KEY as CATALOG_KEY
from quizsvc.services.figures import FigureCache, figure_key, prepare_svg
from quizsvc.warmup import warm_up
from tests.web.helpers import LESSON, OTHER_LESSON

SVG = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="50pt" viewBox="0 0 100 50">
 <defs><clipPath id="p1"><rect width="10" height="10"/></clipPath>
 <path id="glyph-1" d="M0 0"/></defs>
 <g clip-path="url(#p1)"><use href="#glyph-1"/><use xlink:href="#glyph-1"/></g>
</svg>"""


@dataclass
class Drawn:
    data: str
    mime: str = "image/svg+xml"
    alt: str = 'Gradient norm per layer, "layer 1" < 0.1'


def test_svg_is_made_fit_to_inline() -> None:
    svg = prepare_svg(SVG, Drawn(SVG).alt, "fab-")
    assert svg.startswith("<svg") and "<?xml" not in svg and "DOCTYPE" not in svg
    assert 'id="fab-p1"' in svg and "url(#fab-p1)" in svg
    assert 'href="#fab-glyph-1"' in svg and 'xlink:href="#fab-glyph-1"' in svg
    assert 'role="img"' in svg
    assert 'aria-label="Gradient norm per layer, &#34;layer 1&#34; &lt; 0.1"' in svg
    assert "<title>Gradient norm per layer, &#34;layer 1&#34; &lt; 0.1</title>" in svg


def test_a_plots_svg_keeps_its_own_single_title() -> None:
    from quizsvc.plots import render

    drawn = render("activation_fn", [], activation="tanh")
    svg = prepare_svg(drawn.data, drawn.alt, "fab-")
    assert svg.count("<title") == 1
    assert 'role="img"' in svg and "aria-label=" in svg


def test_a_figure_is_drawn_once_and_shared_through_the_disk(tmp_path: Path) -> None:
    calls: list[int] = []

    def draw() -> Drawn:
        calls.append(1)
        return Drawn(SVG)

    key = figure_key("variant", "t", "hash", "1.0", 7, 0)
    first = FigureCache(tmp_path).get(key, draw)
    again = FigureCache(tmp_path).get(key, draw)  # another worker, same disk
    assert calls == [1] and first == again


def test_the_disk_cache_forgets_the_least_recently_used(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path, capacity=1)
    keys = [figure_key(i) for i in range(6)]
    for age, key in enumerate(keys):
        cache.get(key, lambda: Drawn(SVG))
        os.utime(next(tmp_path.glob(f"*/{key}.json")), (1000 + age, 1000 + age))
    cache.max_bytes = 3 * next(tmp_path.glob("*/*.json")).stat().st_size
    cache.prune()
    left = {path.stem for path in tmp_path.glob("*/*.json")}
    assert left == set(keys[-2:])  # back under 80 % of three files' worth


def test_warm_up_loads_the_catalog_of_the_workers_app(app: Flask) -> None:
    assert CATALOG_KEY not in app.extensions
    warm_up(app)
    assert [lesson.id for lesson in app.extensions[CATALOG_KEY].lessons] == [LESSON, OTHER_LESSON]
