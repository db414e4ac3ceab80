"""Figures are made fit to inline once, drawn once, shared through the disk, and bounded;
workers warm up before their first request."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from quizsvc.services.catalog import EXTENSION_KEY as CATALOG_KEY
from quizsvc.services.figure_store import DiskFigureStore, Figure, SharedFigureStore
from quizsvc.services.figures import FigureCache, figure_key, get_figure_cache, prepare_svg
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


def big(n: int) -> Drawn:
    """A drawing the size of a real figure (tens of kB), so a store holds a few dozen."""
    return Drawn(SVG.replace("</svg>", f"<!-- {n} {'x' * 40_000} --></svg>"))


# Another gunicorn worker: a separate process that opens the same directory.
OTHER_WORKER = """
import sys
from pathlib import Path
from quizsvc.services.figure_store import DiskFigureStore, Figure, SharedFigureStore
figure = DiskFigureStore(Path(sys.argv[1])).load(sys.argv[2])
print(figure.svg if figure else "missing", end="")
"""


def read_in_another_process(directory: Path, key: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", OTHER_WORKER, str(directory), key],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout


def test_a_figure_is_drawn_once_and_shared_through_the_disk(tmp_path: Path) -> None:
    calls: list[int] = []

    def draw() -> Drawn:
        calls.append(1)
        return Drawn(SVG)

    key = figure_key("variant", "t", "hash", "1.0", 7, 0)
    first = FigureCache(DiskFigureStore(tmp_path)).get(key, draw)
    again = FigureCache(DiskFigureStore(tmp_path)).get(key, draw)  # a new worker, same disk
    assert calls == [1] and first == again
    assert read_in_another_process(tmp_path, key) == first.svg


class DictStore(dict[str, Figure]):
    """The smallest `FigureStore`: what a shared store must offer the cache."""

    def load(self, key: str) -> Figure | None:
        return self.get(key)

    def save(self, key: str, figure: Figure) -> None:
        self[key] = figure

    def draw(self, key: str, make: Callable[[], Figure]) -> Figure:
        self[key] = make()
        return self[key]


def test_the_memory_level_keeps_the_most_recently_used() -> None:
    store = DictStore()
    cache = FigureCache(store, capacity=2)
    for n in (1, 2, 1, 3):  # 2 is now the least recently used: it leaves memory for 3
        cache.get(figure_key(n), lambda: Drawn(SVG))
    assert len(store) == 3
    store.clear()
    drawn: list[int] = []

    def draw(n: int) -> Drawn:
        drawn.append(n)
        return Drawn(SVG)

    for n in (1, 3, 2):
        cache.get(figure_key(n), lambda n=n: draw(n))
    assert drawn == [2]  # 1 and 3 came from memory
    assert set(store) == {figure_key(2)}  # what was drawn is saved


def test_the_disk_cache_keeps_a_recently_read_figure(tmp_path: Path) -> None:
    size = len(big(0).data)
    store = DiskFigureStore(tmp_path, max_bytes=20 * size)
    cache = FigureCache(store, capacity=1)
    keys = [figure_key(n) for n in range(24)]
    for n, key in enumerate(keys[:12]):
        cache.get(key, lambda n=n: big(n))
    # Another worker (its own memory) shows the oldest figure again: a read, not a write.
    assert read_in_another_process(tmp_path, keys[0]).startswith("<svg")
    for n, key in enumerate(keys[12:], start=12):
        cache.get(key, lambda n=n: big(n))
    kept = [key in store for key in keys]
    assert kept[0], "the figure read most recently among the old ones was evicted"
    evicted = kept.index(True, 1) - 1
    assert evicted > 0 and kept[1 : 1 + evicted] == [False] * evicted
    assert all(kept[1 + evicted :])  # exactly the least recently used went, oldest first
    assert store.bytes_used() <= 21 * size


def test_the_size_bound_comes_from_the_settings(app: Flask, tmp_path: Path) -> None:
    app.config.update(FIGURE_CACHE_DIR=str(tmp_path / "bounded"), FIGURE_CACHE_MAX_MB=3)
    shared = get_figure_cache(app).store
    assert isinstance(shared, SharedFigureStore)
    store = shared.local
    assert store.directory == tmp_path / "bounded" and store.max_bytes == 3 * 2**20
    for n in range(100):  # 4 MB of figures
        get_figure_cache(app).get(figure_key(n), lambda n=n: big(n))
    assert len(store) < 100 and store.bytes_used() <= 3 * 2**20 + len(big(0).data)


def test_the_key_changes_with_the_figure_style(monkeypatch: pytest.MonkeyPatch) -> None:
    import quizsvc.plots
    from quizsvc.services import figures

    assert figures.FIGURE_STYLE_VERSION == quizsvc.plots.FIGURE_STYLE_VERSION
    before = figure_key("live", "lesson", "hash", "fig", 3)
    monkeypatch.setattr(figures, "FIGURE_STYLE_VERSION", "changed")
    assert figure_key("live", "lesson", "hash", "fig", 3) != before


def test_a_tampered_entry_is_redrawn_never_unpickled(tmp_path: Path) -> None:
    import diskcache

    key, marker = figure_key("tampered"), tmp_path / "code-ran"
    with diskcache.Cache(str(tmp_path / "store")) as raw:  # default disk: pickles objects
        raw.set(key, Exploit(marker))
    assert DiskFigureStore(tmp_path / "store").load(key) is None
    assert not marker.exists()


def test_figures_of_earlier_releases_are_removed(tmp_path: Path) -> None:
    legacy = tmp_path / "ab" / f"ab{'0' * 62}.json"
    legacy.parent.mkdir()
    legacy.write_text('{"svg": "<svg/>", "alt": ""}')
    DiskFigureStore(tmp_path)
    assert not legacy.exists() and not legacy.parent.exists()


@dataclass
class Exploit:
    """What an attacker able to write to the cache directory would plant: unpickling it runs
    code (here: creates a directory)."""

    marker: Path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def test_warm_up_loads_the_catalog_of_the_workers_app(app: Flask) -> None:
    assert CATALOG_KEY not in app.extensions
    warm_up(app)
    assert [lesson.id for lesson in app.extensions[CATALOG_KEY].lessons] == [LESSON, OTHER_LESSON]
