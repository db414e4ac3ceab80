"""The database refused, hanging or unreadable: 503 with our own page or JSON, never a 500, never
a hang; pages that need no database keep working, and service comes back with the database.

PostgreSQL is reached through tests.support.faultproxy, which refuses or black-holes the
connections on demand (the tests skip without QUIZSVC_TEST_POSTGRES_URL); SQLite's faults are a
locked and an unreadable database file.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from werkzeug.test import TestResponse

from quizsvc import migrate
from quizsvc.db import get_session
from quizsvc.progress.models import Role
from quizsvc.services import accounts, tokens
from tests.support.database import (
    POSTGRES_URL,
    create_postgres_schema,
    drop_postgres_schema,
    make_app,
)
from tests.support.faultproxy import FaultProxy
from tests.support.site import TEST_HASH_METHOD, configure
from tests.web.helpers import LESSON, PASSWORD, login, sibling_app, signup

T = TypeVar("T")

# The budget a request may spend waiting on the database in these tests (the default is
# larger); a hanging database must cost a request no more than this.
BUDGET_S = 2.0
# Not a timing assertion: only a guard that turns a hang into a failure instead of a stuck run.
HANG_GUARD_S = 30.0

needs_postgres = pytest.mark.skipif(
    POSTGRES_URL is None, reason="set QUIZSVC_TEST_POSTGRES_URL to test PostgreSQL faults"
)
SAMPLE_ARGS = {
    "lesson_id": LESSON,
    "objective_id": "read-norms",
    "template_id": "web-ratio",
    "filename": "site.css",
}


def answered(request: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`request(*args, **kwargs)` run in a thread; fails the test if it hangs."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = request(*args, **kwargs)
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HANG_GUARD_S)
    if thread.is_alive():
        pytest.fail(f"no answer after {HANG_GUARD_S} s: the request hangs on the database")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


# Routes that answer without the database on purpose: static files, healthz (tested on its own),
# the LTI tool's public keys (an LMS may fetch them at any time) and LTI logins and launches
# without their parameters, refused before any lookup (tests/lti covers both), and /metrics
# without its token (a 404, checked below), and a lesson figure's full-size file.
WITHOUT_DATABASE = (
    "static",
    "health.healthz",
    "lti.jwks",
    "lti.login",
    "lti.launch_",
    "metrics.scrape",
    "accessibility.lesson_figure",
)


def every_route(app: Flask) -> list[tuple[str, str]]:
    """(method, url) of every route, with sample arguments."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in WITHOUT_DATABASE:
                continue
            values = {name: SAMPLE_ARGS.get(name, 1) for name in rule.arguments}
            url = url_for(rule.endpoint, **values)
            found += [(m, url) for m in sorted(rule.methods or ()) if m in ("GET", "POST")]
    return found


def send(client: FlaskClient, method: str, url: str, **headers: str) -> TestResponse:
    if method == "POST" and url.startswith("/api/"):
        return client.post(url, json={}, headers=headers)
    return client.open(url, method=method, headers={"Accept": "text/html", **headers})


def assert_our_unavailable_page(response: TestResponse, where: str) -> None:
    assert response.status_code == 503, (where, response.status_code)
    assert response.headers.get("Retry-After"), where
    assert "default-src 'self'" in response.headers.get("Content-Security-Policy", ""), where
    if response.mimetype == "application/json":
        assert response.get_json()["error"]["code"] == 503, where
    else:
        page = response.get_data(as_text=True)
        assert 'class="site-header"' in page and "database" in page, where


@dataclass
class Proxied:
    app: Flask
    proxy: FaultProxy
    database_url: str  # through the proxy
    learner: FlaskClient  # logged in (an instructor, so every page is theirs to open)
    anonymous: FlaskClient
    token: str


def recovers(client: FlaskClient, url: str) -> None:
    """Fails unless `url` answers 200 again soon (the worker retries its database after
    DATABASE_RETRY_INTERVAL); a guard against never recovering, not a timing assertion."""
    deadline = time.monotonic() + HANG_GUARD_S
    while (status := client.get(url).status_code) != 200:
        assert status == 503, status
        assert time.monotonic() < deadline, f"{url} still answers {status}"
        time.sleep(0.1)


