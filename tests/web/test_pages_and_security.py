"""Home, lesson, history and error pages; CSRF, cookies, headers and rate limits."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizsvc.security import limiter
from quizsvc.services.figure_store import DiskFigureStore
from tests.web.helpers import LESSON, PASSWORD, answer, sibling_app, signup, start


def test_home_lists_lessons_in_order_with_progress(client: FlaskClient, app: Flask) -> None:
    anonymous = client.get("/").get_data(as_text=True)
    assert anonymous.index("Gradients in small networks") < anonymous.index("Facts about")
    signup(client)
    attempt_id = start(client)
    answer(client, app, attempt_id, 1)
    client.post(f"/attempts/{attempt_id}/finish")
    html = client.get("/").get_data(as_text=True)
    assert "1 of 5 questions right" in html and "1 attempt, best 20 %" in html


def test_lesson_page_has_math_live_figures_and_a_quiz(client: FlaskClient) -> None:
    response = client.get(f"/lessons/{LESSON}?draw=1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Gradients in small networks</h1>" in html
    assert "<math" in html and 'display="block"' in html
    figure = re.search(r'<figure class="live-figure"[^>]*>(.*?)</figure>', html, re.S)
    assert figure is not None
    svg = figure.group(1)
    assert "<svg" in svg and 'role="img"' in svg and 'aria-label="' in svg and "<title>" in svg
    assert "Two tiny networks." in svg.split("</svg>")[-1]  # the caption
    assert "Start the quiz as a guest" in html
    assert "Draw them with other networks" in html


def test_figures_are_drawn_once_then_cached(client: FlaskClient, app: Flask) -> None:
    client.get(f"/lessons/{LESSON}?draw=2")
    assert len(DiskFigureStore(Path(app.config["FIGURE_CACHE_DIR"])))  # what other workers see
    first = client.get(f"/lessons/{LESSON}?draw=2").get_data(as_text=True)
    second = client.get(f"/lessons/{LESSON}?draw=2").get_data(as_text=True)
    assert _without_csrf(first) == _without_csrf(second)


def _without_csrf(html: str) -> str:
    """The page without its CSRF tokens, which carry the second they were made in."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)


def test_history_lists_attempts(client: FlaskClient) -> None:
    signup(client)
    attempt_id = start(client)
    html = client.get("/history").get_data(as_text=True)
    assert "Gradients in small networks" in html and "in progress" in html
    assert f"/attempts/{attempt_id}" in html


def test_unknown_lesson_and_attempt_are_clear_404_pages(client: FlaskClient) -> None:
    lesson = client.get("/lessons/no-such-lesson")
    assert lesson.status_code == 404
    assert "There is no lesson" in lesson.get_data(as_text=True)
    signup(client)
    attempt = client.get("/attempts/12345/questions/1")
    assert attempt.status_code == 404 and "Back to the lessons" in attempt.get_data(as_text=True)
    assert client.post("/lessons/no-such-lesson/attempts").status_code == 404


def test_security_headers_and_no_inline_script(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client)
    for url in ("/", f"/lessons/{LESSON}", f"/attempts/{attempt_id}/questions/1", "/history",
                "/drill", "/login", "/nope"):  # fmt: skip
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        html = response.get_data(as_text=True)
        assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html)), url
        assert not re.search(r"\son[a-z]+=", html.split("<svg")[0]), url  # no event handlers
        assert "cdn" not in html.lower()


def test_session_cookie_is_http_only_and_same_site(client: FlaskClient) -> None:
    response = client.post("/signup", data={"email": "ada@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(app: Flask) -> None:
    with sibling_app(app, ENV="production", SECRET_KEY="x" * 32) as production:
        assert production.config["SESSION_COOKIE_SECURE"] is True
        response = production.test_client().get("/login")
        assert "max-age" in response.headers["Strict-Transport-Security"]


@pytest.fixture
def csrf_client(app: Flask) -> FlaskClient:
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def csrf_token(client: FlaskClient, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, url
    return match.group(1)


def test_every_form_needs_its_csrf_token(csrf_client: FlaskClient, app: Flask) -> None:
    data = {"email": "ada@example.org", "password": PASSWORD}
    refused = csrf_client.post("/signup", data=data)
    assert refused.status_code == 400
    assert "security token" in refused.get_data(as_text=True)
    token = csrf_token(csrf_client, "/signup")
    assert csrf_client.post("/signup", data={**data, "csrf_token": token}).status_code == 302

    page = csrf_client.get(f"/lessons/{LESSON}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    started = csrf_client.post(f"/lessons/{LESSON}/attempts", data={"csrf_token": token})
    assert started.status_code == 302
    question = started.headers["Location"]
    assert csrf_client.post(question, data={"answer": "1"}).status_code == 400
    assert csrf_client.post("/logout").status_code == 400
    # Every form on the page carries a token.
    html = csrf_client.get(question).get_data(as_text=True)
    forms = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S)
    assert forms and all('name="csrf_token"' in form for form in forms)


def test_log_in_is_rate_limited(app: Flask) -> None:
    with sibling_app(app, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3/minute") as limited:
        check_login_limit(limited.test_client())
    limiter.reset()


def test_behind_a_trusted_proxy_limits_apply_per_client(app: Flask) -> None:
    settings = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2/minute", "TRUSTED_PROXIES": 1}
    with sibling_app(app, **settings) as limited:
        client = limited.test_client()
        data = {"email": "who@example.org", "password": "wrong-password"}

        def status(address: str) -> int:
            headers = {"X-Forwarded-For": address}
            return client.post("/login", data=data, headers=headers).status_code

        assert [status("203.0.113.1") for _ in range(3)] == [422, 422, 429]
        assert status("203.0.113.2") == 422
    limiter.reset()


@pytest.mark.skipif(
    not os.environ.get("QUIZSVC_TEST_REDIS_URL"), reason="set QUIZSVC_TEST_REDIS_URL"
)
def test_rate_limits_are_shared_through_redis(app: Flask) -> None:
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": os.environ["QUIZSVC_TEST_REDIS_URL"],
        # The storage's own key prefix, so that limiter.reset() clears this run's keys only.
        "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": f"quizsvc-test-{uuid.uuid4().hex}"},
        "LOGIN_RATE_LIMIT": "3/minute",
    }
    with sibling_app(app, **settings) as limited:
        check_login_limit(limited.test_client())
    limiter.reset()


def check_login_limit(client: FlaskClient) -> None:
    # Log-in is limited per address. A fresh address per check keeps one run's hits from
    # counting against another's: Flask-Limiter is one object per process, and a shared
    # storage (Redis) outlives the app that wrote to it.
    client.environ_base["REMOTE_ADDR"] = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    data = {"email": "who@example.org", "password": "wrong-password"}
    statuses = [client.post("/login", data=data).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert "Too many tries" in client.post("/login", data=data).get_data(as_text=True)
    assert client.get("/login").status_code == 200  # only log-in attempts are limited


def test_answers_are_rate_limited_per_learner(app: Flask) -> None:
    with sibling_app(app, RATELIMIT_ENABLED=True, ANSWER_RATE_LIMIT="2/minute") as limited:
        check_answer_limit(limited.test_client())
    limiter.reset()


def check_answer_limit(client: FlaskClient) -> None:
    signup(client)
    attempt_id = start(client)
    url = f"/attempts/{attempt_id}/questions/1"
    statuses = [
        client.post(url, data={"answer": "x", "choice": "zz"}).status_code for _ in range(3)
    ]
    assert statuses[-1] == 429
    assert client.get(url).status_code == 200
