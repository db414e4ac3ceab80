"""/metrics: Prometheus text format, for the operator's scraper only.

Not public: it answers 404 unless QUIZSVC_METRICS_TOKEN is set, and then only to a request
that sends it as ``Authorization: Bearer <token>``. Request latency is observed for every route
by its URL rule (``/attempts/<int:attempt_id>``, never the path, so the number of series stays
bounded); pool depth and queue length are read from the database and the queue at scrape time.
"""

from __future__ import annotations

import hmac
import logging
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from flask.typing import ResponseReturnValue

from quizsvc import metrics
from quizsvc.jobs import jobs_of
from quizsvc.services import pools
from quizsvc.settings import Settings

bp = Blueprint("metrics", __name__)
logger = logging.getLogger("quizsvc.metrics")


def _authorized() -> bool:
    token = str(current_app.config.get("METRICS_TOKEN") or "")
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(sent, token)


@bp.get("/metrics")
def scrape() -> ResponseReturnValue:
    if not _authorized():
        abort(404)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = Settings.of(app)
    depths = pools.status(settings.pool_per_template)
    try:
        queued = {"": float(jobs_of(app).pending())}
    except Exception:  # the queue's store is down: the scrape still answers, without it
        logger.warning("queue length unavailable", exc_info=True)
        queued = {}
    gauges = metrics.Gauges(
        [
            ("quizsvc_pool_ready", "Ready pooled variants per template.", "template",
             {d.template_id: float(d.ready) for d in depths}),
            ("quizsvc_pool_target", "Pooled variants each template is kept at.", "",
             {"": float(settings.pool_per_template)}),
            ("quizsvc_queue_length", "Jobs waiting in the task queue.", "", queued),
        ]
    )  # fmt: skip
    return Response(metrics.exposition(gauges), mimetype=metrics.CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def _start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        rule = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
        if started is not None:
            elapsed = time.perf_counter() - started
            metrics.REQUEST_SECONDS.labels(rule, request.method).observe(elapsed)
        metrics.RESPONSES.labels(rule, str(response.status_code)).inc()
        return response
