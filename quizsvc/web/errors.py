"""Error responses: an HTML page for browsers, JSON under /api/, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from quizsvc.services.errors import ServiceError

logger = logging.getLogger("quizsvc.errors")

CSRF_MESSAGE = (
    "This form was sent without a valid security token, for example from an old tab or after "
    "logging out. Go back, reload the page and send it again: your saved answers are kept."
)


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
    # A 5xx page must not depend on the database (it may be why we failed): no user lookup.
    page = render_template(
        "error.html", code=code, name=exc.name, message=exc.description, minimal=code >= 500
    )
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