@pytest.fixture
def proxied(figure_cache: Path, request: pytest.FixtureRequest) -> Iterator[Proxied]:
    """An app whose PostgreSQL is reached through a fault proxy, with a logged-in learner
    (settings from an indirect parametrization override the fixture's)."""
    if POSTGRES_URL is None:
        pytest.skip("set QUIZSVC_TEST_POSTGRES_URL to test PostgreSQL faults")
    schema, direct_url = create_postgres_schema("qf")
    direct = make_app(direct_url)
    migrate.upgrade(direct)
    direct.extensions["quizsvc.db"].engine.dispose()
    upstream = make_url(direct_url)
    proxy = FaultProxy(upstream.host or "127.0.0.1", upstream.port or 5432).start()
    url = upstream.set(host=proxy.host, port=proxy.port).render_as_string(hide_password=False)
    settings = {"DATABASE_TIMEOUT": BUDGET_S, "DATABASE_RETRY_INTERVAL": 0.5}
    settings.update(getattr(request, "param", {}))
    app = configure(make_app(url, **settings), figure_cache)
    try:
        with app.app_context():
            user = accounts.create_user(
                "prof@example.org", PASSWORD, hash_method=TEST_HASH_METHOD, role=Role.INSTRUCTOR
            )
            _, token = tokens.create_token(user, "faults")
        learner = app.test_client()
        login(learner, "prof@example.org")
        yield Proxied(app, proxy, url, learner, app.test_client(), token)
    finally:
        proxy.close()
        app.extensions["quizsvc.db"].engine.dispose()
        drop_postgres_schema(schema)


