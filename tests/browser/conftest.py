"""Playwright fixtures: a live server on a free port with its own SQLite database, and Debian's
Chromium. Screenshots of every page a test visits go to test-artifacts/browser/.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright
from werkzeug.serving import BaseWSGIServer, make_server

from tests.support.database import MigratedDatabase, make_app
from tests.support.site import configure

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@dataclass
class LiveServer:
    app: Flask
    url: str


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("live")
    database = MigratedDatabase("sqlite", workdir)
    # CSRF on, as in production: the browser tests submit real forms.
    app = configure(make_app(database.url, WTF_CSRF_ENABLED=True), workdir / "figures")
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["quizsvc.db"].engine.dispose()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Visit:
    """A browser tab plus what it noticed: console errors (CSP violations show up there)."""

    page: Page
    name: str
    errors: list[str] = field(default_factory=list)
    shots: int = 0

    def shot(self, label: str) -> Path:
        self.shots += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@contextmanager
def visiting(
    browser: Browser, name: str, *, width: int = 1280, height: int = 900, javascript: bool = True
) -> Iterator[Visit]:
    """A fresh browser context (no cookies) for one journey; fails on console errors."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    visit = Visit(page, name)

    def on_console(message: ConsoleMessage) -> None:
        # HTTP errors (a 422 for a malformed answer) are the tests' business; anything else
        # logged as an error, such as a Content-Security-Policy violation, fails the test.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            visit.errors.append(message.text)

    page.on("console", on_console)
    try:
        yield visit
    finally:
        context.close()
    assert visit.errors == [], visit.errors
