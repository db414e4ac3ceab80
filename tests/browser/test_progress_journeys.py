"""A learner's progress in Chromium: the dashboard, a review session, a printed study guide.

The answer key is read from the server's database, as only the server can; the review session
is brought due by moving the cards' due dates, as the passing of days would.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer, Visit, visiting
from tests.progress.helpers import make_due, user_id
from tests.progress.pdf_outline import document_title, outline
from tests.web.helpers import OTHER_LESSON, PASSWORD, correct_response, stored_questions

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

GUIDE_SECTIONS = ["Objectives", "Key ideas", "Formulas", "Figures", "Practice questions"]


def sign_up(page: Page, url: str) -> str:
    email = f"progress-{uuid.uuid4().hex[:8]}@example.org"
    page.goto(f"{url}/signup")
    page.get_by_label("Name (optional)").fill("Lin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".flash.success")).to_contain_text("Your account is ready")
    return email


def attempt_id_of(page: Page) -> int:
    match = re.search(r"/attempts/(\d+)/", page.url)
    assert match, page.url
    return int(match.group(1))


def answer_in_page(page: Page, variant: dict[str, object], right: bool) -> None:
    """Answer a single or multiple choice question (the fixture lesson web-facts has only those)."""
    key = correct_response(variant)
    wanted = set(key if isinstance(key, list) else [key])
    if not right:
        ids = [c["id"] for c in variant["choices"]]  # type: ignore[attr-defined]
        wanted = {next(i for i in ids if i not in wanted)}
    for box in page.locator("input[name=choice]").all():
        if box.get_attribute("value") in wanted:
            box.check()
        elif box.get_attribute("type") == "checkbox":
            box.uncheck()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_be_visible()


def take_quiz(page: Page, live_server: LiveServer, rights: list[bool]) -> int:
    """Walk through a practice attempt as a learner does: answer, read feedback, go on."""
    attempt_id = attempt_id_of(page)
    questions = stored_questions(live_server.app, attempt_id)
    for question, right in zip(questions, rights, strict=True):
        page.goto(f"{live_server.url}/attempts/{attempt_id}/questions/{question.position}")
        answer_in_page(page, question.variant, right)
    return attempt_id


def test_a_learner_follows_their_progress_and_reviews_with_new_variants(
    live_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "progress") as visit:
        progress_journey(live_server, visit)


def progress_journey(live_server: LiveServer, visit: Visit) -> None:
    page = visit.page
    email = sign_up(page, live_server.url)
    page.get_by_role("link", name="Facts about activations").click()
    page.get_by_role("button", name="Start the quiz").click()
    first = take_quiz(page, live_server, [False, True, True])

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.locator("h1")).to_have_text("Your progress")
    expect(page.locator("#streak .stat-value")).to_have_text("1")
    expect(page.locator("#answers .stat-value")).to_have_text("3")
    figure = page.locator(".accuracy-figure svg[role=img]")
    expect(figure).to_be_visible()
    assert (figure.get_attribute("aria-label") or "").startswith("Accuracy over time: 3 answers")
    expect(page.locator(".focus-list > li")).to_have_count(1)  # the missed objective only
    expect(page.locator(".level-attempted").first).to_be_visible()
    visit.shot("dashboard")
    page.set_viewport_size({"width": 360, "height": 800})  # a phone: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    visit.shot("dashboard-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The evidence behind a level, and mastery over time.
    page.locator(".focus-list a").first.click()
    expect(page.locator("#level-heading")).to_contain_text("Your level")
    expect(page.locator("figure svg[role=img]")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("See the question"))).to_have_count(1)
    visit.shot("objective")

    # A day later (the cards are moved due), the Review page brings them back as new variants.
    make_due(live_server.app, user_id(live_server.app, email))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review").click()
    expect(page.locator("#due-heading")).to_have_text("3 questions due")
    visit.shot("review-due")
    page.get_by_role("button", name="Start reviewing").click()
    expect(page.locator("h1")).to_have_text("Question 1 of 3")
    expect(page.locator(".quiz-head")).to_contain_text("Review · Facts about activations")
    review = take_quiz(page, live_server, [True, True, True])
    old = {q.template_id: q.seed for q in stored_questions(live_server.app, first)}
    new = {q.template_id: q.seed for q in stored_questions(live_server.app, review)}
    assert set(new) == set(old) and all(new[t] != old[t] for t in old)
    visit.shot("review-answered")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review").click()
    expect(page.locator("#nothing-due")).to_contain_text("Nothing is due right now.")
    page.get_by_label("Desired retention (%)").fill("85")
    page.get_by_role("button", name="Save retention").click()
    expect(page.locator(".flash.success")).to_contain_text("Desired retention set to 85%")
    expect(page.get_by_label("Desired retention (%)")).to_have_value("85")
    visit.shot("review-done")


def test_a_study_guide_prints_to_a_clean_pdf(live_server: LiveServer, browser: Browser) -> None:
    with visiting(browser, "study-guide") as visit:
        print_journey(live_server, visit)


def print_journey(live_server: LiveServer, visit: Visit) -> None:
    page = visit.page
    page.goto(f"{live_server.url}/lessons/web-gradients")
    page.get_by_role("link", name="Printable study guide").click()
    expect(page.locator("h1")).to_have_text("Study guide: Gradients in small networks")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    expect(page.locator("#figures svg[role=img]")).to_have_count(1)
    expect(page.locator("#formulas math").first).to_be_visible()
    visit.shot("study-guide")

    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".print-hint"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("#answers")).to_be_visible()
    pdf = page.pdf(format="A4", outline=True, tagged=True, print_background=False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "study-guide.pdf").write_bytes(pdf)

    assert pdf.startswith(b"%PDF-") and len(pdf) > 20_000
    assert document_title(pdf) == "Study guide: Gradients in small networks · quizsvc"
    items = outline(pdf)
    titles = [item.title for item in items]
    assert titles[0] == "Study guide: Gradients in small networks"
    sections = [t for t in titles if t in [*GUIDE_SECTIONS, "Answers"]]
    assert sections == [*GUIDE_SECTIONS, "Answers"]  # every section, in order, answers last
    questions = [t for t in titles if re.fullmatch(r"Question \d+", t)]
    answers = [t for t in titles if re.fullmatch(r"Answer to question \d+", t)]
    assert len(questions) == len(answers) == 5
    page_of = {item.title: item.page for item in items}
    last_question = max(item.page for item in items if item.title in questions)
    assert page_of["Answers"] > last_question  # the answers start on a page of their own
    assert "Lessons" not in titles and "Drill" not in titles  # no site navigation printed


def test_practice_and_the_personal_guide_work_without_javascript(
    live_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "progress-no-js", javascript=False) as visit:
        no_script_journey(live_server, visit)


def no_script_journey(live_server: LiveServer, visit: Visit) -> None:
    page = visit.page
    sign_up(page, live_server.url)
    page.goto(f"{live_server.url}/lessons/{OTHER_LESSON}")
    page.get_by_role("button", name="Start the quiz").click()
    take_quiz(page, live_server, [False, False, True])

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator(".focus-list > li")).to_have_count(2)  # the two missed objectives
    page.locator(".focus-list button").first.click()  # Practise …, a plain form
    expect(page.locator("h1")).to_have_text(re.compile(r"Question 1 of \d"))
    expect(page.locator(".quiz-head")).to_contain_text("Facts about activations")

    page.goto(f"{live_server.url}/study-guide")
    expect(page.locator("h1")).to_have_text("Your study guide")
    expect(page.locator(".print-hint")).to_contain_text("Ctrl+P")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    expect(page.locator("#focus tbody tr")).to_have_count(2)  # the objectives missed
    expect(page.locator("#practice .guide-question").first).to_be_visible()
    visit.shot("personal-guide")