@needs_postgres
def test_a_refused_database_gives_503_on_every_route_and_service_resumes(
    proxied: Proxied,
) -> None:
    routes = every_route(proxied.app)
    assert proxied.learner.get("/dashboard").status_code == 200
    proxied.proxy.refuse()
    for method, url in routes:
        where = f"{method} {url} (logged in)"
        assert_our_unavailable_page(answered(send, proxied.learner, method, url), where)
    bearer = {"Authorization": f"Bearer {proxied.token}"}
    for method, url in routes:
        if url.startswith("/api/"):
            response = answered(send, proxied.anonymous, method, url, **bearer)
            assert_our_unavailable_page(response, f"{method} {url} (token)")
    for method, url in routes:
        response = answered(send, proxied.anonymous, method, url)
        if response.status_code >= 500:
            assert_our_unavailable_page(response, f"{method} {url} (anonymous)")
    # A 404 that needs no lookup is still our page for a learner whose session cannot be read.
    missing = proxied.learner.get("/metrics", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "We could not find that page" in missing.get_data(True)
    # Pages that need no database keep working for visitors.
    assert proxied.anonymous.get(f"/lessons/{LESSON}").status_code == 200
    assert proxied.anonymous.get("/").status_code == 200
    assert proxied.anonymous.get("/api/v1/lessons").status_code == 200

    proxied.proxy.pass_()
    recovers(proxied.learner, "/dashboard")
    assert proxied.learner.get("/healthz").status_code == 200


@needs_postgres
def test_a_hanging_database_costs_a_request_its_budget_not_a_worker(proxied: Proxied) -> None:
    """Connections are accepted (and the pooled one stays open) but nothing ever answers."""
    assert proxied.learner.get("/dashboard").status_code == 200  # a pooled connection
    proxied.proxy.blackhole()
    bearer = {"Authorization": f"Bearer {proxied.token}"}
    assert_our_unavailable_page(answered(proxied.learner.get, "/dashboard"), "pooled")
    assert_our_unavailable_page(answered(proxied.learner.get, "/history"), "new")
    api = answered(proxied.anonymous.get, "/api/v1/me", headers=bearer)
    assert_our_unavailable_page(api, "api")
    health = answered(proxied.anonymous.get, "/healthz")
    assert health.status_code == 503
    lesson = answered(proxied.anonymous.get, f"/lessons/{LESSON}")
    assert lesson.status_code == 200  # needs no database

    proxied.proxy.pass_()
    recovers(proxied.learner, "/dashboard")
    assert proxied.anonymous.get("/healthz").status_code == 200


@needs_postgres
@pytest.mark.parametrize("proxied", [{"DATABASE_RETRY_INTERVAL": 600}], indirect=True)
def test_after_a_failed_connect_requests_fail_without_trying_again(proxied: Proxied) -> None:
    """The circuit breaker: a hanging database costs one timeout per retry interval, not one
    per request, so workers stay free for pages that need no database. Here the pooled
    connection's ping hangs first, so no new connection is even tried."""
    assert proxied.learner.get("/dashboard").status_code == 200
    proxied.proxy.blackhole()
    before = proxied.proxy.accepted
    for url in ("/dashboard", "/history", "/dashboard", "/account/", "/history"):
        assert_our_unavailable_page(answered(proxied.learner.get, url), url)
    assert proxied.proxy.accepted == before
    assert proxied.anonymous.get(f"/lessons/{LESSON}").status_code == 200


@needs_postgres
@pytest.mark.parametrize("proxied", [{"DATABASE_RETRY_INTERVAL": 600}], indirect=True)
def test_a_slow_statement_fails_alone(proxied: Proxied) -> None:
    """A statement over the budget fails its request, but the database is not taken for
    down: the next request goes on as usual."""
    app = proxied.app
    with app.test_request_context("/"):
        app.preprocess_request()  # opens the request's budget
        with pytest.raises(OperationalError):
            get_session().execute(text(f"SELECT pg_sleep({BUDGET_S * 3})"))
    assert proxied.learner.get("/dashboard").status_code == 200


@needs_postgres
def test_a_slow_network_is_not_a_fault(proxied: Proxied) -> None:
    proxied.proxy.delay(0.02)
    assert proxied.learner.get("/dashboard").status_code == 200
    assert proxied.anonymous.get("/healthz").status_code == 200


@needs_postgres
def test_healthz_keeps_the_database_url_and_driver_error_out_of_the_answer(
    proxied: Proxied, caplog: pytest.LogCaptureFixture
) -> None:
    ok = proxied.anonymous.get("/healthz")
    assert ok.status_code == 200
    proxied.proxy.refuse()
    with caplog.at_level(logging.WARNING, logger="quizsvc"):
        failed = proxied.anonymous.get("/healthz")
    assert failed.status_code == 503
    url = make_url(proxied.database_url)
    for body in (ok.get_data(as_text=True), failed.get_data(as_text=True)):
        for secret in (url.username, url.host, str(url.port), url.database, "search_path"):
            assert secret and secret not in body, secret
        assert "connection" not in body.lower()  # no driver text such as "connection refused"
    assert failed.get_json()["database"]["ok"] is False
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert str(url.port) in logged and "refused" in logged.lower()


# --- SQLite ---------------------------------------------------------------------------------


def test_a_locked_sqlite_database_gives_503_and_reads_go_on(app: Flask) -> None:
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite's file lock")
    with sibling_app(app, DATABASE_TIMEOUT=0.2) as impatient:
        client, other = impatient.test_client(), impatient.test_client()
        signup(client)
        holder = sqlite3.connect(make_url(app.config["DATABASE_URL"]).database or "")
        holder.isolation_level = None
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            # A write (starting an attempt) waits for the lock a moment, then gives up.
            started = answered(client.post, f"/lessons/{LESSON}/attempts", data={})
            assert_our_unavailable_page(started, "locked write")
            guest = answered(other.post, "/guest", headers={"Accept": "text/html"})
            assert_our_unavailable_page(guest, "locked guest")
            assert client.get("/dashboard").status_code == 200  # readers go on (WAL)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert client.post(f"/lessons/{LESSON}/attempts", data={}).status_code == 302


@pytest.mark.parametrize("damage", ["garbage", "directory"])
def test_an_unreadable_sqlite_database_gives_503(
    tmp_path: Path, figure_cache: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "quizsvc.sqlite3"
    if damage == "garbage":
        path.write_bytes(b"this is not a database\n" * 200)
    else:
        path.mkdir()
    app = configure(make_app(f"sqlite:///{path}"), figure_cache)
    client = app.test_client()
    try:
        assert_our_unavailable_page(client.post("/guest", headers={"Accept": "text/html"}), "page")
        bearer = {"Authorization": "Bearer qz_unknown"}  # looking the token up needs the database
        api = client.post("/api/v1/attempts", json={}, headers=bearer)
        assert_our_unavailable_page(api, "api")
        with caplog.at_level(logging.WARNING, logger="quizsvc"):
            health = client.get("/healthz")
        assert health.status_code == 503
        assert str(tmp_path) not in health.get_data(as_text=True)
        assert str(tmp_path) in " ".join(r.getMessage() for r in caplog.records)
        assert client.get(f"/lessons/{LESSON}").status_code == 200
    finally:
        app.extensions["quizsvc.db"].engine.dispose()


def test_unavailable_json_is_the_documented_error_shape(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'missing' / 'quizsvc.sqlite3'}")
    response = app.test_client().post("/guest", headers={"Accept": "application/json"})
    assert response.status_code == 503
    body = response.get_json()
    assert set(body["error"]) == {"code", "name", "message"}
    assert json.dumps(body).count("sqlite") == 0
