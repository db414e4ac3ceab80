"""Rendered figures, cached when first viewed.

A matplotlib figure costs 45-120 ms while the simulation behind it costs ~5 ms, so figures set
the price of a page: they are rendered on first view (never when an attempt starts), then kept
in memory and on disk, where every worker of the host shares them. Keys are content-derived
(what the figure is a pure function of), so a cached figure is never stale and never needs
invalidating.

The cache stores SVG ready to inline in a page: the root is labelled for assistive technology
(role="img", aria-label, <title>) and its ids are namespaced, because several matplotlib SVGs in
one document would otherwise share ids such as their clip paths and glyphs.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from functools import partial
from typing import Protocol

from cachetools import LRUCache
from flask import Flask, current_app
from markupsafe import escape

from quizsvc.content import Lesson
from quizsvc.db import get_db
from quizsvc.plots import FIGURE_STYLE_VERSION
from quizsvc.progress.models import AttemptQuestion
from quizsvc.quiz import Variant, render_live_figure, render_variant_figure
from quizsvc.services.figure_store import DiskFigureStore, Figure, FigureStore, SharedFigureStore
from quizsvc.settings import Settings
from quizsvc.sim import ENGINE_VERSION

EXTENSION_KEY = "quizsvc.figures"
MEMORY_CAPACITY = 256


class Rendered(Protocol):
    """What `quizsvc.quiz` renderers return (read only: the cache never changes a drawing)."""

    @property
    def data(self) -> bytes | str: ...

    @property
    def mime(self) -> str: ...

    @property
    def alt(self) -> str: ...


# Part of every key: bump it when what the cache stores changes, so old entries are not served.
# 2: ids are namespaced by the drawing, no longer by the key (which hashes a variant's seed).
CACHE_FORMAT = 2


def figure_key(*parts: object) -> str:
    text = "|".join(str(p) for p in (CACHE_FORMAT, FIGURE_STYLE_VERSION, *parts))
    return hashlib.sha256(text.encode()).hexdigest()


def id_prefix(data: bytes | str) -> str:
    """The namespace of a drawing's ids, from what the drawing shows and nothing else.

    Never from the cache key: a variant figure's key hashes the variant's seed, and 32 bits of
    it in the page would let a learner search the 2**31 seeds and regenerate the answer key.
    """
    raw = data.encode() if isinstance(data, str) else data
    return f"f{hashlib.sha256(raw).hexdigest()[:8]}-"


_ID = re.compile(r'\bid="([^"]+)"')
_ROOT = re.compile(r"<svg\b[^>]*>")


def prepare_svg(data: bytes | str, alt: str, prefix: str) -> str:
    """Make a standalone SVG document fit to inline: no prologue, unique ids, labelled root."""
    svg = data.decode() if isinstance(data, bytes) else data
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("not an SVG document")
    svg = svg[start:]
    ids = set(_ID.findall(svg))
    if ids:
        names = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        svg = re.sub(
            rf'(\bid="|url\(#|href="#)({names})(?=["\)])',
            lambda m: f"{m.group(1)}{prefix}{m.group(2)}",
            svg,
        )
    root = _ROOT.search(svg)
    assert root is not None
    tag = root.group(0)
    label = str(escape(alt))
    new_tag = tag
    if "role=" not in tag:
        new_tag = new_tag[:-1] + ' role="img">'
    if "aria-label=" not in tag:
        new_tag = new_tag[:-1] + f' aria-label="{label}">'
    rest = svg[root.end() :]
    # quizsvc.plots already opens its SVGs with <title>/<desc>; add one only where it is missing.
    title = "" if rest.lstrip().startswith("<title") else f"<title>{label}</title>"
    return svg[: root.start()] + new_tag + title + rest


class FigureCache:
    """Two levels: a small in-process LRU (cachetools) in front of a `FigureStore`."""

    def __init__(self, store: FigureStore, capacity: int = MEMORY_CAPACITY) -> None:
        self.store = store
        self._memory: LRUCache[str, Figure] = LRUCache(capacity)
        self._lock = threading.Lock()

    def get(self, key: str, render: Callable[[], Rendered]) -> Figure:
        with self._lock:
            figure = self._memory.get(key)
        if figure is None:
            figure = self.store.load(key)
            if figure is None:

                def make() -> Figure:
                    rendered = render()
                    return Figure(
                        svg=prepare_svg(rendered.data, rendered.alt, id_prefix(rendered.data)),
                        alt=rendered.alt,
                    )

                figure = self.store.draw(key, make)
            with self._lock:
                self._memory[key] = figure
        return figure


def open_figure_store(app: Flask) -> FigureStore:
    """The app's store: the database, shared by every instance and worker, behind this host's
    disk (FIGURE_CACHE_DIR, bounded by FIGURE_CACHE_MAX_MB)."""
    settings = Settings.of(app)
    local = DiskFigureStore(settings.figure_cache_dir, max_bytes=settings.figure_cache_max_bytes)
    return SharedFigureStore(get_db(app).engine, local)


def get_figure_cache(app: Flask | None = None) -> FigureCache:
    app = app or current_app
    cache: FigureCache | None = app.extensions.get(EXTENSION_KEY)
    if cache is None:
        store = open_figure_store(app)
        cache = app.extensions.setdefault(EXTENSION_KEY, FigureCache(store))
    return cache


def live_figure(lesson: Lesson, figure_id: str, seed: int) -> Figure:
    """A lesson's live figure for one seed of the page's rotating pool."""
    figure = lesson.figures[figure_id]
    key = figure_key("live", lesson.id, lesson.content_hash, figure_id, seed, ENGINE_VERSION)
    return get_figure_cache().get(key, lambda: render_live_figure(figure, seed, "svg"))


def variant_figure(question: AttemptQuestion, index: int) -> Figure:
    """Figure `index` of a stored variant (prompt figures first, then plot_choice options)."""
    key = variant_figure_key(
        question.template_id, question.content_hash, question.engine_version, question.seed, index
    )
    variant = Variant.from_dict(question.variant)
    return get_figure_cache().get(key, lambda: render_variant_figure(variant, index, "svg"))


def variant_figure_key(
    template_id: str, content_hash: str, engine_version: str, seed: int, index: int
) -> str:
    return figure_key("variant", template_id, content_hash, engine_version, seed, index)


def draw_variant_figures(variant: Variant) -> None:
    """Draw and store every figure of a variant before anyone asks for it (variant pools)."""
    cache = get_figure_cache()
    for index in range(len(variant.figures)):
        key = variant_figure_key(
            variant.template_id, variant.content_hash, variant.engine_version, variant.seed, index
        )
        cache.get(key, partial(render_variant_figure, variant, index, "svg"))
