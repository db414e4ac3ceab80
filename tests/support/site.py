"""The site every app test runs: the fixture lessons, fast password hashing, one figure cache
per test worker and jobs run in place; and `page`, the GET every page test starts with."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

# Every question kind on tiny networks, and a lesson without simulations (tests/web/helpers.py
# names them).
FIXTURE_CONTENT = Path(__file__).resolve().parents[1] / "web" / "fixtures" / "lessons"
# Fast hashing for tests only; production uses werkzeug's scrypt default (see quizsvc.settings).
TEST_HASH_METHOD = "pbkdf2:sha256:1000"


def configure(app: Flask, figure_cache: Path) -> Flask:
    app.config.update(
        CONTENT_DIR=str(FIXTURE_CONTENT),
        PASSWORD_HASH_METHOD=TEST_HASH_METHOD,
        FIGURE_CACHE_DIR=str(figure_cache),
        # Jobs (template reports) run where they are asked for; tests of the queue itself
        # (tests/jobs) run real workers. No pools: each start generates, as without them.
        JOBS_IMMEDIATE=True,
        POOL_PER_TEMPLATE=0,
    )
    return app


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    """The page's HTML, after checking it answered with ``status``."""
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)
