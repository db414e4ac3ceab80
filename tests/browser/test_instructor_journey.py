"""An instructor in Chromium: content status, a preview stepped through seeds with its
histogram, and the analytics pages. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from quizsvc.progress.models import Role
from quizsvc.services import accounts
from tests.browser.conftest import LiveServer, visiting
from tests.support.site import TEST_HASH_METHOD
from tests.web.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EMAIL = "teacher@example.org"


def test_an_instructor_previews_a_question_and_reads_its_analytics(
    live_server: LiveServer, browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    app = live_server.app
    app.config.update(TEMPLATE_REPORT_SEEDS=6)
    with app.app_context():
        if accounts.find_by_email(EMAIL) is None:
            accounts.create_user(
                EMAIL, PASSWORD, hash_method=TEST_HASH_METHOD, role=Role.INSTRUCTOR
            )

    with visiting(browser, "instructor") as visit:
        page = visit.page
        page.goto(f"{live_server.url}/login")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Instructor").click()
        page.get_by_role("navigation", name="Instructor").get_by_role(
            "link", name="Content status"
        ).click()
        expect(page.get_by_role("heading", name="Content status")).to_be_visible()
        visit.shot("content-status")

        # One collapsible section per lesson: open the lesson, then its question.
        page.locator("summary", has_text="Gradients in small networks").click()
        page.get_by_role("link", name="Preview web-ratio").click()
        expect(page.get_by_role("heading", name="Parameters")).to_be_visible()
        page.get_by_role("link", name="Seed 1 →").click()
        expect(page).to_have_url(re.compile(r"seed=1$"))
        page.get_by_role("spinbutton", name="Seed").fill("7")
        page.get_by_role("spinbutton", name="Seed").press("Enter")
        expect(page).to_have_url(re.compile(r"seed=7$"))
        expect(page.get_by_role("heading", name="web-ratio seed 7")).to_be_visible()
        # The report is a job (run in place here); the page reloads itself until it is there.
        histogram = page.get_by_role(
            "img", name=re.compile("^Histogram of the answer over 6 seeds")
        )
        expect(histogram).to_be_visible(timeout=90_000)
        visit.shot("preview")

        page.get_by_role("link", name="how learners do on it").click()
        expect(page.get_by_role("heading", name="web-ratio")).to_be_visible()
        page.get_by_role("navigation", name="Instructor").get_by_role(
            "link", name="Item analytics"
        ).click()
        page.get_by_role("link", name="Gradients in small networks").click()
        expect(page.get_by_role("heading", name="Score distribution")).to_be_visible()
        visit.shot("analytics-lesson")

    with visiting(browser, "instructor-narrow", width=360, height=740) as visit:
        page = visit.page
        page.goto(f"{live_server.url}/login")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{live_server.url}/instructor/templates/web-pick-plot?seed=2")
        expect(page.get_by_role("heading", name="Answer key")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, width
        visit.shot("preview-narrow")
