"""CSRF, rate limits, cookie flags and security headers, with defaults safe for production.

Shared by the pages (quizsvc.web) and the JSON API (quizsvc.api), so it lives below both.

Every default is set with `setdefault`, so instance/config.py, QUIZSVC_* variables and tests can
override any of them.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from quizsvc.security import framing, identity, limits
from quizsvc.security.limits import limit_from_config, limit_log_ins, limit_starts, limiter

__all__ = [
    "csrf",
    "framing",
    "identity",
    "init_app",
    "limit_from_config",
    "limit_log_ins",
    "limit_starts",
    "limiter",
]

csrf = CSRFProtect()

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
    # Reverse proxies in front of gunicorn whose X-Forwarded-* headers to trust. Without
    # this behind a proxy, every learner shares the proxy's address and its rate limits.
    "TRUSTED_PROXIES": 0,
    **limits.DEFAULTS,
}


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
    app.session_interface = framing.FramableSessionInterface()
    csrf.init_app(app)
    limits.init_app(app)
    identity.init_app(app)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        frame_origin = framing.frame_origin()
        policy = framing.content_security_policy(
            CONTENT_SECURITY_POLICY, frame_origin, framing.form_origin()
        )
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if frame_origin is None:
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and "Cache-Control" not in headers:
            # Pages carry a learner's answers and CSRF tokens: keep them out of shared caches.
            headers["Cache-Control"] = "no-store"
        return response
