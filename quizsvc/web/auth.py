"""Sign up, log in, log out, and practice as a guest; Flask-Login keeps the session."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user, login_user, logout_user

from quizsvc.progress.models import User
from quizsvc.security import limit_from_config
from quizsvc.services import accounts
from quizsvc.services.errors import ServiceError
from quizsvc.web.forms import LoginForm, SignupForm

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in, or practice as a guest, to continue."
login_manager.login_message_category = "info"


# Session key holding `session_binding(user)`: a session is valid only for the credential it was
# opened with. A guest who signs up keeps their user row (and id), so without this a copy of the
# guest's cookie (a shared computer, a planted cookie) would become a log-in to the new account.
SESSION_BINDING = "_quizsvc_auth"


def session_binding(user: User) -> str:
    secret = current_app.secret_key or ""
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    message = f"{user.id}:{user.password_hash or 'guest'}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = accounts.get_user(int(user_id)) if user_id.isdigit() else None
    if user is None:
        return None
    bound = session.get(SESSION_BINDING)
    if not isinstance(bound, str):
        # A session opened before sessions were bound: a guest keeps theirs (their work is
        # tied to it); an account logs in again.
        return user if user.is_guest else None
    return user if hmac.compare_digest(bound, session_binding(user)) else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)


def safe_next(default: str) -> str:
    """The `next` target when it stays on this site (no open redirect), else `default`."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _current_user() -> User | None:
    """The logged-in user itself, not Flask-Login's proxy (which must not be logged in again:
    the proxy would then stand for itself)."""
    if not current_user.is_authenticated:
        return None
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


def start_session(user: User) -> None:
    login_user(user)
    session[SESSION_BINDING] = session_binding(user)
    session.permanent = True  # a guest's work survives closing the browser


def ensure_learner() -> User:
    """The current user, creating a guest first for a visitor who starts practising."""
    if current_user.is_authenticated:
        return current_user  # type: ignore[return-value]
    guest = accounts.create_guest()
    start_session(guest)
    flash("You are practising as a guest. Sign up at any time to keep your progress.", "info")
    return guest


@bp.route("/login", methods=["GET", "POST"])
@limit_from_config("LOGIN_RATE_LIMIT")
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors.append("The email or the password is not right.")
        else:
            guest = _current_user()
            if guest is not None and guest.is_guest:
                accounts.merge_guest(guest, user)
            start_session(user)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(safe_next(url_for("pages.index")))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/signup", methods=["GET", "POST"])
@limit_from_config("SIGNUP_RATE_LIMIT")
def signup() -> ResponseReturnValue:
    form = SignupForm()
    if form.validate_on_submit():
        guest = _current_user()
        try:
            user = accounts.sign_up(
                form.email.data or "",
                form.password.data or "",
                form.display_name.data or "",
                guest=guest,
            )
        except ServiceError as exc:
            form.email.errors.append(exc.message)
        else:
            start_session(user)
            kept = " Your guest work is kept." if guest is not None else ""
            flash(f"Your account is ready.{kept}", "success")
            return redirect(safe_next(url_for("pages.index")))
    status = 422 if form.errors else 200
    return render_template("auth/signup.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("pages.index"))


@bp.post("/guest")
def guest() -> ResponseReturnValue:
    ensure_learner()
    return redirect(safe_next(url_for("pages.index")))
