"""Nothing a learner enters is lost (issue #11), in Chromium: skipping a question (with and
without JavaScript), running out of time and signing up mid-exam (leaving the page by a link)
all keep the entry, at 1280 and 375 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from quizsvc.db import get_session
from quizsvc.progress.models import Attempt, utcnow
from quizsvc.services.attempts.access import draft_of
from tests.browser.conftest import LiveServer, visiting
from tests.browser.test_student_journeys import attempt_id_of, choose, go_to_question, sign_up
from tests.web.helpers import LESSON, correct_response, stored_questions

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def start_exam_as_guest(page: Page, live_server: LiveServer) -> int:
    page.goto(f"{live_server.url}/lessons/{LESSON}")
    page.get_by_label("Exam: results at the end").check()
    page.get_by_role("button", name="Start the quiz as a guest").click()
    expect(page.locator("h1")).to_have_text("Question 1 of 5")
    return attempt_id_of(page)


def fits(page: Page) -> bool:
    page.wait_for_load_state("load")
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize(
    ("javascript", "width"), [(True, 1280), (False, 375)], ids=["js-1280", "no-js-375"]
)
def test_an_answer_typed_then_skipped_is_there_on_return(
    live_server: LiveServer, browser: Browser, javascript: bool, width: int
) -> None:
    name = f"skip-{'js' if javascript else 'no-js'}-{width}"
    with visiting(browser, name, width=width, javascript=javascript) as visit:
        page = visit.page
        attempt_id = start_exam_as_guest(page, live_server)
        numeric = next(
            q
            for q in stored_questions(live_server.app, attempt_id)
            if q.variant["kind"] == "numeric"
        )
        go_to_question(page, numeric.position)
        expect(page.locator("h1")).to_have_text(f"Question {numeric.position} of 5")
        page.get_by_label("Your answer").fill("0.125")
        if javascript:  # kept a moment after typing stops, before any button is pressed
            expect(page.locator("#draft-status")).to_have_text("Saved", timeout=15_000)
        visit.shot("typed")
        assert fits(page)
        page.get_by_role("button", name="Skip →").click()
        expect(page.locator("h1")).to_have_text(f"Question {numeric.position + 1} of 5")
        go_to_question(page, numeric.position)
        expect(page.get_by_label("Your answer")).to_have_value("0.125")
        expect(page.locator("#draft-status")).to_have_text("Saved")
        expect(page.locator("#answered-count")).to_have_text("0 of 5 answered")  # not an answer
        visit.shot("back")
        assert fits(page)

        page.get_by_role("button", name="Finish and see results").click()
        expect(page.locator("h1")).to_contain_text("Finish")
        expect(page.locator("#finish-heading")).to_have_text("5 of 5 questions are not answered")
        expect(page.locator(".notice")).to_contain_text(
            f"question {numeric.position} will be graded as it stands"
        )
        visit.shot("confirm")
        assert fits(page)
        page.get_by_role("button", name="Finish and see results").click()
        expect(page.locator(f"#question-{numeric.position}")).to_contain_text("0.125")


def test_an_entry_in_a_timed_drill_is_graded_when_time_runs_out(
    live_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "drill-timeout") as visit:
        page = visit.page
        page.goto(f"{live_server.url}/drill")
        page.get_by_label("Questions", exact=True).fill("3")
        page.get_by_label("Time limit in minutes").fill("1")
        page.get_by_role("button", name="Start the drill").click()
        expect(page.locator("h1")).to_have_text("Question 1 of 3")
        attempt_id = attempt_id_of(page)
        with live_server.app.app_context():  # most of the minute has passed
            attempt = get_session().get(Attempt, attempt_id)
            assert attempt is not None
            attempt.started_at = utcnow() - timedelta(seconds=52)
            get_session().commit()
        page.reload()
        first = stored_questions(live_server.app, attempt_id)[0]
        choose(page, first.variant["kind"], correct_response(first.variant))
        visit.shot("entered")  # and never saved with the button
        expect(page.get_by_role("link", name="Open the review")).to_be_visible(timeout=30_000)
        page.get_by_role("link", name="Open the review").click()
        expect(page.locator("#question-1 .verdict")).to_have_text("Correct")
        visit.shot("graded")


def test_signing_up_mid_exam_lands_on_the_same_question(
    live_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "signup-mid-exam", width=375, height=740) as visit:
        page = visit.page
        attempt_id = start_exam_as_guest(page, live_server)
        go_to_question(page, 3)
        third = stored_questions(live_server.app, attempt_id)[2]
        choose(page, third.variant["kind"], correct_response(third.variant))
        page.locator(".guest-banner").get_by_role("link", name="Sign up").click()
        sign_up(page, "mid-exam@example.org")
        expect(page.locator("h1")).to_have_text("Question 3 of 5")
        assert attempt_id_of(page) == attempt_id
        expect(page.locator(".flash.success")).to_contain_text("Your account is ready")
        expect(page.locator("#draft-status")).to_have_text("Saved")  # kept as left
        assert fits(page)
        visit.shot("back-on-question")


def test_a_refused_save_says_not_saved_and_is_sent_again_without_a_keystroke(
    live_server: LiveServer, browser: Browser
) -> None:
    """A save refused for a moment (429 with Retry-After, or a 503) is retried on its own, and
    the line beside the answer says it is not saved until it is."""
    with visiting(browser, "autosave-retry") as visit:
        page = visit.page
        attempt_id = start_exam_as_guest(page, live_server)
        numeric = next(
            q
            for q in stored_questions(live_server.app, attempt_id)
            if q.variant["kind"] == "numeric"
        )
        go_to_question(page, numeric.position)
        refusals = [
            {"status": 429, "headers": {"Retry-After": "1"}, "body": '{"saved": false}'},
            {"status": 503, "body": '{"saved": false}'},
        ]

        def refuse_twice(route):  # type: ignore[no-untyped-def]
            if refusals:
                route.fulfill(content_type="application/json", **refusals.pop(0))
            else:
                route.continue_()

        page.route("**/draft", refuse_twice)
        page.get_by_label("Your answer").fill("0.25")
        expect(page.locator("#draft-status")).to_have_text(
            "Not saved yet: trying again shortly…", timeout=15_000
        )
        expect(page.locator("#draft-status")).to_have_text("Saved", timeout=20_000)
        assert refusals == []  # both refusals were met, and the third try went through
    with live_server.app.app_context():
        attempt = get_session().get(Attempt, attempt_id)
        assert attempt is not None
        question = next(q for q in attempt.questions if q.position == numeric.position)
        draft = draft_of(question)
        assert draft is not None and draft.raw == "0.25"
