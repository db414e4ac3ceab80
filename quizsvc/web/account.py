"""The account page: personal API tokens (created, listed, revoked)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from quizsvc.services import tokens
from quizsvc.services.errors import ServiceError
from quizsvc.web.forms import TokenForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def _registered_only() -> ResponseReturnValue | None:
    if current_user.is_guest:
        flash("Sign up to manage an account and API tokens.", "info")
        return redirect(url_for("auth.signup"))
    return None


def _page(form: TokenForm, status: int = 200, **extra: object) -> ResponseReturnValue:
    return render_template(
        "account.html", form=form, tokens=tokens.list_tokens(current_user), **extra
    ), status


@bp.get("/")
def settings() -> ResponseReturnValue:
    return _page(TokenForm())


@bp.post("/tokens")
def create_token() -> ResponseReturnValue:
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        token, plaintext = tokens.create_token(current_user, form.name.data or "")
    except ServiceError as exc:
        form.name.errors.append(exc.message)
        return _page(form, exc.status)
    # Shown in this response only; a redirect would have to carry the secret in the session.
    return _page(TokenForm(formdata=None), 201, new_token=plaintext, new_token_name=token.name)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> ResponseReturnValue:
    tokens.revoke_token(current_user, token_id)
    flash("The token is revoked; programs that used it can no longer log in.", "success")
    return redirect(url_for(".settings"))
