"""Rate limits: per learner, per address and per account, each read from config at request time.

One Flask-Limiter for the process; its storage comes from RATELIMIT_STORAGE_URI. memory:// counts
per process, so with several workers each one allows the whole rate: production refuses that
(see check_shared_storage), development says so at start.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RouteLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user

from quizsvc.config import ConfigError
from quizsvc.services.accounts import normalize_email

View = Callable[..., Any]

logger = logging.getLogger("quizsvc.security")
limiter = Limiter(key_func=get_remote_address)

DEFAULTS: dict[str, object] = {
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_STRATEGY": "moving-window",
    # Failed log-ins only (a wrong password, an unknown email). Per address it is generous, so
    # a class behind one school address logs in together. Per account and address it is tight,
    # so one machine guesses one password slowly, yet cannot lock the owner out at their own
    # address; per account over all addresses it is looser, so guessing from many addresses
    # stays slow too (locking an owner out then takes many addresses).
    "LOGIN_RATE_LIMIT": "30 per minute; 300 per hour",
    "LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute; 30 per hour",
    "LOGIN_ACCOUNT_TOTAL_RATE_LIMIT": "20 per minute; 100 per hour",
    # Sized for a class signing up on its first day; it also bounds probing which emails are
    # registered (see web.auth.SIGNUP_REFUSED).
    "SIGNUP_RATE_LIMIT": "60 per hour",
    "ANSWER_RATE_LIMIT": "60 per minute",
    # Drafts are saved a second or two after typing stops and when a page is left.
    "DRAFT_RATE_LIMIT": "120 per minute",
    # Starting an attempt runs simulations and writes rows: a loop of starts is the cheapest
    # way to load the server, so every way to start one shares this per-learner budget...
    "START_RATE_LIMIT": "30 per minute; 300 per hour",
    # ... and a per-address one, since a new guest (a new learner) costs nothing to make. It is
    # sized for a class of 30 behind one school address starting and retrying together.
    "START_ADDRESS_RATE_LIMIT": "100 per minute; 1000 per hour",
    "GUEST_RATE_LIMIT": "60 per minute; 300 per hour",
}

# The form re-renders with 422 when the email or password is not right.
FAILED_LOG_IN = 422


def retry_after() -> int:
    """Whole seconds until the limit this request broke lets a request through again."""
    breached = limiter.current_limit
    if breached is None:
        return 60
    return max(1, breached.reset_at - math.floor(time.time()))


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def rate_limit_message() -> str:
    return f"Too many tries in a short time. Try again in {_wait_words(retry_after())}."


def learner_key() -> str:
    """Rate-limit key: the learner, whether the request came from their browser or with one of
    their API tokens (per-learner limits exempt visitors: see `_no_learner_yet`)."""
    return f"user:{current_user.id}"


def _no_learner_yet() -> bool:
    # A visitor who starts a quiz becomes a guest inside the request. Keyed by address, every
    # visitor behind a school's one address would share a single learner's budget; the
    # per-address limits count them instead.
    return not current_user.is_authenticated


def account_key() -> str:
    """Rate-limit key: the account a log-in names (or the logged-in one), hashed so that no
    email is written to the limit storage. Unknown emails are counted like known ones."""
    email = request.form.get("email", "")
    if not email and current_user.is_authenticated:
        email = current_user.email or ""
    return "account:" + hashlib.sha256(normalize_email(email).encode()).hexdigest()[:32]


def account_address_key() -> str:
    """Rate-limit key: the account a log-in names, from the address it comes from."""
    return f"{account_key()}@{get_remote_address()}"


def limit_from_config(
    name: str,
    *,
    per_user: bool = False,
    key_func: Callable[[], str] | None = None,
    failures_only: bool = False,
) -> RouteLimit:
    """A POST-only limit whose rate is read from config key `name` at request time.

    Every route decorated with the same `name` draws on one count (a shared scope), so the
    answer form and the JSON API together allow the rate once, not once each. With
    `failures_only`, only failed log-ins count (every request is still checked).
    """
    return limiter.shared_limit(
        lambda: current_app.config[name],
        scope=name,
        methods=["POST"],
        key_func=key_func or (learner_key if per_user else None),
        exempt_when=_no_learner_yet if per_user else None,
        error_message=rate_limit_message,
        deduct_when=(lambda r: r.status_code == FAILED_LOG_IN) if failures_only else None,
    )


_starts_per_learner = limit_from_config("START_RATE_LIMIT", per_user=True)
_starts_per_address = limit_from_config("START_ADDRESS_RATE_LIMIT")
_log_ins_per_address = limit_from_config("LOGIN_RATE_LIMIT", failures_only=True)
_log_ins_per_account_and_address = limit_from_config(
    "LOGIN_ACCOUNT_RATE_LIMIT", key_func=account_address_key, failures_only=True
)
_log_ins_per_account = limit_from_config(
    "LOGIN_ACCOUNT_TOTAL_RATE_LIMIT", key_func=account_key, failures_only=True
)


def limit_starts(view: View) -> View:
    """The limits of every route that starts an attempt: per learner and per address."""
    return _starts_per_learner(_starts_per_address(view))


def limit_log_ins(view: View) -> View:
    """The limits of every route that checks a password: per address, per account from one
    address, and per account."""
    return _log_ins_per_address(_log_ins_per_account_and_address(_log_ins_per_account(view)))


def check_shared_storage(app: Flask, workers: int) -> None:
    """Refuse (production) or warn (elsewhere) when several workers would each keep their own
    counts in memory:// and so each allow the whole rate. Called by gunicorn per worker."""
    if workers <= 1 or not app.config.get("RATELIMIT_ENABLED", True):
        return
    if not str(app.config["RATELIMIT_STORAGE_URI"]).startswith("memory://"):
        return
    message = (
        f"rate limits are kept in memory:// by each of {workers} workers, so every worker "
        "allows the whole rate: set QUIZSVC_RATELIMIT_STORAGE_URI to a shared storage such as "
        "redis://127.0.0.1:6379/0 (or run one worker: QUIZSVC_WORKERS=1)"
    )
    if app.config["ENV"] == "production":
        raise ConfigError(f"refusing to start in production: {message}")
    logger.warning("WARNING: %s", message)


def init_app(app: Flask) -> None:
    limiter.init_app(app)

    @app.after_request
    def _retry_after(response: Response) -> Response:
        # Every 429 says when to come back, whether or not RATELIMIT_HEADERS_ENABLED is set.
        if response.status_code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(retry_after())
        return response
