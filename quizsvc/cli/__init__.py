"""The `quizsvc` command; the same commands are registered on `flask --app quizsvc`."""

from __future__ import annotations

import click
from flask import Flask

from quizsvc.cli.db import db_group
from quizsvc.cli.serve import serve_command

COMMANDS: list[click.Command] = [db_group, serve_command]


@click.group(help="quizsvc: study and quiz service on why deep networks are hard to train.")
@click.version_option(package_name="quizsvc")
def main() -> None:
    pass


for _command in COMMANDS:
    main.add_command(_command)


def register_commands(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
