"""A live server for the figure and accessibility tests: the web fixture lessons (every
question kind) plus a lesson with a live figure of every kind (tests/browser/fixtures/figures),
and an instructor account on it."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from quizsvc.progress.models import Role
from quizsvc.services import accounts
from tests.browser.conftest import LiveServer
from tests.support.database import MigratedDatabase, make_app
from tests.support.site import FIXTURE_CONTENT, TEST_HASH_METHOD, configure
from tests.web.helpers import PASSWORD

FIGURE_LESSON = "web-every-figure"
FIGURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "figures"
INSTRUCTOR = "ines@example.org"


@pytest.fixture(scope="session")
def figure_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("figure-site")
    content = workdir / "content"
    content.mkdir()
    for lesson in [*FIXTURE_CONTENT.glob("*.md"), *FIGURE_CONTENT.glob("*.md")]:
        shutil.copy(lesson, content)
    database = MigratedDatabase("sqlite", workdir)
    app = configure(make_app(database.url, WTF_CSRF_ENABLED=True), workdir / "figures")
    # One seed per lesson figure, drawn before the browser asks: a page then waits on nothing
    # but itself (a cold figure lesson takes seconds on a loaded machine).
    app.config.update(CONTENT_DIR=str(content), LESSON_FIGURE_SEEDS=1)
    for lesson in (FIGURE_LESSON, "web-gradients"):
        assert app.test_client().get(f"/lessons/{lesson}").status_code == 200
    with app.app_context():
        accounts.create_user(
            INSTRUCTOR, PASSWORD, hash_method=TEST_HASH_METHOD, role=Role.INSTRUCTOR
        )
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="figure-site", daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["quizsvc.db"].engine.dispose()
