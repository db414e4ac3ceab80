"""Figures shared by every instance through the database: drawn once, by one instance, even
when several ask for the same figure at the same moment."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from quizsvc.db import get_db
from quizsvc.services.figure_store import DiskFigureStore, Figure, SharedFigureStore
from quizsvc.services.figures import FigureCache, figure_key

SVG = '<svg xmlns="http://www.w3.org/2000/svg"><title>t</title></svg>'


def instances(app: Flask, tmp_path: Path, count: int) -> list[SharedFigureStore]:
    """Stores as `count` hosts would have them: one database, each its own disk."""
    engine = get_db(app).engine
    return [SharedFigureStore(engine, DiskFigureStore(tmp_path / f"host{n}")) for n in range(count)]


def test_instances_draw_a_figure_once_between_them(app: Flask, tmp_path: Path) -> None:
    stores = instances(app, tmp_path, 4)
    key = figure_key("shared", "at once")
    drawn: list[int] = []
    got: list[Figure] = []
    barrier = threading.Barrier(len(stores))

    def make(n: int) -> Figure:
        drawn.append(n)
        time.sleep(0.3)  # long enough for every other instance to ask meanwhile
        return Figure(svg=SVG, alt=f"drawn by {n}")

    def ask(n: int, store: SharedFigureStore) -> None:
        barrier.wait()
        got.append(FigureCache(store).get(key, lambda: _rendered(make(n))))

    threads = [threading.Thread(target=ask, args=(n, s)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(drawn) == 1 and len({f.alt for f in got}) == 1 and len(got) == 4
    for store in stores:  # and each host's disk now holds it for the next request
        assert store.local.load(key) == got[0]


def test_another_instance_reads_a_figure_without_drawing(app: Flask, tmp_path: Path) -> None:
    first, second = instances(app, tmp_path, 2)
    key = figure_key("shared", "later")
    FigureCache(first).get(key, lambda: _rendered(Figure(SVG, "first")))

    def never() -> object:
        raise AssertionError("drawn again")

    assert FigureCache(second).get(key, never).alt == "first"  # type: ignore[arg-type]


def test_a_dead_instances_claim_is_taken_over(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quizsvc.services.figure_store as module

    first, second = instances(app, tmp_path, 2)
    key = figure_key("shared", "abandoned")
    assert first._claim(key)  # ... and then that instance died before it stored the figure
    monkeypatch.setattr(module, "CLAIM_TIMEOUT", timedelta(seconds=0.2))
    assert second.draw(key, lambda: Figure(SVG, "second")).alt == "second"
    assert first.load(key) == Figure(SVG, "second")


class _Rendered:
    mime = "image/svg+xml"

    def __init__(self, figure: Figure) -> None:
        self.data = figure.svg
        self.alt = figure.alt


def _rendered(figure: Figure) -> _Rendered:
    return _Rendered(figure)
