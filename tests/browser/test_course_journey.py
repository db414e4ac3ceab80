"""An instructor runs a class in Chromium: creates a course, builds an exam with a time window
and an accommodation, two students (one on a 375-pixel phone) join by code and take it, and
the gradebook and its CSV show their scores. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from quizsvc.progress.models import Role
from quizsvc.services import accounts
from tests.browser.conftest import LiveServer, Visit, visiting
from tests.browser.test_student_journeys import attempt_id_of, choose, sign_up
from tests.support.site import TEST_HASH_METHOD
from tests.web.helpers import PASSWORD, correct_response, stored_questions, wrong_response

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

INSTRUCTOR = "prof@example.org"
ZONE = "Europe/Athens"
PHONE = {"width": 375, "height": 780}


def fits(page: Page) -> bool:
    page.wait_for_load_state("load")
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def local(hours: float) -> str:
    """A datetime-local value `hours` from now in the course's zone."""
    moment = datetime.now(zoneinfo.ZoneInfo(ZONE)) + timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M")


def log_in(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def join(live_server: LiveServer, visit: Visit, email: str, code: str) -> None:
    """Sign up and join by the code, typed loosely."""
    page = visit.page
    page.goto(f"{live_server.url}/signup")
    sign_up(page, email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    page.get_by_label("Join code").fill(f"{code[:4].lower()}-{code[4:]}")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="Training deep networks")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Exam 1")).to_contain_text("not started")
    visit.shot("course")


def take(live_server: LiveServer, visit: Visit, right: int) -> None:
    """Take the exam on the quiz pages, answering the first `right` questions correctly."""
    page = visit.page
    page.reload()
    page.get_by_role("listitem").filter(has_text="Exam 1").get_by_role(
        "button", name="Start"
    ).click()
    attempt_id = attempt_id_of(page)
    for question in stored_questions(live_server.app, attempt_id):
        page.goto(f"{live_server.url}/attempts/{attempt_id}/questions/{question.position}")
        variant = question.variant
        good = question.position <= right
        choose(page, variant["kind"], (correct_response if good else wrong_response)(variant))
        page.get_by_role("button", name="Save answer").click()
        expect(page.get_by_text(f"Answer to question {question.position} saved.")).to_be_visible()
    visit.shot("question")
    page.get_by_role("button", name="Finish and see results").click()
    expect(page.get_by_role("heading", name="Review: Exam 1")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="Training deep networks").click()
    expect(page.get_by_role("listitem").filter(has_text="Exam 1")).to_contain_text("submitted")
    visit.shot("submitted")


def test_an_instructor_runs_a_class_from_course_to_gradebook(
    live_server: LiveServer, browser: Browser
) -> None:
    app = live_server.app
    with app.app_context():
        if accounts.find_by_email(INSTRUCTOR) is None:
            accounts.create_user(
                INSTRUCTOR, PASSWORD, hash_method=TEST_HASH_METHOD, role=Role.INSTRUCTOR
            )

    with visiting(browser, "course-instructor") as visit:
        page = visit.page
        log_in(page, live_server.url, INSTRUCTOR)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
        page.get_by_label("Title").fill("Training deep networks")
        page.get_by_label("Term").fill("Spring 2027")
        page.get_by_label("Time zone").fill(ZONE)
        page.get_by_role("button", name="Create the course").click()
        expect(page.get_by_role("heading", name="Training deep networks")).to_be_visible()
        code = page.locator("#join-code").inner_text().strip()
        assert re.fullmatch(r"[2-9A-Z]{8}", code)
        course_url = page.url
        visit.shot("course")

        page.get_by_role("link", name="New assessment").click()
        page.get_by_label("Title").fill("Exam 1")
        page.get_by_label(re.compile("^Facts about activations")).check()
        page.get_by_label("Number of questions").fill("3")
        page.get_by_label("Exam: answers may change, results at the end").check()
        page.get_by_label("Time limit in minutes").fill("20")
        page.get_by_label("Opens").fill(local(-1))
        page.get_by_label("Closes").fill(local(2))
        page.get_by_label("Attempts allowed").fill("1")
        visit.shot("assessment-form")
        page.get_by_role("button", name="Assign").click()
        expect(page.get_by_role("heading", name="Exam 1")).to_be_visible()
        expect(page.get_by_text("3 drawn from 3")).to_be_visible()

    with (
        visiting(browser, "course-student-phone", **PHONE) as zoe,
        visiting(browser, "course-student-desktop") as yan,
    ):
        join(live_server, zoe, "zoe@example.org", code)
        assert fits(zoe.page)
        join(live_server, yan, "yan@example.org", code)

        with visiting(browser, "course-accommodation") as visit:
            page = visit.page
            log_in(page, live_server.url, INSTRUCTOR)
            page.goto(course_url)
            page.get_by_role("link", name="People", exact=True).click()
            expect(page.get_by_role("cell", name="zoe@example.org")).to_be_visible()
            page.goto(course_url)
            page.get_by_role("link", name="Exam 1").click()
            page.get_by_label("Student").select_option(label="Grace (zoe@example.org)")
            page.get_by_label("Time factor").fill("1.5")
            page.get_by_label("Extra minutes").fill("10")
            page.get_by_role("button", name="Save the accommodation").click()
            expect(page.get_by_text("Accommodation saved.")).to_be_visible()
            expect(page.locator("#accommodations")).to_contain_text("40 min")
            visit.shot("accommodation")

        take(live_server, zoe, right=3)
        assert fits(zoe.page)
        take(live_server, yan, right=1)

    with visiting(browser, "course-gradebook") as visit:
        page = visit.page
        log_in(page, live_server.url, INSTRUCTOR)
        page.goto(course_url)
        page.get_by_role("navigation", name="Training deep networks").get_by_role(
            "link", name="Gradebook"
        ).click()
        table = page.get_by_role("table")
        expect(table.get_by_role("row", name=re.compile("zoe@example.org"))).to_contain_text(
            "100 %"
        )
        expect(table.get_by_role("row", name=re.compile("yan@example.org"))).to_contain_text("33 %")
        visit.shot("gradebook")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download CSV").click()
        data = Path(download.value.path()).read_bytes()
        assert data.startswith("\ufeff".encode())
        text = data.decode("utf-8-sig")
        assert "zoe@example.org,100.0,1," in text and "yan@example.org,33.3,1," in text
        table.get_by_role("link", name="100 %").click()
        expect(
            page.get_by_role("heading", name=re.compile("Exam 1: Grace, attempt 1"))
        ).to_be_visible()
        visit.shot("drill-down")

    with visiting(browser, "course-gradebook-phone", **PHONE) as visit:
        page = visit.page
        log_in(page, live_server.url, INSTRUCTOR)
        page.goto(course_url.rstrip("/") + "/gradebook")
        expect(page.get_by_role("heading", name="Gradebook")).to_be_visible()
        assert fits(page)  # the wide table scrolls inside its frame, not the page
        visit.shot("gradebook")
