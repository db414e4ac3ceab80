"""The account page: where you are logged in, the password, and personal API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from ua_parser import parse as parse_user_agent

from quizsvc.progress.models import LoginSession
from quizsvc.security import limit_log_ins
from quizsvc.security.identity import current_session_token, log_in, log_out
from quizsvc.services import accessibility, accounts, sessions, tokens
from quizsvc.services.errors import ServiceError
from quizsvc.web.auth import password_hash_method
from quizsvc.web.forms import PasswordForm, TokenForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def _registered_only() -> ResponseReturnValue | None:
    if current_user.is_guest:
        flash("Sign up to manage an account and API tokens.", "info")
        return redirect(url_for("auth.signup"))
    return None


def device_name(user_agent: str) -> str:
    """What a person recognises a session by ("Firefox on Ubuntu"), from its User-Agent."""
    parsed = parse_user_agent(user_agent)
    browser = parsed.user_agent.family if parsed.user_agent else None
    system = parsed.os.family if parsed.os else None
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "An unknown browser or program"


def _page(
    status: int = 200,
    *,
    form: TokenForm | None = None,
    password_form: PasswordForm | None = None,
    **extra: object,
) -> ResponseReturnValue:
    token = current_session_token()
    rows: list[tuple[LoginSession, str, bool]] = [
        (row, device_name(row.user_agent), sessions.is_current(row, token))
        for row in sessions.list_sessions(current_user)
    ]
    rows.sort(key=lambda item: not item[2])  # this device first, then the most recently active
    return render_template(
        "account.html",
        form=form or TokenForm(formdata=None),
        password_form=password_form or PasswordForm(formdata=None),
        tokens=tokens.list_tokens(current_user),
        figure_data=accessibility.figure_data(current_user),
        sessions=rows,
        **extra,
    ), status


@bp.get("/")
def settings() -> ResponseReturnValue:
    return _page()


@bp.post("/password")
@limit_log_ins
def change_password() -> ResponseReturnValue:
    form = PasswordForm()
    if not form.validate_on_submit():
        return _page(422, password_form=form)
    user = current_user._get_current_object()
    try:
        accounts.change_password(
            user,
            form.current_password.data or "",
            form.new_password.data or "",
            hash_method=password_hash_method(),
        )
    except ServiceError as exc:
        form.current_password.errors = [*form.current_password.errors, exc.message]
        return _page(exc.status, password_form=form)
    log_in(user)  # a fresh session here: a copy of this browser's old cookie is logged out too
    flash("Your password is changed, and every other device is logged out.", "success")
    return redirect(url_for(".settings"))


@bp.post("/sessions/<int:session_id>/end")
def end_session(session_id: int) -> ResponseReturnValue:
    sessions.end_session_by_id(current_user, session_id)
    flash("That device is logged out.", "success")
    return redirect(url_for(".settings"))


@bp.post("/sessions/end-all")
def end_all_sessions() -> ResponseReturnValue:
    sessions.end_all_sessions(current_user)
    log_out()
    flash("You are logged out on every device, this one included.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/tokens")
def create_token() -> ResponseReturnValue:
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(422, form=form)
    try:
        token, plaintext = tokens.create_token(current_user, form.name.data or "")
    except ServiceError as exc:
        form.name.errors = [*form.name.errors, exc.message]
        return _page(exc.status, form=form)
    # Shown in this response only; a redirect would have to carry the secret in the session.
    return _page(201, new_token=plaintext, new_token_name=token.name)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> ResponseReturnValue:
    tokens.revoke_token(current_user, token_id)
    flash("The token is revoked; programs that used it can no longer log in.", "success")
    return redirect(url_for(".settings"))
