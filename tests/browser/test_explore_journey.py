"""The explorer in Chromium: with JavaScript a changed control redraws the figures in place
(and the address bar keeps the state); without it the GET form does the same by reloading.
At 1280 and 375 pixels. On a phone the result of a change is on the screen where the change is
made, and nothing (the headline table's caption included) is cut off; at 1280 the presets'
bullets sit in their own items."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, visiting

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# An update runs two networks and draws two figures: on a loaded CI machine that can take
# longer than expect's default 5 s, so waits for the server get a run's time.
RUN_MS = 30_000

SMALL = (
    "a.depth=6&a.width=16&a.batch=16&a.activation=tanh&a.init=xavier_normal"
    "&b.depth=6&b.width=16&b.batch=16&b.activation=sigmoid&b.init=xavier_normal"
)
# From this width (75rem) the results stand beside the form (explore.css).
WIDE = 1200


def on_screen(page: Page, selector: str) -> bool:
    """Whether the element is wholly inside the viewport as it is scrolled now."""
    return bool(
        page.locator(selector).evaluate(
            "e => { const r = e.getBoundingClientRect();"
            " return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight"
            " && r.left >= 0 && r.right <= window.innerWidth; }"
        )
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_changing_a_control_redraws_the_figures_without_reloading(
    live_server: LiveServer, browser: Browser, width: int
) -> None:
    with visiting(browser, f"explore-js-{width}", width=width) as visit:
        page = visit.page
        page.goto(f"{live_server.url}/explore?{SMALL}")
        figure = page.locator(".explore-figure svg").first
        before = figure.get_attribute("aria-label")
        sentence = page.locator(".explore-sentence")
        expect(sentence).to_contain_text("activation sigmoid instead of tanh", timeout=RUN_MS)
        page.evaluate("window.notReloaded = true")
        if width < WIDE:  # on a phone B's controls start folded
            page.get_by_text("Settings of network B", exact=True).click()
        page.get_by_label("Depth (hidden layers)").nth(1).fill("12")
        expect(sentence).to_contain_text("depth 12 instead of 6", timeout=RUN_MS)
        assert page.evaluate("window.notReloaded") is True  # updated in place
        assert page.locator(".explore-figure svg").first.get_attribute("aria-label") != before
        query = dict(parse_qsl(urlsplit(page.url).query))
        assert query["b.depth"] == "12" and query["a.depth"] == "6"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        visit.shot("changed")
        # A setting the engine refuses says what to change, in place.
        page.locator("#b-width").fill("2048")
        page.locator("#b-steps").fill("5000")
        expect(page.locator("#explore-results [role=alert]")).to_contain_text(
            "exceeds the budget", timeout=RUN_MS
        )
        visit.shot("refused")


@pytest.mark.parametrize("width", [1280, 375])
def test_without_javascript_the_form_is_a_get_request(
    live_server: LiveServer, browser: Browser, width: int
) -> None:
    with visiting(browser, f"explore-nojs-{width}", width=width, javascript=False) as visit:
        page = visit.page
        page.goto(f"{live_server.url}/explore?{SMALL}")
        page.locator("#a-activation").select_option("relu")
        page.locator("#a-init").select_option("kaiming_normal")
        page.get_by_role("button", name="Run").click()
        page.wait_for_load_state("load")
        query = dict(parse_qsl(urlsplit(page.url).query))
        assert query["a.activation"] == "relu" and query["a.init"] == "kaiming_normal"
        expect(page.locator(".explore-sentence")).to_contain_text(
            "activation sigmoid instead of relu", timeout=RUN_MS
        )
        # Run lands on the results, not at the top of the page four screens above them.
        assert on_screen(page, ".explore-sentence")
        assert page.locator(".explore-figure svg").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        visit.shot("submitted")
        page.get_by_role("link", name="Vanilla tanh RNN against LSTM with forget bias 1").click()
        expect(page.locator(".explore-figure figcaption").first).to_have_text(
            "Gradient norm through time", timeout=RUN_MS
        )


def test_on_a_phone_a_change_shows_its_result_where_it_is_made(
    live_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "explore-phone", width=375, height=667) as visit:
        page = visit.page
        page.goto(f"{live_server.url}/explore?{SMALL}")
        expect(page.locator(".explore-sentence")).to_contain_text(
            "activation sigmoid instead of tanh", timeout=RUN_MS
        )
        # B's controls start folded, and are still sent with the form (the URL is the state).
        expect(page.locator("#b-depth")).to_be_hidden()
        page.locator("#a-depth").scroll_into_view_if_needed()
        page.locator("#a-depth").fill("9")
        expect(page.locator(".explore-sentence")).to_contain_text(
            "depth 6 instead of 9", timeout=RUN_MS
        )
        assert dict(parse_qsl(urlsplit(page.url).query))["b.depth"] == "6"
        # The control just changed and the comparison it produced are on one screen.
        assert on_screen(page, "#a-depth")
        summary = page.locator("#explore-summary")
        assert on_screen(page, "#explore-summary")
        expect(summary).to_have_text(page.locator(".explore-sentence").inner_text())
        expect(summary.locator("sup")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        visit.shot("changed")
        page.get_by_role("link", name="See the results").click()
        assert on_screen(page, ".explore-sentence")
        # The headline table fits: no sideways scrolling inside it, its caption whole.
        table = page.locator(".explore-numbers")
        table.scroll_into_view_if_needed()
        fits = table.evaluate(
            "t => { const c = t.querySelector('caption'), r = c.getBoundingClientRect();"
            " return {table: t.scrollWidth <= t.clientWidth,"
            " caption: c.scrollWidth <= c.clientWidth,"
            " inside: r.left >= t.getBoundingClientRect().left - 1"
            " && r.right <= Math.min(t.getBoundingClientRect().right, window.innerWidth) + 1,"
            " text: c.innerText}; }"
        )
        assert fits == {
            "table": True,
            "caption": True,
            "inside": True,
            "text": "The numbers behind the figures",
        }, fits
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        visit.shot("table")
        # Unfolded, B's controls work as before.
        page.get_by_text("Settings of network B", exact=True).click()
        expect(page.locator("#b-depth")).to_be_visible()


# Each preset's bullet, wherever the list style puts it: an outside marker hangs left of the
# item's box, an inside one precedes the text, a ::before is where its offsets place it.
BULLETS = """() => [...document.querySelectorAll('.explore-presets li')].map(li => {
  const box = li.getBoundingClientRect(), link = li.querySelector('a');
  const range = document.createRange();
  range.setStart(link.firstChild, 0); range.setEnd(link.firstChild, 1);
  const first = range.getClientRects()[0];
  const style = getComputedStyle(li), before = getComputedStyle(li, '::before');
  let bullet = null;
  if (style.display === 'list-item' && style.listStyleType !== 'none') {
    bullet = style.listStylePosition === 'outside'
      ? [box.left - parseFloat(style.fontSize), box.left] : [box.left, first.left];
  } else if (before.content !== 'none' && before.content !== 'normal') {
    const left = box.left + parseFloat(before.left);
    bullet = [left, left + parseFloat(before.width)];
  }
  return {text: link.textContent, box: [box.left, box.top, box.right, box.bottom],
          first: first.left, bullet};
})"""


def test_wide_the_preset_bullets_sit_in_their_own_items(
    live_server: LiveServer, browser: Browser
) -> None:
    with visiting(browser, "explore-presets", width=1280) as visit:
        page = visit.page
        page.goto(f"{live_server.url}/explore?{SMALL}")
        items = page.evaluate(BULLETS)
        assert len(items) >= 8
        for item in items:
            left, top, right, bottom = item["box"]
            assert item["bullet"] is not None, item
            start, end = item["bullet"]
            # In the item's own box, before its text ...
            assert left - 0.5 <= start < end <= min(item["first"], right) + 0.5, item
            # ... and on no other item's text.
            for other in items:
                o_left, o_top, o_right, o_bottom = other["box"]
                if other is item or o_bottom <= top or o_top >= bottom:
                    continue
                assert end <= o_left or start >= o_right, (item, other)
        visit.shot("presets")
