"""A live tool (its own database and key folder) and the LMS double registered with it.

The tool listens on 127.0.0.1 and the LMS on localhost: two sites, so the tool inside the
LMS's page is a third-party frame, as in production.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from tests.support.database import MigratedDatabase, make_app
from tests.support.lti_platform import (
    TEACHER,
    TestPlatform,
    http_client,
    launch,
    loopback_is_secure,
)
from tests.support.site import configure


@dataclass
class Tool:
    app: Flask
    url: str
    instance: Path


def serve_tool(workdir: Path) -> Iterator[Tool]:
    database = MigratedDatabase("sqlite", workdir)
    app = configure(make_app(database.url, WTF_CSRF_ENABLED=True), workdir / "figures")
    app.instance_path = str(workdir / "instance")  # the tool's key is created here
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="lti-tool", daemon=True)
    thread.start()
    try:
        yield Tool(app, f"http://127.0.0.1:{server.server_port}", workdir / "instance")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["quizsvc.db"].engine.dispose()


@pytest.fixture(scope="module")
def tool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tool]:
    yield from serve_tool(tmp_path_factory.mktemp("lti-tool"))


@pytest.fixture(scope="module")
def lms(tool: Tool) -> Iterator[TestPlatform]:
    with TestPlatform(tool.url).running() as platform:
        result = tool.app.test_cli_runner().invoke(
            args=["lti", "platform", "add", *platform.registration()]
        )
        assert result.exit_code == 0, result.output
        # The instructor opens the course's quiz link first: that creates the course of the
        # LMS context and the link's assessment, which students then take.
        with loopback_is_secure():
            opened = launch(http_client(), platform, TEACHER, "link-facts")
        assert opened.status_code == 200 and "/assessments/" in opened.url, opened.url
        yield platform


@pytest.fixture
def fresh_platform(lms: TestPlatform) -> Iterator[None]:
    """Each test starts with a well-behaved LMS, and clients that send Secure cookies to
    127.0.0.1 as browsers do."""
    with loopback_is_secure():
        yield
    lms.tamper, lms.signing_key, lms.fail_scores = None, None, 0
