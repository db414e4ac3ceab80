"""axe-core over the pages a student and an instructor use, at 1280 and 375 px (issue 17):
zero violations of any impact.

The pages: the visitor's (home, lessons with every figure kind and display math, log in, sign
up, drill, study guides), a student's (a question of every kind before and after its answer,
the review of a finished attempt, figures described as data, dashboard, review, history,
account, personal study guide) and an instructor's (overview, content status, a template
preview, item analytics, the figures-as-data page, the class dashboard). axe-core is the
copy that axe-playwright-python ships, run in Debian's Chromium.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, Visit, visiting
from tests.browser.figure_site import FIGURE_LESSON, INSTRUCTOR, figure_server  # noqa: F401
from tests.browser.test_figure_text import sign_up
from tests.web.helpers import LESSON, OTHER_LESSON, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WIDTHS = (1280, 375)
AXE = Axe()


class Audit:
    """Runs axe on each page at every width and keeps what it found."""

    def __init__(self, visit: Visit) -> None:
        self.visit = visit
        self.pages: list[str] = []
        self.violations: list[str] = []

    def check(self, label: str) -> None:
        page = self.visit.page
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            # Let the page's resize handler run (it marks boxes that now scroll sideways).
            page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            results = AXE.run(page, options={"resultTypes": ["violations"]})
            for rule in results.response["violations"]:
                targets = [", ".join(node["target"]) for node in rule["nodes"][:3]]
                self.violations.append(
                    f"{label} at {width} px: {rule['id']} ({rule['impact']}) {targets}"
                )
        self.pages.append(label)

    def visit_and_check(self, url: str, label: str) -> None:
        self.visit.page.goto(url)
        self.check(label)


def answer_somehow(page: Page) -> None:
    """Any answer the form accepts, as a person would give it."""
    form = page.locator("form.answer-form")
    if form.locator("input[type=radio]").count():
        form.locator("input[type=radio]").first.check()
    elif form.locator("input[type=checkbox]").count():
        form.locator("input[type=checkbox]").first.check()
    elif form.locator("select").count():
        for rank, select in enumerate(form.locator("select").all(), start=1):
            select.select_option(str(rank))
    else:
        page.get_by_label("Your answer").fill("0.5")
    form.get_by_role("button").first.click()


def go_to(page: Page, position: int) -> None:
    page.get_by_role("navigation", name="Questions").locator("a, button").nth(position - 1).click()


def test_every_page_has_no_axe_violation(
    figure_server: LiveServer,  # noqa: F811
    browser: Browser,
) -> None:
    url = figure_server.url
    checked: list[str] = []
    violations: list[str] = []
    with visiting(browser, "a11y-visitor") as visit:
        audit = Audit(visit)
        for path, label in (
            ("/", "home"),
            (f"/lessons/{LESSON}", "lesson with display math"),
            (f"/lessons/{FIGURE_LESSON}", "lesson with every figure kind"),
            (f"/lessons/{OTHER_LESSON}", "lesson without figures"),
            ("/login", "log in"),
            ("/signup", "sign up"),
            ("/drill", "drill"),
            (f"/lessons/{LESSON}/study-guide", "study guide"),
            (f"/lessons/{FIGURE_LESSON}/study-guide", "study guide with every figure kind"),
        ):
            audit.visit_and_check(url + path, label)
        checked += audit.pages
        violations += audit.violations

    with visiting(browser, "a11y-student") as visit:
        audit, page = Audit(visit), visit.page
        sign_up(page, url, "ada.a11y@example.org")
        page.goto(f"{url}/lessons/{LESSON}")
        page.get_by_role("button", name="Start the quiz").first.click()
        count = page.get_by_role("navigation", name="Questions").locator("a, button").count()
        for position in range(1, count + 1):
            go_to(page, position)
            audit.check(f"question {position}")
            answer_somehow(page)
            expect(page.locator(".feedback")).to_be_visible()
            audit.check(f"question {position} with feedback")
        page.get_by_role("button", name="Finish").first.click()
        page.goto(page.url.split("/questions")[0] + "/review")
        audit.check("attempt review")

        page.goto(f"{url}/account")
        audit.check("account")
        page.get_by_label("Describe figures as data").check()
        page.get_by_role("button", name="Save").click()
        page.goto(f"{url}/lessons/{FIGURE_LESSON}")
        expect(page.locator("table.data-table").first).to_be_visible()
        audit.check("lesson with figures described as data")
        page.get_by_role("button", name="Start the quiz").first.click()
        for position in (1, 2):
            go_to(page, position)
            expect(page.locator("table.data-table").first).to_be_visible()
            audit.check(f"figure question {position} described as data")
        for path, label in (
            ("/dashboard", "dashboard"),
            ("/review", "review"),
            ("/history", "history"),
            ("/study-guide", "personal study guide"),
        ):
            audit.visit_and_check(url + path, label)
        checked += audit.pages
        violations += audit.violations

    with visiting(browser, "a11y-instructor") as visit:
        audit, page = Audit(visit), visit.page
        page.goto(f"{url}/login")
        page.get_by_label("Email").fill(INSTRUCTOR)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        for path, label in (
            ("/instructor/", "instructor overview"),
            ("/instructor/content", "content status"),
            ("/instructor/templates/web-pick-plot", "template preview"),
            ("/instructor/analytics", "item analytics"),
            (f"/instructor/analytics/lessons/{LESSON}", "lesson analytics"),
            ("/instructor/analytics/templates/web-ratio", "template analytics"),
            ("/instructor/accessibility", "figures as data (instructor)"),
            ("/dashboard/class", "class dashboard"),
        ):
            audit.visit_and_check(url + path, label)
        checked += audit.pages
        violations += audit.violations

    assert len(checked) >= 25, checked
    assert violations == [], "\n".join(violations)
