"""/metrics: not public, Prometheus text with request latency per route, attempt starts,
where variants came from, pool depth and queue length."""

from __future__ import annotations

from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from quizsvc.services import pools
from tests.web.helpers import LESSON, signup

TOKEN = "scrape-token-for-tests"


def scrape(app: Flask) -> dict[str, list[tuple[dict[str, str], float]]]:
    response = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return {
        family.name: [(sample.labels, sample.value) for sample in family.samples]
        for family in text_string_to_metric_families(response.text)
    }


def test_metrics_are_not_public(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/metrics").status_code == 404  # no token configured: no endpoint
    app.config["METRICS_TOKEN"] = TOKEN
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404


def test_metrics_count_starts_routes_and_pools(app: Flask) -> None:
    app.config.update(METRICS_TOKEN=TOKEN, POOL_PER_TEMPLATE=1)
    with app.app_context():
        pools.fill("web-ratio", 1)
    before = scrape(app)
    client = app.test_client()
    signup(client)
    assert client.post("/api/v1/attempts", json={"lesson_id": LESSON}).status_code == 201
    after = scrape(app)

    def total(
        metrics: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str
    ) -> float:
        return sum(
            value
            for sample_labels, value in metrics.get(name, [])
            if all(sample_labels.get(k) == v for k, v in labels.items())
        )

    assert total(after, "quizsvc_attempt_starts", kind="lesson") == (
        total(before, "quizsvc_attempt_starts", kind="lesson") + 1
    )
    assert total(after, "quizsvc_attempt_variants", source="pool") == (
        total(before, "quizsvc_attempt_variants", source="pool") + 1
    )
    route = {"route": "/api/v1/attempts", "method": "POST"}
    assert total(after, "quizsvc_request_seconds", **route) > 0  # observed: count and sum
    depth = dict(((labels["template"], value) for labels, value in after["quizsvc_pool_ready"]))
    assert depth["web-ratio"] == 1  # refilled in place after the start (jobs run at once here)
    assert after["quizsvc_pool_target"] == [({}, 1.0)]
    assert after["quizsvc_queue_length"] == [({}, 0.0)]
