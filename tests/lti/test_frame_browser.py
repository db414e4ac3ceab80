"""Issue 18 in Chromium: the LMS's page (localhost) frames the tool's launch (127.0.0.1, another
site), with third-party cookies allowed and blocked. Either way the student answers and
finishes, and the score reaches the line item."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, FrameLocator, Page, Playwright

from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.lti.conftest import Tool
from tests.lti.helpers import eventually
from tests.support.lti_platform import STUDENT, LmsUser, TestPlatform
from tests.web.helpers import correct_response, stored_questions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("lti"),
    pytest.mark.usefixtures("fresh_platform"),
]

# Chromium's setting "Third-party cookies" (profile.cookie_controls_mode): 0 allows them,
# 1 blocks them (as Safari does, and Chrome with strict settings).
COOKIE_CONTROLS = {"allowed": 0, "blocked": 1}


@pytest.fixture(params=list(COOKIE_CONTROLS))
def cookies(
    request: pytest.FixtureRequest, tmp_path: Path, playwright: Playwright
) -> Iterator[tuple[str, BrowserContext]]:
    """A browser profile with third-party cookies allowed or blocked."""
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    preferences = {"profile": {"cookie_controls_mode": COOKIE_CONTROLS[request.param]}}
    (profile / "Default" / "Preferences").write_text(json.dumps(preferences))
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
    )  # fmt: skip
    yield request.param, context
    context.close()


def take_quiz(where: Page | FrameLocator, tool: Tool, attempt_id: int) -> None:
    """Answer every question right in the quiz pages shown ``where``, then finish."""
    questions = stored_questions(tool.app, attempt_id)
    for question in questions:
        where.get_by_text(f"Question {question.position} of", exact=False).first.wait_for()
        response = correct_response(question.variant)
        for choice in response if isinstance(response, list) else [response]:
            where.locator(f'input[name="choice"][value="{choice}"]').check()
        where.get_by_role("button", name="Save answer").click()
        where.get_by_text("Answer saved").wait_for()
        if question.position < len(questions):
            where.get_by_role("button", name="Next question →").click()
    where.get_by_role("button", name="Finish and see results").click()
    # The review's score, not any "100" (a question page's tries rule says "100 %" too).
    score = where.locator("p.score-big")
    score.wait_for()
    assert score.inner_text().strip() == "100 %"


def latest_attempt(tool: Tool, sub: str) -> int:
    from sqlalchemy import select

    from quizsvc.db import get_session
    from quizsvc.progress.lti import LtiAccount, LtiAttempt

    with tool.app.app_context():
        query = (
            select(LtiAttempt.attempt_id)
            .join(LtiAccount, LtiAccount.id == LtiAttempt.account_id)
            .where(LtiAccount.sub == sub)
            .order_by(LtiAttempt.attempt_id.desc())
        )
        return get_session().scalars(query).first() or 0


def test_the_student_answers_and_finishes_inside_the_lms_page(
    cookies: tuple[str, BrowserContext], tool: Tool, lms: TestPlatform
) -> None:
    mode, context = cookies
    user = LmsUser(f"lms-frame-{mode}", f"Frame {mode}", f"{mode}@lms.example", STUDENT.roles)
    lms.users[user.sub] = user
    errors: list[str] = []
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{lms.url}/course/link-facts?storage=1&user={user.sub}")
        frame = page.frame_locator("#tool")
        attempt_id = eventually(lambda: latest_attempt(tool, user.sub) or None, "a launch")
        if mode == "allowed":
            take_quiz(frame, tool, attempt_id)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "lti-frame-allowed.png"))
        else:
            button = frame.get_by_role("button", name="Open the quiz in a new window")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            button.wait_for()
            page.screenshot(path=str(ARTIFACTS / "lti-frame-blocked.png"))
            with page.expect_popup() as popup:
                button.click()
            window = popup.value
            window.set_default_timeout(15_000)
            take_quiz(window, tool, attempt_id)
        scores = eventually(
            lambda: [s for s in lms.scores() if s["userId"] == user.sub] or None,
            "the score reaches the line item",
        )
        assert scores[-1]["scoreGiven"] == scores[-1]["scoreMaximum"] > 0
    finally:
        page.close()
    # Chromium ignores autofocus inside a cross-origin frame and says so: not an error of ours.
    harmless = ("Failed to load resource", "Blocked autofocusing")
    assert [e for e in errors if not e.startswith(harmless)] == []
