"""Figure text is readable wherever a figure is shown (issue 17): at 375, 768 and 1280 px no
text of a figure renders smaller than 11 CSS px, and printed no smaller than 9 pt.

The rendered size of a text is its font size in the SVG's user units times the scale from
those units to the screen (`getScreenCTM`), measured in Chromium on the pages a learner sees:
a lesson with a live figure of every kind, a plot-choice question whose options are small
multiples of the layer-output violins, the review, and the printed study guide.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, visiting
from tests.browser.figure_site import FIGURE_LESSON, figure_server  # noqa: F401 (fixture)
from tests.web.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WIDTHS = (375, 768, 1280)
MIN_SCREEN_PX = 11.0
MIN_PRINT_PX = 12.0  # 9 pt at 96 px per inch
A4_CONTENT_PX = 680  # 180 mm between print.css's page margins

MEASURE = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter((t) => t.textContent.trim() && t.getClientRects().length)
  .map((t) => {
    const m = t.getScreenCTM();
    return {text: t.textContent.trim(),
            px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)};
  })"""


def figure_text(page: Page, selector: str = "figure svg text, .figure svg text") -> list[dict]:
    sizes: list[dict] = page.evaluate(MEASURE, selector)
    assert len(sizes) > 10, "no figure text measured"
    return sizes


def too_small(sizes: list[dict], minimum: float) -> list[tuple[str, float]]:
    return [(s["text"], round(s["px"], 1)) for s in sizes if s["px"] < minimum - 0.05]


def sign_up(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()


def plot_choice_question(page: Page, url: str) -> str:
    """Start a quiz of the figure lesson and open its plot-choice question; its URL."""
    page.goto(f"{url}/lessons/{FIGURE_LESSON}")
    page.get_by_role("button", name="Start the quiz").first.click()
    for _ in range(2):
        if page.locator(".plot-options").count():
            return page.url
        page.get_by_role("navigation", name="Questions").locator("a, button").nth(1).click()
    raise AssertionError("no plot-choice question in the figure lesson's quiz")


@pytest.mark.parametrize("width", WIDTHS)
def test_figure_text_is_at_least_11_px_at_every_width(
    figure_server: LiveServer,  # noqa: F811
    browser: Browser,
    width: int,
) -> None:
    with visiting(browser, f"figure-text-{width}", width=width) as visit:
        page = visit.page
        page.goto(f"{figure_server.url}/lessons/{FIGURE_LESSON}")
        expect(page.locator("figure.live-figure svg")).to_have_count(7)
        lesson = figure_text(page)
        assert too_small(lesson, MIN_SCREEN_PX) == []
        visit.shot("lesson")

        sign_up(page, figure_server.url, f"reader{width}@example.org")
        plot_choice_question(page, figure_server.url)
        options = page.locator(".plot-options .option svg")
        expect(options).to_have_count(2)
        question = figure_text(page, ".plot-options svg text")
        assert too_small(question, MIN_SCREEN_PX) == []
        # One column below 900 px, two beside each other above it.
        first, second = (options.nth(i).bounding_box() or {} for i in range(2))
        assert (first["y"] == second["y"]) == (width >= 900), (first, second)
        visit.shot("plot-choice")


def test_printed_figure_text_is_at_least_9_pt(
    figure_server: LiveServer,  # noqa: F811
    browser: Browser,
) -> None:
    with visiting(browser, "figure-text-print", width=A4_CONTENT_PX) as visit:
        page = visit.page
        page.emulate_media(media="print")
        page.goto(f"{figure_server.url}/lessons/{FIGURE_LESSON}/study-guide")
        sizes = figure_text(page)
        assert too_small(sizes, MIN_PRINT_PX) == []
        page.goto(f"{figure_server.url}/lessons/{FIGURE_LESSON}")
        assert too_small(figure_text(page), MIN_PRINT_PX) == []


def test_a_figure_opens_full_size_without_javascript(
    figure_server: LiveServer,  # noqa: F811
    browser: Browser,
) -> None:
    with visiting(browser, "figure-full-size", width=375, javascript=False) as visit:
        page = visit.page
        page.goto(f"{figure_server.url}/lessons/{FIGURE_LESSON}")
        small = page.locator("figure.live-figure svg").first.bounding_box() or {}
        page.locator("figure.live-figure a.figure-link").first.click()
        assert re.search(r"/figures/every-grad\.svg\?draw=\d+$", page.url), page.url
        big = page.locator("svg").first.bounding_box() or {}
        assert big["width"] > small["width"]
        sizes = figure_text(page, "svg text")
        assert too_small(sizes, 13.0) == []  # larger than in the page


@pytest.mark.parametrize("width", (375, 1280))
def test_display_math_uses_the_width_and_scrolls_in_its_own_box(
    figure_server: LiveServer,  # noqa: F811
    browser: Browser,
    width: int,
) -> None:
    with visiting(browser, f"display-math-{width}", width=width) as visit:
        page = visit.page
        page.goto(f"{figure_server.url}/lessons/{FIGURE_LESSON}")
        box = page.get_by_role("group", name="equation").first
        expect(box).to_be_visible()
        sizes = page.evaluate(
            """() => {
              const box = document.querySelector('.math.block');
              const text = document.querySelector('.lesson-body p');
              const inline = document.querySelector('.lesson-body p math');
              return {page: document.documentElement.scrollWidth, view: innerWidth,
                      box: box.clientWidth, content: box.scrollWidth,
                      column: text.clientWidth,
                      body: parseFloat(getComputedStyle(text).fontSize),
                      inline: inline ? parseFloat(getComputedStyle(inline).fontSize) : null};
            }"""
        )
        assert sizes["page"] <= sizes["view"], sizes  # the page itself never scrolls sideways
        assert sizes["inline"] >= sizes["body"], sizes  # inline math no smaller than its text
        if width == 1280:  # wider than the text column, as far as the page allows
            assert sizes["box"] > sizes["column"], sizes
        else:  # too wide for a phone: it scrolls in its box, which the keyboard can reach
            assert sizes["content"] > sizes["box"], sizes
            box.focus()
            page.keyboard.press("ArrowRight")
            # The key scrolls the box (smoothly where the browser does): wait for it to move.
            page.wait_for_function("(el) => el.scrollLeft > 0", arg=box.element_handle())
        visit.shot("math")
