"""``quizsvc lti platform add|list``: registration, its checks, and the frame origin."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from quizsvc.db import get_session
from quizsvc.progress.lti import LtiPlatform

CANVAS = [
    "--issuer", "https://canvas.instructure.com", "--client-id", "10000000000001",
    "--deployment-id", "1:abc", "--auth-login-url", "https://sso.canvaslms.com/api/lti/authorize_redirect",
    "--access-token-url", "https://sso.canvaslms.com/login/oauth2/token",
    "--jwks-url", "https://sso.canvaslms.com/api/lti/security/jwks",
]  # fmt: skip


def platforms(app: Flask) -> list[LtiPlatform]:
    with app.app_context():
        return list(get_session().query(LtiPlatform).order_by(LtiPlatform.id))


def test_a_platform_is_registered_listed_and_updated(app: Flask, runner: FlaskCliRunner) -> None:
    empty = runner.invoke(args=["lti", "platform", "list"])
    assert "no platform registered" in empty.output
    added = runner.invoke(args=["lti", "platform", "add", *CANVAS])
    assert added.exit_code == 0, added.output
    # Framed by the auth-login URL's origin unless told otherwise.
    assert "framed by https://sso.canvaslms.com" in added.output
    again = runner.invoke(args=["lti", "platform", "add", *CANVAS, "--deployment-id", "2:def",
                                "--frame-origin", "https://school.instructure.com"])  # fmt: skip
    assert again.exit_code == 0, again.output
    (platform,) = platforms(app)
    assert platform.deployment_ids == ["1:abc", "2:def"]
    assert platform.frame_origin == "https://school.instructure.com"
    listed = runner.invoke(args=["lti", "platform", "list"]).output
    assert "https://canvas.instructure.com" in listed and "1:abc, 2:def" in listed


def test_bad_values_are_refused_with_a_message(app: Flask, runner: FlaskCliRunner) -> None:
    bad_url = [*CANVAS[:-1], "sso.canvaslms.com/jwks"]
    result = runner.invoke(args=["lti", "platform", "add", *bad_url])
    assert result.exit_code == 1 and "--jwks-url must be an absolute http(s) URL" in result.output
    result = runner.invoke(
        args=["lti", "platform", "add", *CANVAS, "--frame-origin", "https://lms.example/path"]
    )
    assert result.exit_code == 1 and "must be an origin" in result.output
    assert platforms(app) == []
