"""The browser-facing layer: blueprints, templates, static files, errors and request logs."""

from __future__ import annotations

from flask import Flask

from quizsvc.web import errors, health, request_log


def init_web(app: Flask) -> None:
    request_log.init_app(app)
    errors.init_app(app)
    app.register_blueprint(health.bp)

    from quizsvc.web import pages

    app.register_blueprint(pages.bp)
