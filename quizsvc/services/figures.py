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
import json
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from markupsafe import escape

from quizsvc.content import Lesson
from quizsvc.plots import FIGURE_STYLE_VERSION
from quizsvc.progress.models import AttemptQuestion
from quizsvc.quiz import Variant, render_live_figure, render_variant_figure
from quizsvc.settings import DEFAULT_FIGURE_CACHE_MAX_MB, Settings
from quizsvc.sim import ENGINE_VERSION

EXTENSION_KEY = "quizsvc.figures"
MEMORY_CAPACITY = 256
# Every attempt draws figures no one else will see, so the disk cache is bounded: after every
# PRUNE_EVERY writes, the least recently used files go until it is back under 80 % of its size.
PRUNE_EVERY = 200


class Rendered(Protocol):
    """What `quizsvc.quiz` renderers return."""

    data: bytes | str
    mime: str
    alt: str


@dataclass(frozen=True)
class Figure:
    svg: str  # an <svg> element, safe to place in a page
    alt: str


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
    """Two levels: a small in-process LRU in front of one JSON file per figure."""

    def __init__(
        self,
        directory: Path,
        capacity: int = MEMORY_CAPACITY,
        max_bytes: int = DEFAULT_FIGURE_CACHE_MAX_MB * 2**20,
    ) -> None:
        self.directory = directory
        self.capacity = capacity
        self.max_bytes = max_bytes
        self._memory: OrderedDict[str, Figure] = OrderedDict()
        self._lock = threading.Lock()
        self._writes = 0

    def get(self, key: str, render: Callable[[], Rendered]) -> Figure:
        figure = self._from_memory(key) or self._from_disk(key)
        if figure is None:
            rendered = render()
            figure = Figure(
                svg=prepare_svg(rendered.data, rendered.alt, id_prefix(rendered.data)),
                alt=rendered.alt,
            )
            self._to_disk(key, figure)
        self._to_memory(key, figure)
        return figure

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def _from_memory(self, key: str) -> Figure | None:
        with self._lock:
            figure = self._memory.get(key)
            if figure is not None:
                self._memory.move_to_end(key)
            return figure

    def _to_memory(self, key: str, figure: Figure) -> None:
        with self._lock:
            self._memory[key] = figure
            self._memory.move_to_end(key)
            while len(self._memory) > self.capacity:
                self._memory.popitem(last=False)

    def _from_disk(self, key: str) -> Figure | None:
        path = self._path(key)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            os.utime(path)  # recently used: pruned last
            return Figure(svg=payload["svg"], alt=payload["alt"])
        except (OSError, ValueError, KeyError):
            return None  # missing or half-written by a crashed worker: render again

    def _to_disk(self, key: str, figure: Figure) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so another worker never reads a partial file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"svg": figure.svg, "alt": figure.alt}, handle)
        os.replace(tmp, path)
        with self._lock:
            self._writes += 1
            due = self._writes % PRUNE_EVERY == 0
        if due:
            self.prune()

    def prune(self) -> None:
        """Delete least recently used files until the cache is under 80 % of `max_bytes`."""
        entries = []
        for path in self.directory.glob("*/*.json"):
            try:
                stat = path.stat()
            except OSError:
                continue  # removed by another worker meanwhile
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes:
            return
        for _, size, path in sorted(entries):
            path.unlink(missing_ok=True)
            total -= size
            if total <= self.max_bytes * 0.8:
                break


def get_figure_cache(app: Flask | None = None) -> FigureCache:
    app = app or current_app
    cache: FigureCache | None = app.extensions.get(EXTENSION_KEY)
    if cache is None:
        settings = Settings.of(app)
        cache = app.extensions.setdefault(
            EXTENSION_KEY,
            FigureCache(settings.figure_cache_dir, max_bytes=settings.figure_cache_max_bytes),
        )
    return cache


def live_figure(lesson: Lesson, figure_id: str, seed: int) -> Figure:
    """A lesson's live figure for one seed of the page's rotating pool."""
    figure = lesson.figures[figure_id]
    key = figure_key("live", lesson.id, lesson.content_hash, figure_id, seed, ENGINE_VERSION)
    return get_figure_cache().get(key, lambda: render_live_figure(figure, seed, "svg"))


def variant_figure(question: AttemptQuestion, index: int) -> Figure:
    """Figure `index` of a stored variant (prompt figures first, then plot_choice options)."""
    key = figure_key(
        "variant",
        question.template_id,
        question.content_hash,
        question.engine_version,
        question.seed,
        index,
    )
    variant = Variant.from_dict(question.variant)
    return get_figure_cache().get(key, lambda: render_variant_figure(variant, index, "svg"))
