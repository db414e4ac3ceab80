"""`quizsvc user ...`: accounts from the command line (the first instructor, role changes)."""

from __future__ import annotations

import click
from flask import Flask

from quizsvc.cli.app_context import pass_app
from quizsvc.progress.models import Role
from quizsvc.services import accounts
from quizsvc.services.errors import ServiceError
from quizsvc.settings import Settings


def _hash_method(app: Flask) -> str:
    return Settings.of(app).password_hash_method


@click.group("user", help="Create accounts, change roles, set passwords.")
def user_group() -> None:
    pass


@user_group.command("create")
@click.argument("email")
@click.option("--instructor", is_flag=True, help="Give the account the instructor role.")
@click.option("--name", default="", help="The name shown in the interface.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="QUIZSVC_USER_PASSWORD",
    help="Asked for when not given (or set QUIZSVC_USER_PASSWORD).",
)
@pass_app
def create(app: Flask, email: str, instructor: bool, name: str, password: str) -> None:
    """Create an account for EMAIL."""
    role = Role.INSTRUCTOR if instructor else Role.STUDENT
    try:
        user = accounts.create_user(
            email, password, hash_method=_hash_method(app), role=role, display_name=name
        )
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"created {user.role.value} {user.email} (id {user.id})")


@user_group.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@pass_app
def set_role(app: Flask, email: str, role: str) -> None:
    """Make the account EMAIL a student or an instructor."""
    try:
        user = accounts.set_role(email, Role(role))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{user.email} is now {user.role.value}")


@user_group.command("password")
@click.argument("email")
@click.option(
    "--password",
    prompt="New password",
    hide_input=True,
    confirmation_prompt=True,
    envvar="QUIZSVC_USER_PASSWORD",
    help="Asked for when not given (or set QUIZSVC_USER_PASSWORD).",
)
@pass_app
def set_password(app: Flask, email: str, password: str) -> None:
    """Set a new password for EMAIL (for someone who forgot theirs); logs out every session."""
    user = accounts.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email {accounts.normalize_email(email)!r}.")
    try:
        ended = accounts.set_password(user, password, hash_method=_hash_method(app))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"new password for {user.email}; {ended} session{'s' if ended != 1 else ''} ended")
