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
