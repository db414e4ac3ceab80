"""Findings of the security audit, each pinned by a test (JSON API)."""

from __future__ import annotations

from flask import Flask

from quizsvc.security import limiter
from tests.web.helpers import LESSON, OTHER_LESSON, sibling_app, signup, start


def test_the_api_does_not_double_the_answer_rate_limit_of_the_form(app: Flask) -> None:
    """The form and the API used to count separately, so a learner (or a script guessing
    answers) got the limit twice over by alternating between them."""
    with sibling_app(app, RATELIMIT_ENABLED=True, ANSWER_RATE_LIMIT="2/minute") as limited:
        browser = limited.test_client()
        signup(browser, "rate@example.org")
        attempt_id = start(browser, OTHER_LESSON)
        form = f"/attempts/{attempt_id}/questions/1"
        api = f"/api/v1/attempts/{attempt_id}/questions/1/answer"
        statuses = [browser.post(form, data={"answer": "x", "choice": "zz"}).status_code]
        statuses.append(browser.post(api, json={"response": "zz"}).status_code)
        statuses.append(browser.post(api, json={"response": "zz"}).status_code)
        statuses.append(browser.post(form, data={"answer": "x", "choice": "zz"}).status_code)
    limiter.reset()
    assert statuses[:2] == [422, 422]
    assert statuses[2:] == [429, 429]


def test_a_guest_cookie_copy_cannot_use_the_api_after_sign_up(app: Flask) -> None:
    victim = app.test_client()
    victim.post(f"/lessons/{LESSON}/attempts")
    cookie = victim.get_cookie("session")
    assert cookie is not None
    attempts = victim.get("/api/v1/attempts").get_json()["attempts"]
    signup(victim, "v@example.org")

    attacker = app.test_client()
    attacker.set_cookie("session", cookie.value)
    assert attacker.get("/api/v1/attempts").status_code == 401
    assert attacker.get(f"/api/v1/attempts/{attempts[0]['id']}").status_code == 401
    assert victim.get(f"/api/v1/attempts/{attempts[0]['id']}").status_code == 200


def test_hints_not_yet_asked_for_are_in_no_public_form(app: Flask) -> None:
    """`public_dict` is what the browser may see before answering; it used to carry every hint,
    which the pages and the API hand out one at a time (a hint asked for is recorded)."""
    from quizsvc.quiz import Variant
    from tests.web.helpers import position_of, stored_questions

    browser = app.test_client()
    signup(browser, "hints@example.org")
    attempt_id = start(browser, LESSON)
    position = position_of(app, attempt_id, "numeric")
    stored = stored_questions(app, attempt_id)[position - 1].variant
    hints = stored["hints_html"]
    assert hints
    public = Variant.from_dict(stored).public_dict()
    url = f"/api/v1/attempts/{attempt_id}/questions/{position}"
    before = browser.get(url).get_data(as_text=True)
    page = browser.get(f"/attempts/{attempt_id}/questions/{position}").get_data(as_text=True)
    for hint in hints:
        assert hint.strip() not in str(public)
        assert hint.strip() not in before and hint.strip() not in page
    shown = browser.post(f"{url}/hints").get_json()
    assert shown["hints_html"] == hints[:1]
