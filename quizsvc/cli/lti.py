"""``quizsvc lti ...``: register LMS platforms, send and inspect grade passback."""

from __future__ import annotations

import click
from flask import Flask

from quizsvc.cli.app_context import pass_app
from quizsvc.lti import tool_key
from quizsvc.progress.lti import Passback
from quizsvc.services.errors import ServiceError
from quizsvc.services.lti import passback, platforms


@click.group("lti", help="LTI 1.3: the LMS platforms this tool trusts, and grade passback.")
def lti_group() -> None:
    pass


@lti_group.group("platform", help="Register and list LMS platforms.")
def platform_group() -> None:
    pass


@platform_group.command("add")
@click.option(
    "--issuer",
    required=True,
    help="The platform's issuer (iss), e.g. https://canvas.instructure.com.",
)
@click.option("--client-id", required=True, help="The client id the LMS gave this tool.")
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True,
              help="A deployment id of the tool in the LMS (repeat for several).")  # fmt: skip
@click.option("--auth-login-url", required=True, help="The platform's OIDC authentication URL.")
@click.option("--access-token-url", required=True, help="The platform's OAuth2 token URL.")
@click.option("--jwks-url", required=True, help="The URL of the platform's public keys (JWKS).")
@click.option(
    "--frame-origin",
    default=None,
    help="The origin whose pages frame the tool (default: the auth-login URL's).",
)
@pass_app
def add(
    app: Flask,
    issuer: str,
    client_id: str,
    deployment_ids: tuple[str, ...],
    auth_login_url: str,
    access_token_url: str,
    jwks_url: str,
    frame_origin: str | None,
) -> None:
    """Register a platform (again: adds deployment ids and takes the new URLs)."""
    try:
        platform = platforms.add_platform(
            issuer=issuer, client_id=client_id, deployment_ids=deployment_ids,
            auth_login_url=auth_login_url, access_token_url=access_token_url,
            jwks_url=jwks_url, frame_origin=frame_origin,
        )  # fmt: skip
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"platform {platform.id}: {platform.issuer} (client {platform.client_id}), "
               f"deployments {', '.join(platform.deployment_ids)}, "
               f"framed by {platform.frame_origin}")  # fmt: skip


@platform_group.command("list")
@pass_app
def list_(app: Flask) -> None:
    """The registered platforms and their URLs."""
    found = platforms.list_platforms()
    if not found:
        click.echo("no platform registered: add one with `quizsvc lti platform add`")
    for p in found:
        click.echo(f"{p.id}  {p.issuer}  client {p.client_id}  deployments "
                   f"{', '.join(p.deployment_ids)}")  # fmt: skip
        click.echo(f"    auth-login {p.auth_login_url}\n    token {p.access_token_url}\n"
                   f"    jwks {p.jwks_url}\n    framed by {p.frame_origin}")  # fmt: skip


@lti_group.command("passback")
@pass_app
def send_due(app: Flask) -> None:
    """Send the scores that are due now (the worker does this every minute; run it by hand
    when no worker runs)."""
    outcomes = passback.send_due(tool_key(app))
    sent = sum(1 for _, o in outcomes if o is Passback.SENT)
    click.echo(f"{sent} of {len(outcomes)} due scores sent")
    if sent < len(outcomes):
        raise SystemExit(1)


@lti_group.command("resend")
@click.argument("attempt_id", type=int)
@pass_app
def resend(app: Flask, attempt_id: int) -> None:
    """Send ATTEMPT_ID's score again now (after the platform was fixed)."""
    passback.resend(attempt_id)
    outcome = passback.send(attempt_id, tool_key(app))
    click.echo(f"attempt {attempt_id}: {outcome.value}")


@lti_group.command("scores")
@pass_app
def scores(app: Flask) -> None:
    """The latest scores taken through the LMS and whether they reached it."""
    for s in passback.states():
        score = "-" if s.score is None else f"{s.score:.0%}"
        line = f"attempt {s.attempt_id}  {s.user}  {s.link}  {score}  {s.passback.value}"
        if s.tries:
            line += f"  ({s.tries} failed tries; next {s.next_try_at or '-'}): {s.last_error}"
        click.echo(line)
