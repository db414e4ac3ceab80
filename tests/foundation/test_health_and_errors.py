"""/healthz reports the database; errors are pages for people and JSON for programs."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizsvc import migrate
from quizsvc.web.request_log import JsonLineFormatter
from tests.support.database import make_app


def test_healthz_reports_a_migrated_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["revision"] == body["database"]["head"]


def test_healthz_is_503_when_the_database_is_unreachable() -> None:
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"]["ok"] is False
    assert body["database"]["error"] == "the database cannot be reached"  # details: the log


def test_healthz_is_503_with_pending_migrations(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert "quizsvc db upgrade" in response.get_json()["database"]["error"]
    migrate.upgrade(app)
    assert app.test_client().get("/healthz").status_code == 200


def test_unknown_page_is_an_html_404_for_browsers(client: FlaskClient) -> None:
    response = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"404" in response.data and b"Back to the lessons" in response.data


def test_unknown_api_route_is_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    def explode() -> str:
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/explode", "explode", explode)
    app.add_url_rule("/api/explode", "api_explode", explode)
    app.testing = False
    return app


def test_server_error_never_shows_a_traceback(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = failing_app.test_client()
    page = client.get("/explode", headers={"Accept": "text/html"})
    assert page.status_code == 500
    assert b"secret internal detail" not in page.data and b"Traceback" not in page.data
    assert b"Something went wrong" in page.data
    api = client.get("/api/explode")
    assert api.status_code == 500
    assert api.get_json()["error"]["code"] == 500
    assert b"secret internal detail" not in api.data


def test_one_structured_log_line_per_request(client: FlaskClient) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("quizsvc.request")
    logger.addHandler(handler)
    previous_level = logging.getLogger("quizsvc").level
    logging.getLogger("quizsvc").setLevel("INFO")
    try:
        client.get("/healthz")
    finally:
        logger.removeHandler(handler)
        logging.getLogger("quizsvc").setLevel(previous_level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 1
    assert lines[0]["event"] == "request"
    assert lines[0]["method"] == "GET"
    assert lines[0]["path"] == "/healthz"
    assert lines[0]["status"] == 200
    assert lines[0]["duration_ms"] >= 0
