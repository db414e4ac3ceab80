"""Run a command inside the right app: the one `flask --app` loaded, or a fresh one."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import click
from flask import Flask
from flask.cli import ScriptInfo

from quizsvc.config import ConfigError
from quizsvc.db import DatabaseConfigError

P = ParamSpec("P")
R = TypeVar("R")


def pass_app(f: Callable[Concatenate[Flask, P], R]) -> Callable[P, R]:
    """Give the command an app in an app context; configuration errors become one line."""

    @functools.wraps(f)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        ctx = click.get_current_context()
        try:
            info = ctx.find_object(ScriptInfo)
            if info is not None:
                app = info.load_app()
            else:
                from quizsvc import create_app

                app = create_app()
            with app.app_context():
                return f(app, *args, **kwargs)
        except (ConfigError, DatabaseConfigError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper
