"""The JSON API under /api/v1: the same service layer as the pages, as JSON.

Authentication is a personal token (`Authorization: Bearer qz_...`) or the browser session.
Session requests that change something must carry the CSRF token (header `X-CSRFToken`), as
forms do; token requests need none, since a browser never attaches a bearer token on its own.
"""

from __future__ import annotations

from flask import Flask

from quizsvc.api import courses, routes  # noqa: F401  (courses adds its routes to routes.bp)
from quizsvc.security import csrf, identity


def init_api(app: Flask) -> None:
    csrf.exempt(routes.bp)  # routes.authenticate applies CSRF to session-authenticated writes
    identity.accept_bearer_tokens(routes.bp.name)
    app.register_blueprint(routes.bp)
