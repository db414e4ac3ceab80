"""`quizsvc serve`: gunicorn in production shape, or Flask's reloader with --dev."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask

from quizsvc import migrate
from quizsvc.cli.app_context import pass_app
from quizsvc.config import REPO_ROOT


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("QUIZSVC_HOST", "127.0.0.1"))
@click.option("--port", type=int, default=lambda: int(os.environ.get("QUIZSVC_PORT", "5000")))
@click.option("--dev", is_flag=True, help="Flask's development server with the reloader.")
@pass_app
def serve_command(app: Flask, host: str, port: int, dev: bool) -> None:
    """Serve the site (gunicorn with gunicorn.conf.py unless --dev)."""
    state = migrate.status(app)
    if not state.up_to_date:
        raise click.ClickException(
            f"the database is at revision {state.current or 'base'} and the code expects "
            f"{state.head}: run `quizsvc db upgrade` first"
        )
    click.echo(f"quizsvc is serving on http://{host}:{port}", err=True)
    if dev:
        app.run(host=host, port=port, debug=True, use_reloader=True)
        return
    sys.stdout.flush()
    os.chdir(REPO_ROOT)
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(REPO_ROOT / "gunicorn.conf.py"),
        "--bind",
        f"{host}:{port}",
        "wsgi:app",
    ]
    os.execv(sys.executable, argv)
