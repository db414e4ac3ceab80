"""Login sessions live on the server: logging out, "log out of all devices" and a password change
end them there, so a copy of the session cookie stops working (issue 11, logout)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizsvc.db import get_session
from quizsvc.progress.models import LoginSession
from tests.web.helpers import PASSWORD, login, signup

NEW_PASSWORD = "a brand new passphrase"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


def copy_of(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding a copy of `client`'s session cookie (a shared computer, a stolen
    cookie)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def is_logged_in(client: FlaskClient) -> bool:
    return client.get("/api/v1/me").status_code == 200


def session_count(app: Flask) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(LoginSession)) or 0


def test_a_cookie_copied_before_logout_stops_working(client: FlaskClient, app: Flask) -> None:
    signup(client)
    thief = copy_of(client, app)
    assert is_logged_in(thief)
    assert client.post("/logout").status_code == 302
    assert not is_logged_in(client)
    assert not is_logged_in(thief)
    assert thief.get("/account/").status_code == 302  # to the log-in page
    assert session_count(app) == 0


def test_a_guest_cookie_copied_before_the_guest_session_ends_stops_working(
    client: FlaskClient, app: Flask
) -> None:
    assert client.post("/guest").status_code == 302
    thief = copy_of(client, app)
    assert thief.get("/api/v1/me").get_json()["guest"] is True
    client.post("/logout")  # "End guest session"
    assert not is_logged_in(thief)


def test_each_log_in_is_its_own_session(app: Flask) -> None:
    laptop, phone = app.test_client(), app.test_client()
    signup(laptop)
    login(phone)
    assert session_count(app) == 2
    phone.post("/logout")
    assert is_logged_in(laptop) and not is_logged_in(phone)


def test_log_out_of_all_devices(app: Flask) -> None:
    laptop, phone = app.test_client(), app.test_client()
    signup(laptop)
    login(phone)
    page = laptop.get("/account/").get_data(as_text=True)
    assert "Log out of all devices" in page
    ended = laptop.post("/account/sessions/end-all")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]
    assert not is_logged_in(laptop) and not is_logged_in(phone)
    login(phone)
    assert is_logged_in(phone)


def test_the_account_page_lists_sessions_and_ends_another_one(app: Flask) -> None:
    laptop, phone = app.test_client(), app.test_client()
    signup(laptop)
    phone.environ_base["HTTP_USER_AGENT"] = IPHONE
    login(phone)
    page = laptop.get("/account/").get_data(as_text=True)
    assert "this device" in page and "Mobile Safari on iOS" in page
    ids = re.findall(r'action="/account/sessions/(\d+)/end"', page)
    assert len(ids) == 1  # the current session is ended with "Log out", not from the list
    assert laptop.post(f"/account/sessions/{ids[0]}/end").status_code == 302
    assert is_logged_in(laptop) and not is_logged_in(phone)
    # Another account's session id is not ours to end.
    other = app.test_client()
    signup(other, "bo@example.org", "Bo")
    with app.app_context():
        theirs = get_session().scalar(select(func.max(LoginSession.id)))
    assert laptop.post(f"/account/sessions/{theirs}/end").status_code == 404
    assert is_logged_in(other)


def test_changing_the_password_ends_every_other_session(app: Flask) -> None:
    laptop, phone = app.test_client(), app.test_client()
    signup(laptop)
    login(phone)
    thief = copy_of(laptop, app)
    wrong = laptop.post(
        "/account/password", data={"current_password": "not it at all", "new_password": "x" * 9}
    )
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    assert is_logged_in(phone)
    changed = laptop.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert is_logged_in(laptop)
    assert not is_logged_in(phone) and not is_logged_in(thief)
    assert session_count(app) == 1
    old = phone.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert old.status_code == 422
    new = phone.post("/login", data={"email": "ada@example.org", "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_an_idle_session_expires_on_the_server(app: Flask) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = 3600
    client = app.test_client()
    signup(client)
    with app.app_context():
        row = get_session().scalar(select(LoginSession))
        assert row is not None
        row.last_seen_at = row.last_seen_at.replace(year=row.last_seen_at.year - 1)
        get_session().commit()
    assert not is_logged_in(client)
    assert session_count(app) == 0


def test_an_admin_sets_a_forgotten_password_and_every_session_ends(app: Flask) -> None:
    laptop = app.test_client()
    signup(laptop)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["user", "password", "Ada@example.org"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "1 session ended" in result.output
    assert not is_logged_in(laptop)
    login_with_new = laptop.post(
        "/login", data={"email": "ada@example.org", "password": NEW_PASSWORD}
    )
    assert login_with_new.status_code == 302
    missing = runner.invoke(args=["user", "password", "nobody@example.org", "--password", "x" * 9])
    assert missing.exit_code != 0 and "No account" in missing.output
    short = runner.invoke(args=["user", "password", "ada@example.org", "--password", "short"])
    assert short.exit_code != 0 and "at least 8" in short.output
