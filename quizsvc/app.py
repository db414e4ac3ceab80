"""The app factory: configuration, database, blueprints and commands in one Flask app."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from quizsvc.api import init_api
from quizsvc.cli import register_commands
from quizsvc.config import load_config
from quizsvc.db import Database
from quizsvc.jobs import init_app as init_jobs
from quizsvc.lti import init_app as init_lti
from quizsvc.web import init_web


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """A configured app (`quizsvc.create_app`, `wsgi:app`, `flask --app quizsvc`).

    Nothing here runs a torch operation or touches the database, so the factory is safe to call
    in a process that later forks (gunicorn's master) and cheap to call in tests.
    """
    app = Flask(
        "quizsvc",  # the package's name: logger, CLI group and instance folder are the package's
        instance_relative_config=True,
        template_folder="web/templates",
        static_folder="web/static",
    )
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, test_config)
    Database(app)
    register_commands(app)
    init_web(app)
    init_api(app)  # after the pages: it reuses their log-in manager and CSRF protection
    init_lti(app)  # LTI 1.3 launches and grade passback, likewise
    init_jobs(app)  # background work (pool fills, reports) on the task queue
    return app
