"""The lesson catalog, loaded once per process on first use.

Parsing every lesson file costs tens of milliseconds, so it is done lazily (never in
`create_app`, which also runs in gunicorn's master and in every test) and kept in
`app.extensions` for the life of the worker. With live reloading on (`quizsvc serve --dev`),
`services.live_catalog` re-reads it when a lesson file changes.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from quizsvc.content import Catalog, Lesson, QuestionTemplate, load_catalog
from quizsvc.services import live_catalog
from quizsvc.services.errors import NotFound
from quizsvc.settings import Settings

EXTENSION_KEY = "quizsvc.catalog"
_load_lock = threading.Lock()


def get_catalog(app: Flask | None = None) -> Catalog:
    app = app or current_app
    settings = Settings.of(app)
    if settings.content_reload:
        return live_catalog.live_catalog(app).current()
    catalog: Catalog | None = app.extensions.get(EXTENSION_KEY)
    if catalog is None:
        with _load_lock:
            catalog = app.extensions.get(EXTENSION_KEY)
            if catalog is None:
                catalog = load_catalog(settings.content_dir)
                app.extensions[EXTENSION_KEY] = catalog
    return catalog


def lessons() -> list[Lesson]:
    return list(get_catalog().lessons)


def lesson(lesson_id: str) -> Lesson:
    try:
        return get_catalog().lesson(lesson_id)
    except KeyError:
        raise NotFound(f"There is no lesson {lesson_id!r}.") from None


def template(template_id: str) -> QuestionTemplate:
    try:
        return get_catalog().template(template_id)
    except KeyError:
        raise NotFound(f"There is no question {template_id!r}.") from None


def lesson_title(lesson_id: str | None) -> str:
    """A lesson's title for history and review pages, even after the lesson was removed."""
    if lesson_id is None:
        return "Interview drill"
    try:
        return get_catalog().lesson(lesson_id).title
    except KeyError:
        return lesson_id
