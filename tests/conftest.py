"""App, client and database fixtures shared by the whole suite.

Every test that uses `app` runs once per database backend: SQLite always, PostgreSQL when
QUIZSVC_TEST_POSTGRES_URL is set. The schema is migrated once per backend and test worker;
each test then gets a fresh copy (SQLite: a copied file) or a truncated schema (PostgreSQL).
The app serves the test site (tests/support/site.py): the fixture lessons, fast password
hashing and a figure cache shared by the tests of one worker, as by the workers of one host.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings
from playwright.sync_api import Playwright, sync_playwright

from tests.support.database import BACKENDS, MigratedDatabase, make_app
from tests.support.site import configure

# Like a gunicorn worker: one torch thread, so two pytest workers share two cores without
# oversubscription, and numbers match what the server computes.
torch.set_num_threads(1)

# Tests never assert wall-clock time, and hypothesis's per-example deadline is one: on a loaded
# machine (CI beside other jobs) a request-driving example took 317 ms against its 200 ms.
settings.register_profile("quizsvc", deadline=None)
settings.load_profile("quizsvc")

os.environ.setdefault("MPLCONFIGDIR", str(Path(__file__).parent.parent / "instance" / ".mplconfig"))


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MigratedDatabase]:
    database = MigratedDatabase(request.param, tmp_path_factory.mktemp(request.param))
    yield database
    database.close()


@pytest.fixture(scope="session")
def figure_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("figures")


@pytest.fixture
def app(migrated_database: MigratedDatabase, tmp_path: Path, figure_cache: Path) -> Iterator[Flask]:
    application = configure(make_app(migrated_database.fresh_url(tmp_path)), figure_cache)
    yield application
    migrated_database.reset(application)
    application.extensions["quizsvc.db"].engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright driver per test process, shared by every browser test (tests/browser,
    tests/lti): the sync API allows only one at a time."""
    with sync_playwright() as p:
        yield p
