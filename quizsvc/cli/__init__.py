"""The `quizsvc` command; the same commands are registered on `flask --app quizsvc`.

Subcommands are imported only when they run: `simulate` and `content` pull in torch and
matplotlib (seconds of import), which `quizsvc db upgrade` and `create_app` should not pay.
"""

from __future__ import annotations

import importlib

import click
from flask import Flask
from flask.cli import AppGroup

# command name -> "module:attribute" of its click command
COMMANDS: dict[str, str] = {
    "db": "quizsvc.cli.db:db_group",
    "serve": "quizsvc.cli.serve:serve_command",
    "simulate": "quizsvc.cli.simulate:simulate_command",
    "content": "quizsvc.cli.content:content_group",
    "user": "quizsvc.cli.user:user_group",
    "export": "quizsvc.cli.export:export_group",
    "lti": "quizsvc.cli.lti:lti_group",
    "course": "quizsvc.cli.course:course_group",
    "pool": "quizsvc.cli.pools:pool_group",
    "worker": "quizsvc.cli.pools:worker_command",
}


def load_command(name: str) -> click.Command:
    module_name, attribute = COMMANDS[name].split(":")
    command = getattr(importlib.import_module(module_name), attribute)
    assert isinstance(command, click.Command)
    return command


class LazyGroup(click.Group):
    """A group whose subcommands in COMMANDS are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            return load_command(cmd_name)
        return super().get_command(ctx, cmd_name)


class LazyAppGroup(LazyGroup, AppGroup):
    """`app.cli` with the same lazy subcommands, for `flask --app quizsvc ...`."""


@click.group(
    cls=LazyGroup,
    help="quizsvc: study and quiz service on why deep networks are hard to train.",
)
@click.version_option(package_name="quizsvc")
def main() -> None:
    pass


def register_commands(app: Flask) -> None:
    """Give the app a lazy CLI group; call before blueprints add their own commands."""
    app.cli = LazyAppGroup(app.name)
