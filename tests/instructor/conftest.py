"""Instructor tests use an instructor account and small reports."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.instructor.helpers import INSTRUCTOR, make_user
from tests.web.helpers import login

# Tests that wait for a report use few seeds; one test checks the default hundred.
REPORT_SEEDS = 6


@pytest.fixture
def app(app: Flask) -> Flask:
    app.config.update(TEMPLATE_REPORT_SEEDS=REPORT_SEEDS)
    return app


@pytest.fixture
def instructor(app: Flask, client: FlaskClient) -> FlaskClient:
    """The test client, logged in as an instructor."""
    make_user(app, INSTRUCTOR, instructor=True)
    login(client, INSTRUCTOR)
    return client
