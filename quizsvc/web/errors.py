"""Error responses: an HTML page for browsers, JSON under /api/, never a traceback.

A database that cannot serve us (refused, hung, locked, unreadable) is a 503 with Retry-After,
and no error page needs the database: it may be why we failed.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
    default_exceptions,
)

from quizsvc.db import is_unavailable
from quizsvc.services.errors import ServiceError

logger = logging.getLogger("quizsvc.errors")

CSRF_MESSAGE = (
    "This form was sent without a valid security token, for example from an old tab or after "
    "logging out. Go back, reload the page and send it again: your saved answers are kept."
)
UNAVAILABLE_MESSAGE = (
    "Our database is not answering right now, so this could not be done. Nothing you saved "
    "is lost: try again in a minute."
)
RETRY_AFTER_S = 30


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )


def error_response(exc: HTTPException) -> ResponseReturnValue:
    code = exc.code or 500
    # Keep what the exception says beyond its body, such as WWW-Authenticate or Retry-After.
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    if wants_json():
        body = jsonify(error={"code": code, "name": exc.name, "message": exc.description})
        return body, code, headers
    context = {"code": code, "name": exc.name, "message": exc.description}
    if code < 500:
        try:
            return render_template("error.html", minimal=False, **context), code, headers
        except SQLAlchemyError as exc:  # the page's user lookup: the same page without it
            if not is_unavailable(exc):
                raise
    # Rendered without context processors: Flask-Login's would look the user up.
    page = current_app.jinja_env.get_template("error.html").render(minimal=True, **context)
    return page, code, headers


def http_error(status: int, message: str) -> HTTPException:
    return default_exceptions.get(status, InternalServerError)(message)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> ResponseReturnValue:
        if isinstance(exc, CSRFError) and not wants_json():
            exc = http_error(400, CSRF_MESSAGE)
        return error_response(exc)

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError) -> ResponseReturnValue:
        return error_response(http_error(exc.status, exc.message))

    @app.errorhandler(SQLAlchemyError)
    def _database_error(exc: SQLAlchemyError) -> ResponseReturnValue:
        if not is_unavailable(exc):
            return _unhandled(exc)
        logger.warning(
            "database unavailable on %s %s: %s", request.method, request.path, _first_line(exc)
        )
        unavailable = ServiceUnavailable(UNAVAILABLE_MESSAGE, retry_after=RETRY_AFTER_S)
        return error_response(unavailable)

    @app.errorhandler(Exception)
    def _unhandled(exc: Exception) -> ResponseReturnValue:
        if app.debug or (app.testing and app.config.get("PROPAGATE_EXCEPTIONS")):
            raise exc
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(
            InternalServerError(
                "Something went wrong on our side. It has been logged; please try again."
            )
        )


def _first_line(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
