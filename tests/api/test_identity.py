"""One identity for pages and the API: Flask-Login's current_user, from the session or a token."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from quizsvc.security import limiter
from tests.api.conftest import make_token
from tests.web.helpers import LESSON, sibling_app, signup


def test_a_token_request_is_the_tokens_learner_whatever_cookie_it_carries(
    client: FlaskClient, app: Flask
) -> None:
    signup(client, "browser@example.org", "Browser")
    token = make_token(app, "script@example.org")
    as_token = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert as_token.get_json()["name"] == "script"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer qz_revoked"})
    assert bad.status_code == 401 and "revoked" in bad.get_json()["error"]["message"]
    assert client.get("/api/v1/me").get_json()["name"] == "Browser"
    # A bearer token is for the API; pages go by the session alone.
    page = client.get("/account/", headers={"Authorization": f"Bearer {token}"})
    assert "browser@example.org" in page.get_data(as_text=True)


def test_a_token_request_opens_no_session(app: Flask, token: str) -> None:
    client = app.test_client()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert client.get("/api/v1/me").status_code == 401


def test_the_browser_and_a_token_of_one_learner_share_the_start_budget(app: Flask) -> None:
    with sibling_app(app, RATELIMIT_ENABLED=True, START_RATE_LIMIT="1/minute") as limited:
        browser = limited.test_client()
        signup(browser, "both@example.org")
        with limited.app_context():
            from quizsvc.services import accounts, tokens

            user = accounts.find_by_email("both@example.org")
            assert user is not None
            _, token = tokens.create_token(user, "notebook")
        script = limited.test_client()
        script.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        script.environ_base["REMOTE_ADDR"] = "198.51.100.9"  # another address, the same learner
        assert browser.post(f"/lessons/{LESSON}/attempts").status_code == 302
        assert script.post("/api/v1/attempts", json={"lesson_id": LESSON}).status_code == 429
    limiter.reset()
