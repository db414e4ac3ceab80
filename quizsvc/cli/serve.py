"""`quizsvc serve`: gunicorn in production shape, or Flask's reloader with --dev.

With --with-worker (what `make serve` runs) the command stays as a small supervisor of two
children, gunicorn and `quizsvc worker`: when either exits, or the supervisor is told to stop,
both stop; if the supervisor itself is killed, the kernel stops them (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import click
from flask import Flask

from quizsvc import migrate
from quizsvc.cli.app_context import pass_app
from quizsvc.config import REPO_ROOT

PR_SET_PDEATHSIG = 1
STOP_SECONDS = 25  # gunicorn's graceful_timeout is 20


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("QUIZSVC_HOST", "127.0.0.1"))
@click.option("--port", type=int, default=lambda: int(os.environ.get("QUIZSVC_PORT", "5000")))
@click.option("--dev", is_flag=True, help="Flask's development server with the reloader.")
@click.option(
    "--with-worker",
    is_flag=True,
    help="Run `quizsvc worker` beside gunicorn; both stop together (what `make serve` does).",
)
@pass_app
def serve_command(app: Flask, host: str, port: int, dev: bool, with_worker: bool) -> None:
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
    _metrics_directory(Path(app.instance_path) / "prometheus")
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
    if not with_worker:
        os.execv(sys.executable, argv)
    worker = [sys.executable, "-m", "quizsvc.cli", "worker"]
    sys.exit(supervise({"gunicorn": argv, "worker": worker}))


def _metrics_directory(directory: Path) -> None:
    """Where every process of this instance writes its metrics (prometheus-client's
    multiprocess mode), emptied at start; an operator's PROMETHEUS_MULTIPROC_DIR wins."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        return
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def _die_with_parent() -> None:
    """In the child, before exec: the kernel sends SIGTERM when the supervisor dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def supervise(commands: dict[str, list[str]]) -> int:
    """Run the commands as children until one exits or SIGTERM/SIGINT arrives, then stop the
    others; returns the first exit status (1 when a child died on its own)."""
    children = {
        name: subprocess.Popen(argv, preexec_fn=_die_with_parent) for name, argv in commands.items()
    }
    stopping: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    while not stopping:
        ended = [name for name, child in children.items() if child.poll() is not None]
        if ended:
            status = children[ended[0]].returncode or 1
            click.echo(f"quizsvc: the {ended[0]} exited; stopping the rest", err=True)
            break
        time.sleep(0.2)
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return status
