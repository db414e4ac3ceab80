"""One structured log line per request: method, path, status and duration."""

from __future__ import annotations

import json
import logging
import sys
import time

from flask import Flask, Response, g, request

logger = logging.getLogger("quizsvc.request")


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {"level": record.levelname.lower(), "logger": record.name}
        payload.update(getattr(record, "fields", {}) or {"message": record.getMessage()})
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, separators=(",", ":"))


def configure_logging(level: str) -> None:
    root = logging.getLogger("quizsvc")
    if not any(getattr(h, "quizsvc_handler", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonLineFormatter())
        handler.quizsvc_handler = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.propagate = False
    root.setLevel(level.upper())


def init_app(app: Flask) -> None:
    configure_logging(str(app.config["LOG_LEVEL"]))

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        started = g.get("request_started")
        duration_ms = (time.perf_counter() - started) * 1000 if started else None
        logger.info(
            "request",
            extra={
                "fields": {
                    "event": "request",
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(duration_ms, 2) if duration_ms is not None else None,
                }
            },
        )
        return response
