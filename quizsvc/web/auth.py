"""Sign up, log in, log out, and practice as a guest (sessions: quizsvc.security.identity)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from quizsvc.progress.models import User
from quizsvc.security import limit_from_config, limit_log_ins
from quizsvc.security.identity import log_in, log_out
from quizsvc.services import accounts
from quizsvc.services.errors import Conflict, ServiceError
from quizsvc.settings import Settings
from quizsvc.web.forms import LoginForm, SignupForm

bp = Blueprint("auth", __name__)

# A taken email cannot become a second account, and with no email to send, sign-up cannot hide
# that it failed. It does not say why as a fact, names what the owner of the address would do,
# and costs one try of the per-address sign-up limit like any other attempt.
SIGNUP_REFUSED = (
    "We could not create an account with this email. If you signed up with it before, log in "
    "instead; otherwise check the address for a typo."
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(return_path)


def password_hash_method() -> str:
    return Settings.of(current_app).password_hash_method


def safe_next(default: str) -> str:
    """The `next` target when it is a path on this site (no open redirect), else `default`.

    Browsers read a backslash as a slash and drop tabs and newlines inside a URL, so a target
    with any of them could lead off the site: refused, like `//host` and `https://host`.
    """
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
        and target.isprintable()
    ):
        return target
    return default


def return_path() -> str | None:
    """Where a "Sign up" or "Log in" link on this page brings the learner back to: the page
    itself (a question mid-attempt, say), unless it is a form of its own or not a page."""
    if request.method != "GET" or request.blueprint == bp.name or request.endpoint is None:
        return None
    return request.full_path.rstrip("?")


def _current_user() -> User | None:
    """The logged-in user itself, not Flask-Login's proxy (which must not be logged in again:
    the proxy would then stand for itself)."""
    if not current_user.is_authenticated:
        return None
    return current_user._get_current_object()


def ensure_learner() -> User:
    """The current user, creating a guest first for a visitor who starts practising."""
    if current_user.is_authenticated:
        return current_user
    guest = accounts.create_guest()
    log_in(guest)
    flash("You are practising as a guest. Sign up at any time to keep your progress.", "info")
    return guest


@bp.route("/login", methods=["GET", "POST"])
@limit_log_ins
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(
            form.email.data or "", form.password.data or "", hash_method=password_hash_method()
        )
        if user is None:
            form.password.errors = [
                *form.password.errors,
                "The email or the password is not right.",
            ]
        else:
            guest = _current_user()
            if guest is not None and guest.is_guest:
                accounts.merge_guest(guest, user)
            log_in(user)
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
                hash_method=password_hash_method(),
            )
        except Conflict:
            form.email.errors = [*form.email.errors, SIGNUP_REFUSED]
        except ServiceError as exc:
            form.email.errors = [*form.email.errors, exc.message]
        else:
            log_in(user)
            kept = " Your guest work is kept." if guest is not None else ""
            flash(f"Your account is ready.{kept}", "success")
            return redirect(safe_next(url_for("pages.index")))
    status = 422 if form.errors else 200
    return render_template("auth/signup.html", form=form), status


@bp.get("/logout")
def confirm_logout() -> ResponseReturnValue:
    """A guest's work belongs to no account: before it is left behind, say so and offer to
    sign up instead (which keeps it). Anyone else logs out with the header's button."""
    if not current_user.is_authenticated:
        return redirect(url_for("pages.index"))
    return render_template("auth/end_guest.html", next=safe_next(url_for("pages.index")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    log_out()
    flash("You are logged out.", "info")
    return redirect(url_for("pages.index"))


@bp.post("/guest")
@limit_from_config("GUEST_RATE_LIMIT")
def guest() -> ResponseReturnValue:
    ensure_learner()
    return redirect(safe_next(url_for("pages.index")))
