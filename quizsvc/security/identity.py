"""Who is asking: one Flask-Login `current_user` for the pages and the API.

A browser is known by its login session (quizsvc.services.sessions). The cookie keeps the
session's token as Flask-Login's user id (its "alternative token" pattern, `User.get_id`), so
ending the session on the server ends every copy of the cookie. A script calling the API is
known by its personal token in `Authorization: Bearer ...`, through Flask-Login's
`request_loader`; on those blueprints a request that carries an Authorization header is
authenticated by it alone, whatever cookie comes along.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Request, current_app, g, request, session
from flask_login import LoginManager, current_user, login_user, logout_user

from quizsvc.progress.models import User
from quizsvc.services import sessions, tokens

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in, or practice as a guest, to continue."
login_manager.login_message_category = "info"

_token_blueprints: set[str] = set()


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


def accept_bearer_tokens(blueprint_name: str) -> None:
    """Let requests to this blueprint authenticate with a personal API token."""
    _token_blueprints.add(blueprint_name)


def token_request() -> bool:
    """Whether this request authenticates with its Authorization header (and not a cookie)."""
    return request.blueprint in _token_blueprints and bool(request.headers.get("Authorization"))


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def _idle_lifetime() -> timedelta:
    return current_app.permanent_session_lifetime


@login_manager.user_loader
def _user_from_session(session_token: str) -> User | None:
    if token_request():
        return None
    return sessions.user_for_session(session_token, idle_lifetime=_idle_lifetime())


@login_manager.request_loader
def _user_from_token(_request: Request) -> User | None:
    token = bearer_token() if token_request() else None
    return tokens.user_for_token(token) if token else None


def current_session_token() -> str | None:
    """The token of this browser's login session; None for visitors and token requests."""
    if token_request() or not current_user.is_authenticated:
        return None
    return current_user.session_token


def log_in(user: User) -> None:
    """Open a new login session for `user` in this browser, ending the one it replaces (a
    guest's, or another account's), so a copy of the old cookie never becomes this login."""
    previous = current_session_token()
    if previous is not None:
        sessions.end_session(previous)
    # Nothing from before the log-in carries over, the CSRF secret in particular: a token read
    # or planted while anonymous is not valid for the account.
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    sessions.open_session(
        user, user_agent=request.user_agent.string, idle_lifetime=_idle_lifetime()
    )
    login_user(user)
    session.permanent = True  # a guest's work survives closing the browser


def log_out() -> None:
    """End this browser's login session on the server, then forget it here."""
    token = current_session_token()
    if token is not None:
        sessions.end_session(token)
    logout_user()
    session.clear()
