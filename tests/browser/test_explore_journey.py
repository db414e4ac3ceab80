"""The explorer in Chromium: with JavaScript a changed control redraws the figures in place
(and the address bar keeps the state); without it the GET form does the same by reloading.
At 1280 and 375 pixels."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, visiting

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# An update runs two networks and draws two figures: on a loaded CI machine that can take
# longer than expect's default 5 s, so waits for the server get a run's time.
RUN_MS = 30_000

SMALL = (
    "a.depth=6&a.width=16&a.batch=16&a.activation=tanh&a.init=xavier_normal"
    "&b.depth=6&b.width=16&b.batch=16&b.activation=sigmoid&b.init=xavier_normal"
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
        assert page.locator(".explore-figure svg").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        visit.shot("submitted")
        page.get_by_role("link", name="Vanilla tanh RNN against LSTM with forget bias 1").click()
        expect(page.locator(".explore-figure figcaption").first).to_have_text(
            "Gradient norm through time", timeout=RUN_MS
        )
