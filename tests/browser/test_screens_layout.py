"""The learner's and instructor's screens at 1280 and 375 px: nothing scrolls sideways, no column
hides behind a scroll, and the practice tries read as they should; printed guides fill pages."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from quizsvc.progress.models import Role
from quizsvc.services import accounts
from tests.browser.conftest import LiveServer, Visit, visiting
from tests.support.site import TEST_HASH_METHOD
from tests.web.helpers import LESSON, OTHER_LESSON, PASSWORD, stored_questions, wrong_response

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WIDTHS = (1280, 375)


def fits(page: Page) -> bool:
    page.wait_for_load_state("load")
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"))


def cut_off(page: Page, selector: str) -> list[list[float]]:
    """The left and right edges of elements matching ``selector`` that do not lie within the
    viewport's width (hidden behind a sideways scroll, or cut off); [] when all are seen."""
    found: list[list[float]] = page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)].map(e => e.getBoundingClientRect())
             .filter(r => !(r.width > 0 && r.left >= 0 && r.right <= window.innerWidth))
             .map(r => [r.left, r.right])""",
        selector,
    )
    assert page.locator(selector).count() > 0, selector
    return found


def sign_up(page: Page, url: str) -> None:
    page.goto(f"{url}/signup")
    page.get_by_label("Email").fill(f"screens-{uuid.uuid4().hex[:8]}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".flash.success")).to_contain_text("Your account is ready")


@pytest.mark.parametrize("width", WIDTHS)
def test_learner_screens_fit_and_show_every_column(
    live_server: LiveServer, browser: Browser, width: int
) -> None:
    with visiting(browser, f"screens-{width}", width=width, height=800) as visit:
        learner_journey(live_server, visit, width)


def learner_journey(live_server: LiveServer, visit: Visit, width: int) -> None:
    page, url = visit.page, live_server.url
    sign_up(page, url)
    page.goto(f"{url}/lessons/{OTHER_LESSON}")
    assert fits(page)
    top = page.locator("#quiz-top")
    expect(top.get_by_role("button", name="Start the practice quiz")).to_be_in_viewport()
    visit.shot("lesson-top")
    top.get_by_role("button", name="Start the practice quiz").click()
    match = re.search(r"/attempts/(\d+)/questions/1", page.url)
    assert match
    attempt_id = int(match.group(1))
    questions = stored_questions(live_server.app, attempt_id)
    expect(page.locator("#tries-rule")).to_contain_text("3 tries per question")
    assert fits(page)

    # A wrong try: told so, the next hint offered, the form still there.
    first = questions[0]
    wrong = wrong_response(first.variant)
    for choice in wrong if isinstance(wrong, list) else [wrong]:
        page.locator(f"#choice-{choice}").check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_contain_text("try again")
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    assert fits(page)
    visit.shot("try-again")

    page.goto(f"{url}/history")
    assert fits(page)
    # Score and Resume are on screen, not behind a sideways scroll.
    assert cut_off(page, "td[data-label=Score]") == []
    assert cut_off(page, "td[data-label=''] a") == []
    visit.shot("history")

    for path in ("/dashboard", "/review", f"/lessons/{LESSON}/study-guide", "/signup"):
        page.goto(f"{url}{path}")
        assert fits(page), path
        if path == "/dashboard":
            assert cut_off(page, "td[data-label=Evidence]") == []
        visit.shot(path.strip("/").replace("/", "-") or "home")
    if width < 600:
        # Rows are cards: each cell names its column.
        page.goto(f"{url}/dashboard")
        label = page.locator("td[data-label=Evidence]").first.evaluate(
            "e => getComputedStyle(e, '::before').content"
        )
        assert label == '"Evidence"'


def test_a_printed_guide_lets_questions_run_over_a_page(
    live_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "guide-print") as visit:
        page = visit.page
        page.goto(f"{live_server.url}/lessons/{LESSON}/study-guide")
        page.emulate_media(media="print")
        styles = page.locator(".guide-question").first.evaluate(
            "e => [getComputedStyle(e).breakInside,"
            " getComputedStyle(e.querySelector('h3')).breakAfter]"
        )
        assert styles == ["auto", "avoid"]  # fills the page; a heading stays with its prompt


@pytest.mark.parametrize("width", WIDTHS)
def test_instructor_screens_fit(live_server: LiveServer, browser: Browser, width: int) -> None:
    email = f"teach-{uuid.uuid4().hex[:8]}@example.org"
    with live_server.app.app_context():
        accounts.create_user(email, PASSWORD, hash_method=TEST_HASH_METHOD, role=Role.INSTRUCTOR)
    with visiting(browser, f"instructor-{width}", width=width, height=800) as visit:
        page, url = visit.page, live_server.url
        page.goto(f"{url}/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        for path in ("/instructor", "/instructor/analytics", f"/instructor/analytics/{LESSON}"):
            page.goto(f"{url}{path}")
            assert fits(page), path
            visit.shot(path.strip("/").replace("/", "-"))
