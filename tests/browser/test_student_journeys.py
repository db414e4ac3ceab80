"""A new student in Chromium: sign up, study, take a quiz, get feedback, finish, review.

The answer key is read from the server's database, as only the server can; the page never
has it before the answer is in.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, Visit, visiting
from tests.web.helpers import LESSON, PASSWORD, correct_response, stored_questions, wrong_response

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def attempt_id_of(page: Page) -> int:
    match = re.search(r"/attempts/(\d+)/", page.url)
    assert match, page.url
    return int(match.group(1))


def sign_up(page: Page, email: str) -> None:
    page.get_by_label("Name (optional)").fill("Grace")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()


def choose(page: Page, kind: str, response: object) -> None:
    """Fill the answer form the way a person would."""
    if kind == "numeric":
        page.get_by_label("Your answer").fill(str(response))
    elif kind in ("single", "plot_choice"):
        page.locator(f"#choice-{response}").check()
    elif kind == "multiple":
        for box in page.locator("input[name=choice]").all():
            box.set_checked(box.get_attribute("value") in response)  # type: ignore[operator]
    else:
        for rank, item in enumerate(response, start=1):  # type: ignore[arg-type]
            page.locator(f"#rank-{item}").select_option(str(rank))


def go_to_question(page: Page, position: int) -> None:
    """Click its number: a button of the answer form while it is open (it keeps what is
    entered), else a link."""
    page.get_by_role("navigation", name="Questions").locator("a, button").nth(position - 1).click()


def test_a_new_student_signs_up_studies_and_takes_a_quiz(
    live_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "student") as visit:
        student_journey(live_server, visit)


def student_journey(live_server: LiveServer, visit: Visit) -> None:
    page = visit.page
    page.goto(live_server.url)
    visit.shot("home")
    page.get_by_role("link", name="Sign up").first.click()
    sign_up(page, "grace@example.org")
    expect(page.locator(".flash.success")).to_contain_text("Your account is ready")

    page.get_by_role("link", name="Gradients in small networks").click()
    expect(page.locator("h1")).to_have_text("Gradients in small networks")
    expect(page.locator(".lesson-body math").first).to_be_visible()
    figure = page.locator("figure.live-figure svg[role=img]").first
    expect(figure).to_be_visible()
    assert (figure.bounding_box() or {}).get("height", 0) > 100
    assert figure.get_attribute("aria-label")
    visit.shot("lesson")

    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("h1")).to_have_text("Question 1 of 5")
    attempt_id = attempt_id_of(page)
    questions = {q.variant["kind"]: q for q in stored_questions(live_server.app, attempt_id)}
    visit.shot("question")

    # One question right at the first try.
    single = questions["single"]
    go_to_question(page, single.position)
    choose(page, "single", correct_response(single.variant))
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_contain_text("Correct")
    visit.shot("feedback-right")

    # One typed in a way that cannot be read, then corrected.
    numeric = questions["numeric"]
    go_to_question(page, numeric.position)
    expect(page.locator(".question svg[role=img]").first).to_be_visible()
    choose(page, "numeric", "0,5")
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("alert")).to_contain_text("decimal separator")
    expect(page.get_by_label("Your answer")).to_be_focused()
    visit.shot("malformed")
    choose(page, "numeric", correct_response(numeric.variant))
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_contain_text("Correct")
    expect(page.locator("#feedback")).to_contain_text("The ratio is")

    # And one wrong, to see what the feedback says.
    ordering = questions["ordering"]
    go_to_question(page, ordering.position)
    choose(page, "ordering", wrong_response(ordering.variant))
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_contain_text("pairs are in the right order")
    visit.shot("feedback-wrong")

    page.get_by_role("button", name="Finish and see results").click()
    expect(page.locator("#finish-heading")).to_have_text("2 of 5 questions are not answered")
    page.get_by_role("button", name="Finish and see results").click()  # confirmed
    expect(page.locator("h1")).to_contain_text("Review")
    expect(page.locator(".review-item")).to_have_count(5)
    expect(page.locator(".score-big")).to_be_visible()
    visit.shot("review")

    page.get_by_role("button", name="Try a new variant of this question").first.click()
    expect(page.locator("h1")).to_have_text("Question 1 of 1")
    page.get_by_role("link", name="History").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    visit.shot("history")

    page.get_by_role("link", name="Drill").click()
    expect(page.get_by_label("Time limit in minutes")).to_have_value("15")
    visit.shot("drill")
    page.get_by_role("link", name="Grace").click()
    page.get_by_label("Token name").fill("my notebook")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator(".notice.secret code")).to_contain_text("qz_")
    visit.shot("account")


def test_a_guest_practises_without_javascript_then_signs_up(
    live_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "guest-no-js", javascript=False) as visit:
        guest_journey(live_server, visit)


def guest_journey(live_server: LiveServer, visit: Visit) -> None:
    page = visit.page
    page.goto(f"{live_server.url}/lessons/{LESSON}")
    page.get_by_role("button", name="Start the quiz as a guest").click()
    expect(page.locator(".guest-banner")).to_be_visible()
    attempt_id = attempt_id_of(page)
    first = stored_questions(live_server.app, attempt_id)[0]
    choose(page, first.variant["kind"], correct_response(first.variant))
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_contain_text("Correct")
    visit.shot("guest-feedback")

    page.locator(".guest-banner").get_by_role("link", name="Sign up").click()
    expect(page.locator(".lede")).to_contain_text("stays with your new account")
    sign_up(page, "guest-to-account@example.org")
    page.get_by_role("link", name="History").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("1 of 5")
    visit.shot("guest-history")


def test_an_exam_answer_is_saved_in_place_and_next_moves_one_question(
    live_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "exam-no-js", javascript=False) as visit:
        page = visit.page
        page.goto(f"{live_server.url}/lessons/{LESSON}")
        page.get_by_label("Exam: results at the end").check()
        page.get_by_role("button", name="Start the quiz as a guest").click()
        attempt_id = attempt_id_of(page)
        first = stored_questions(live_server.app, attempt_id)[0]
        choose(page, first.variant["kind"], correct_response(first.variant))
        page.get_by_role("button", name="Save answer").click()
        expect(page.locator("h1")).to_have_text("Question 1 of 5")
        expect(page.locator("#feedback")).to_contain_text("Answer saved")
        expect(page.get_by_role("button", name="Next question →")).to_be_focused()
        visit.shot("exam-saved")
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Question 2 of 5")


def test_pages_fit_a_360_pixel_screen_and_work_by_keyboard(
    live_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "phone", width=360, height=740) as visit:
        phone_journey(live_server, visit)


def phone_journey(live_server: LiveServer, visit: Visit) -> None:
    page = visit.page

    def fits() -> bool:
        page.wait_for_load_state("load")  # a click may return before the next page has styles
        return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(live_server.url)
    assert fits()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    visit.shot("home")
    page.goto(f"{live_server.url}/lessons/{LESSON}")
    assert fits()
    visit.shot("lesson")
    page.get_by_role("button", name="Start the quiz as a guest").click()
    attempt_id = attempt_id_of(page)
    kind_of = {q.position: q for q in stored_questions(live_server.app, attempt_id)}
    plot = next(q for q in kind_of.values() if q.variant["kind"] == "plot_choice")
    go_to_question(page, plot.position)
    assert fits()
    visit.shot("plot-choice")
    # Keyboard only: focus the first option, move with the arrow keys, submit with Enter.
    page.locator("input[name=choice]").first.focus()
    target = correct_response(plot.variant)
    first = page.locator("input[name=choice]").first.get_attribute("value")
    page.keyboard.press("Space" if first == target else "ArrowDown")
    expect(page.locator(f"#choice-{target}")).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.locator("#feedback")).to_contain_text("Correct")
    assert fits()
    visit.shot("feedback")
    page.goto(f"{live_server.url}/history")
    expect(page.locator(".table-wrap table")).to_be_visible()
    assert fits()  # its visually hidden caption and header stay inside the scrolling box
    visit.shot("history")
