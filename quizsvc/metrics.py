"""Prometheus metrics of the web workers and job workers (prometheus-client).

gunicorn runs several worker processes, and `quizsvc worker` more: each counts in its own
memory, so when PROMETHEUS_MULTIPROC_DIR is set (`quizsvc serve` sets it) every process writes
its values to files there and a scrape adds them up (prometheus-client's multiprocess mode).
Without it (tests, `flask run`) the process's own registry is served.

Gauges that describe shared state (pool depth, queue length) are not kept by any process: the
scrape reads them from the database and the queue (`exposition(extra=...)`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE_LATEST", "Gauges", "exposition"]

REQUEST_SECONDS = Histogram(
    "quizsvc_request_seconds",
    "Time to answer a request, by route (the URL rule, not the path) and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RESPONSES = Counter(
    "quizsvc_responses_total", "Responses by route and status code.", ["route", "status"]
)
ATTEMPT_STARTS = Counter("quizsvc_attempt_starts_total", "Attempts started, by kind.", ["kind"])
VARIANTS = Counter(
    "quizsvc_attempt_variants_total",
    "Variants of started attempts, by where they came from (pool or generated at the start).",
    ["source"],
)
JOBS = Counter("quizsvc_jobs_total", "Background jobs finished, by task.", ["task"])
JOB_FAILURES = Counter("quizsvc_job_failures_total", "Background jobs that failed.", ["task"])


class Gauges(Collector):
    """Gauges read at scrape time: (name, help, label name, {label value: value})."""

    def __init__(self, gauges: Iterable[tuple[str, str, str, dict[str, float]]]) -> None:
        self.gauges = list(gauges)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        for name, text, label, values in self.gauges:
            family = GaugeMetricFamily(name, text, labels=[label] if label else [])
            for value_label, value in values.items():
                family.add_metric([value_label] if label else [], value)
            yield family


def exposition(extra: Gauges) -> bytes:
    """The text format of every process's metrics and the scrape-time gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        processes = generate_latest(registry)
    else:
        processes = generate_latest(REGISTRY)
    shared = CollectorRegistry()
    shared.register(extra)
    return processes + generate_latest(shared)
