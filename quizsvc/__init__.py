"""quizsvc: learn, and be tested on, why deep networks are hard to train."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from quizsvc.config import load_config
from quizsvc.db import Database

__all__ = ["create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The app factory: configuration, database, blueprints, commands.

    Nothing here runs a torch operation or touches the database, so the factory is safe to call
    in a process that later forks (gunicorn's master) and cheap to call in tests.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="web/templates",
        static_folder="web/static",
    )
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, test_config)
    Database(app)

    from quizsvc.cli import register_commands
    from quizsvc.web import init_web

    register_commands(app)
    init_web(app)
    return app
