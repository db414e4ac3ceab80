"""The lessons we ship, as a student opens them in Chromium at 1280 and 375 px: axe-core finds
no violation of any impact, and no page scrolls sideways on a phone (issue 17).

The other browser tests use small fixture lessons; the real ones carry what those lack: wide
tables of numbers, code blocks, long identifiers in running text, every figure kind.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser
from werkzeug.serving import BaseWSGIServer, make_server

from tests.browser.conftest import LiveServer, visiting
from tests.support.database import MigratedDatabase, make_app
from tests.support.site import configure

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

CONTENT = Path(__file__).resolve().parents[2] / "content"
WIDTHS = (1280, 375)
AXE = Axe()


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("shipped-site")
    database = MigratedDatabase("sqlite", workdir)
    app = configure(make_app(database.url, WTF_CSRF_ENABLED=True), workdir / "figures")
    app.config.update(CONTENT_DIR=str(CONTENT), LESSON_FIGURE_SEEDS=1)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="shipped-site", daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["quizsvc.db"].engine.dispose()


def lesson_ids() -> list[str]:
    ids = []
    for path in sorted(CONTENT.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:20]:
            if line.startswith("id:"):
                ids.append(line.split(":", 1)[1].strip())
                break
    return ids


def test_every_shipped_lesson_and_the_explorer_pass_axe_and_fit_a_phone(
    browser: Browser, shipped_site: LiveServer
) -> None:
    lessons = lesson_ids()
    assert len(lessons) >= 11
    problems: list[str] = []
    with visiting(browser, "shipped-lessons") as visit:
        page = visit.page
        page.set_default_timeout(60_000)  # a lesson's figures are drawn on its first view
        # The explorer's page is audited here too: its presets are the shipped lessons'.
        for lesson in [*lessons, "explorer"]:
            path = "/explore" if lesson == "explorer" else f"/lessons/{lesson}"
            page.goto(f"{shipped_site.url}{path}")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.evaluate(
                    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
                )
                wide = page.evaluate(
                    "() => document.scrollingElement.scrollWidth - window.innerWidth"
                )
                if width < 400 and wide > 1:
                    problems.append(f"{lesson} at {width} px scrolls sideways by {wide} px")
                results = AXE.run(page, options={"resultTypes": ["violations"]})
                for rule in results.response["violations"]:
                    targets = [", ".join(node["target"]) for node in rule["nodes"][:3]]
                    problems.append(
                        f"{lesson} at {width} px: {rule['id']} ({rule['impact']}) {targets}"
                    )
    assert problems == [], "\n".join(problems)
