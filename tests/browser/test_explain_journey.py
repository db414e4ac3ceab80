"""An explain question in Chromium at desktop and phone widths: write an answer, show the model
answer, tick the rubric points covered, see the score; and an interview drill that opens on an
explain card with its speaking timer."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import BaseWSGIServer, make_server

from tests.browser.conftest import LiveServer, visiting
from tests.support.database import MigratedDatabase, make_app
from tests.support.site import configure
from tests.web.explain_site import EXPLAIN_LESSON, with_explain_lesson
from tests.web.helpers import LESSON

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def explain_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server whose site also has the explain lesson."""
    workdir = tmp_path_factory.mktemp("explain-live")
    database = MigratedDatabase("sqlite", workdir)
    app = configure(make_app(database.url, WTF_CSRF_ENABLED=True), workdir / "figures")
    with_explain_lesson(app, workdir / "content")
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="explain-server", daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["quizsvc.db"].engine.dispose()


def fits(page: Page) -> bool:
    page.wait_for_load_state("load")
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("width", [1280, 375])
def test_write_reveal_tick_and_score(
    explain_server: LiveServer, browser: Browser, width: int
) -> None:
    with visiting(browser, f"explain-{width}", width=width, height=800) as visit:
        page = visit.page
        page.goto(f"{explain_server.url}/lessons/{EXPLAIN_LESSON}")
        page.get_by_role("button", name="Start the quiz as a guest").click()
        expect(page.locator("h1")).to_have_text(re.compile(r"Question 1 of 2"))
        assert fits(page)
        visit.shot("write")

        page.get_by_role("button", name="Show the model answer").click()
        expect(page.locator("#answer-error")).to_contain_text("before you see the model answer")
        page.get_by_label("Your answer").fill("Each layer multiplies the gradient by a slope.")
        page.get_by_role("button", name="Show the model answer").click()
        expect(page.locator("#model-answer")).to_be_visible()
        expect(page.get_by_label("Your answer")).to_have_value(
            "Each layer multiplies the gradient by a slope."
        )
        boxes = page.locator("input[name=met]")
        expect(boxes).to_have_count(3)
        assert fits(page)
        visit.shot("reveal")

        boxes.nth(0).check()
        boxes.nth(1).check()
        page.get_by_role("button", name="Score my answer").click()
        expect(page.locator("#feedback")).to_contain_text("Partly right (67 %)")
        expect(page.locator("#feedback")).to_contain_text("You covered 2 of 3 points")
        link = page.locator(".rubric-sections a").first
        expect(link).to_have_attribute("href", re.compile(rf"/lessons/{EXPLAIN_LESSON}#sec-"))
        assert fits(page)
        visit.shot("scored")

        link.click()  # the rubric point's section, on the lesson page
        expect(page.locator(":target")).to_have_count(1)
        expect(page.locator(":target")).to_be_in_viewport()


def test_an_interview_drill_opens_on_an_explain_card_with_a_timer(
    explain_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "interview", width=375, height=800) as visit:
        page = visit.page
        page.goto(f"{explain_server.url}/drill")
        for box in page.locator("input[name=lesson]").all():
            box.set_checked(box.get_attribute("value") in (LESSON, EXPLAIN_LESSON))
        page.get_by_label("Questions", exact=True).fill("4")
        page.get_by_label("Time limit in minutes").fill("10")
        page.get_by_label(re.compile("^Interview")).check()
        page.get_by_role("button", name="Start the drill").click()
        expect(page.locator(".timer[data-deadline]")).to_contain_text("left")
        expect(page.get_by_role("button", name="Show the model answer")).to_be_visible()

        clock = page.locator("[data-speak-clock]")
        expect(clock).to_be_visible()  # the script reveals the speaking timer
        page.get_by_role("button", name="Start speaking").click()
        expect(page.get_by_label("I answered aloud instead of writing")).to_be_checked()
        expect(page.get_by_role("button", name="Stop")).to_be_visible()
        assert fits(page)
        visit.shot("interview")
        page.get_by_role("button", name="Show the model answer").click()
        expect(page.locator("#model-answer")).to_be_visible()
        expect(page.get_by_text("You answered aloud.")).to_be_visible()
        page.locator("input[name=met]").first.check()
        page.get_by_role("button", name="Score my answer").click()
        expect(page.locator(".feedback.saved")).to_contain_text("Answer saved")
        page.get_by_role("button", name="Next question →").click()
        expect(page.locator("h1")).to_have_text("Question 2 of 4")
        expect(page.get_by_role("button", name="Show the model answer")).to_have_count(0)
