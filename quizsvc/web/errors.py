"""Error responses: an HTML page for browsers, JSON under /api/, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

logger = logging.getLogger("quizsvc.errors")


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )


def error_response(exc: HTTPException) -> ResponseReturnValue:
    code = exc.code or 500
    if wants_json():
        return jsonify(error={"code": code, "name": exc.name, "message": exc.description}), code
    return render_template("error.html", code=code, name=exc.name, message=exc.description), code


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> ResponseReturnValue:
        return error_response(exc)

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
