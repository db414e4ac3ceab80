"""Starting attempts runs simulations, so every way to start one shares one per-learner budget."""

from __future__ import annotations

from flask import Flask

from quizsvc.security import limiter
from tests.web.helpers import LESSON, sibling_app, signup


def test_starts_through_the_form_the_drill_and_the_api_share_one_limit(app: Flask) -> None:
    with sibling_app(app, RATELIMIT_ENABLED=True, START_RATE_LIMIT="3/minute") as limited:
        browser = limited.test_client()
        signup(browser, "starter@example.org")
        statuses = [
            browser.post(f"/lessons/{LESSON}/attempts").status_code,
            browser.post("/api/v1/attempts", json={"lesson_id": LESSON}).status_code,
            browser.post(f"/lessons/{LESSON}/attempts").status_code,
            browser.post("/api/v1/attempts", json={"lesson_id": LESSON}).status_code,
            browser.post(
                "/drill", data={"lesson": LESSON, "count": "3", "minutes": "5", "mode": "exam"}
            ).status_code,
        ]
        drill_page = browser.get("/drill").status_code  # only starting is limited
    limiter.reset()
    assert statuses == [302, 201, 302, 429, 429]
    assert drill_page == 200


def test_another_learner_has_a_budget_of_their_own(app: Flask) -> None:
    with sibling_app(app, RATELIMIT_ENABLED=True, START_RATE_LIMIT="1/minute") as limited:
        first, second = limited.test_client(), limited.test_client()
        signup(first, "one@example.org")
        signup(second, "two@example.org")
        assert first.post(f"/lessons/{LESSON}/attempts").status_code == 302
        assert first.post(f"/lessons/{LESSON}/attempts").status_code == 429
        assert second.post(f"/lessons/{LESSON}/attempts").status_code == 302
    limiter.reset()


def test_a_new_guest_each_time_does_not_escape_the_start_limit(app: Flask) -> None:
    """The flood: a fresh guest per start (no cookie kept) got a fresh per-learner budget each
    time, so one address started 60 attempts in 6.6 s. Starts are counted per address too."""
    settings = {"START_RATE_LIMIT": "100/minute", "START_ADDRESS_RATE_LIMIT": "3/minute"}
    with sibling_app(app, RATELIMIT_ENABLED=True, **settings) as limited:
        statuses = []
        for _ in range(3):
            statuses.append(limited.test_client().post(f"/lessons/{LESSON}/attempts").status_code)
            guest = limited.test_client()
            guest.post("/guest")
            statuses.append(guest.post("/api/v1/attempts", json={"lesson_id": LESSON}).status_code)
        elsewhere = limited.test_client()
        elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.20"
        other_address = elsewhere.post(f"/lessons/{LESSON}/attempts").status_code
    limiter.reset()
    assert statuses == [302, 201, 302, 429, 429, 429]
    assert other_address == 302


def test_guests_are_made_at_a_limited_rate_per_address(app: Flask) -> None:
    with sibling_app(app, RATELIMIT_ENABLED=True, GUEST_RATE_LIMIT="2/minute") as limited:
        statuses = [limited.test_client().post("/guest").status_code for _ in range(3)]
        refused = limited.test_client().post("/guest")
        elsewhere = limited.test_client()
        elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.21"
        other_address = elsewhere.post("/guest").status_code
    limiter.reset()
    assert statuses == [302, 302, 429]
    assert "Too many tries" in refused.get_data(as_text=True)
    assert other_address == 302


def test_visitors_behind_one_address_are_not_one_learner(app: Flask) -> None:
    """A class behind one school address, each pupil starting a quiz straight from a lesson
    page (a guest is made on the spot): the per-learner budget must not be shared by all of
    them as if the address were the learner; the per-address budget counts them."""
    settings = {"START_RATE_LIMIT": "2/minute", "START_ADDRESS_RATE_LIMIT": "4/minute"}
    with sibling_app(app, RATELIMIT_ENABLED=True, **settings) as limited:
        statuses = [
            limited.test_client().post(f"/lessons/{LESSON}/attempts").status_code for _ in range(5)
        ]
    limiter.reset()
    assert statuses == [302, 302, 302, 302, 429]
