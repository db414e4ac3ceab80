"""Lesson files re-read while the site runs, so an instructor sees an edit on the next load.

Enabled by ``quizsvc serve --dev`` (Flask's debug mode) or ``QUIZSVC_CONTENT_RELOAD=1``. Each
request compares the modification times and sizes of the lesson files with those of the last
load (a few ``stat`` calls); only a change re-reads the folder, in this process, so torch and
the simulation cache stay as they are.

A file that now has errors does not take its lesson down: the last good version of that lesson
stays in the catalog for students, and ``kept`` records it so the content status page can say
which version is served and why.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from quizsvc.content import Catalog, Lesson, load_catalog
from quizsvc.settings import Settings

EXTENSION_KEY = "quizsvc.live_catalog"

# (path, mtime in ns, size) of every lesson file: any edit, addition or removal changes it.
Signature = tuple[tuple[str, int, int], ...]


def reload_enabled(app: Flask) -> bool:
    """``CONTENT_RELOAD`` when configured, else Flask's debug mode (``serve --dev``)."""
    return Settings.of(app).content_reload


def signature(root: Path) -> Signature:
    entries = []
    for path in sorted(root.rglob("*.md")):
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed between listing and stat: the next call sees it
            continue
        entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


@dataclass(frozen=True)
class KeptLesson:
    """A lesson served in its last good version because its file now has errors."""

    lesson: Lesson
    since: datetime


class LiveCatalog:
    """The catalog of one content folder, re-read when its files change."""

    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir
        self.kept: dict[str, KeptLesson] = {}
        self.loaded_at: datetime | None = None
        self._catalog: Catalog | None = None
        self._signature: Signature | None = None
        self._lock = threading.Lock()

    def current(self) -> Catalog:
        seen = signature(self.content_dir)
        if seen != self._signature or self._catalog is None:
            with self._lock:
                if seen != self._signature or self._catalog is None:
                    self._reload(seen)
        assert self._catalog is not None
        return self._catalog

    def _reload(self, seen: Signature) -> None:
        fresh = load_catalog(self.content_dir)
        self.kept = keep_good_versions(self._catalog, fresh, self.kept)
        self._catalog, self._signature = fresh, seen
        self.loaded_at = datetime.now(UTC)


def keep_good_versions(
    previous: Catalog | None, fresh: Catalog, kept: dict[str, KeptLesson]
) -> dict[str, KeptLesson]:
    """Put back into ``fresh`` every lesson of ``previous`` whose file now has errors.

    A lesson is only put back when nothing in ``fresh`` took its id or a question id, so the
    catalog never holds two lessons or templates under one id. Returns the lessons kept.
    """
    if previous is None:
        return {}
    failing = {Path(problem.path).resolve() for problem in fresh.errors}
    now = datetime.now(UTC)
    result: dict[str, KeptLesson] = {}
    for lesson in previous.lessons:
        taken = any(other.id == lesson.id for other in fresh.lessons) or any(
            q.id in fresh.templates for q in lesson.questions
        )
        if lesson.path.resolve() not in failing or taken:
            continue
        fresh.lessons.append(lesson)
        fresh.templates.update((q.id, q) for q in lesson.questions)
        previous_entry = kept.get(lesson.id)
        result[lesson.id] = KeptLesson(lesson, previous_entry.since if previous_entry else now)
    fresh.lessons.sort(key=lambda lesson: (lesson.order, lesson.id))
    return result


def live_catalog(app: Flask) -> LiveCatalog:
    watcher: LiveCatalog | None = app.extensions.get(EXTENSION_KEY)
    if watcher is None:
        watcher = app.extensions.setdefault(
            EXTENSION_KEY, LiveCatalog(Settings.of(app).content_dir)
        )
    return watcher


def kept_lessons(app: Flask) -> dict[str, KeptLesson]:
    """Lessons served in their previous good version (empty when reloading is off)."""
    if not reload_enabled(app):
        return {}
    return live_catalog(app).kept
