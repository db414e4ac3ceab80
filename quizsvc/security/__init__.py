"""CSRF, rate limits, cookie flags and security headers, with defaults safe for production.

Shared by the pages (quizsvc.web) and the JSON API (quizsvc.api), so it lives below both.

Every default is set with `setdefault`, so instance/config.py, QUIZSVC_* variables and tests can
override any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RouteLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from quizsvc.security import identity

F = TypeVar("F", bound=Callable[..., Any])

csrf = CSRFProtect()
# One limiter for the process; its storage comes from RATELIMIT_STORAGE_URI (memory:// on a
# laptop, redis:// in production so that all workers share the counts).
limiter = Limiter(key_func=get_remote_address)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # matplotlib's inline SVG carries style attributes; scripts stay strictly 'self'.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

DEFAULTS: dict[str, object] = {
    # A CSRF token lives as long as the session, so a long quiz never ends in "form expired".
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_STRATEGY": "moving-window",
    "LOGIN_RATE_LIMIT": "10 per minute; 60 per hour",
    "SIGNUP_RATE_LIMIT": "20 per hour",
    "ANSWER_RATE_LIMIT": "60 per minute",
    # Starting an attempt runs simulations and writes rows: a loop of starts is the cheapest
    # way to load the server, so every way to start one shares this per-learner budget...
    "START_RATE_LIMIT": "30 per minute; 300 per hour",
    # ... and a per-address one, since a new guest (a new learner) costs nothing to make. It is
    # sized for a class of 30 behind one school address starting and retrying together.
    "START_ADDRESS_RATE_LIMIT": "100 per minute; 1000 per hour",
    "GUEST_RATE_LIMIT": "60 per minute; 300 per hour",
    "PASSWORD_HASH_METHOD": "scrypt",
    # Reverse proxies in front of gunicorn whose X-Forwarded-* headers to trust. Without
    # this behind a proxy, every learner shares the proxy's address and its rate limits.
    "TRUSTED_PROXIES": 0,
}


RATE_LIMIT_MESSAGE = "Too many tries in a short time. Wait a minute, then try again."


def user_or_address() -> str:
    """Rate-limit key: the learner when known (a class behind one NAT shares an address),
    whether the request came from their browser or with one of their API tokens."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{get_remote_address()}"


def limit_from_config(name: str, *, per_user: bool = False) -> RouteLimit:
    """A POST-only limit whose rate is read from config key `name` at request time.

    Every route decorated with the same `name` draws on one count (a shared scope), so the
    answer form and the JSON API together allow the rate once, not once each.
    """
    return limiter.shared_limit(
        lambda: current_app.config[name],
        scope=name,
        methods=["POST"],
        key_func=user_or_address if per_user else None,
        error_message=RATE_LIMIT_MESSAGE,
    )


_starts_per_learner = limit_from_config("START_RATE_LIMIT", per_user=True)
_starts_per_address = limit_from_config("START_ADDRESS_RATE_LIMIT")


def limit_starts(view: F) -> F:
    """The limits of every route that starts an attempt: per learner and per address."""
    return _starts_per_learner(_starts_per_address(view))


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    production = app.config["ENV"] == "production"
    if production:
        app.config["SESSION_COOKIE_SECURE"] = True
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    csrf.init_app(app)
    limiter.init_app(app)
    identity.init_app(app)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and "Cache-Control" not in headers:
            # Pages carry a learner's answers and CSRF tokens: keep them out of shared caches.
            headers["Cache-Control"] = "no-store"
        return response
