"""Sign-up, log-in, log-out, guests who sign up or log in, and the `quizsvc user` command."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from quizsvc.db import get_session
from quizsvc.progress.models import ApiToken, Role, User
from tests.web.helpers import PASSWORD, attempt_row, login, signup, start


def user_by_email(app: Flask, email: str) -> User | None:
    with app.app_context():
        return get_session().scalar(select(User).where(User.email == email))


def test_sign_up_stores_a_password_hash_and_logs_in(client: FlaskClient, app: Flask) -> None:
    signup(client, "Ada@Example.org ", name="Ada")
    user = user_by_email(app, "ada@example.org")
    assert user is not None and user.role is Role.STUDENT and not user.is_guest
    assert user.password_hash and PASSWORD not in user.password_hash
    assert check_password_hash(user.password_hash, PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert "Ada" in page and "Log out" in page


def test_sign_up_explains_what_is_wrong(client: FlaskClient) -> None:
    signup(client)
    client.post("/logout")
    taken = client.post("/signup", data={"email": "ada@example.org", "password": PASSWORD})
    assert taken.status_code == 422
    assert "could not create an account with this email" in taken.get_data(as_text=True)
    bad = client.post("/signup", data={"email": "not-an-email", "password": PASSWORD})
    assert bad.status_code == 422 and "Enter an email address" in bad.get_data(as_text=True)
    short = client.post("/signup", data={"email": "bo@example.org", "password": "short"})
    assert short.status_code == 422
    assert 'aria-invalid="true"' in short.get_data(as_text=True)


def test_log_in_and_out(client: FlaskClient) -> None:
    signup(client)
    assert client.post("/logout").status_code == 302
    assert client.get("/history").status_code == 302  # back to the log-in page
    wrong = client.post("/login", data={"email": "ada@example.org", "password": "nope-nope"})
    assert wrong.status_code == 422
    assert "not right" in wrong.get_data(as_text=True)
    unknown = client.post("/login", data={"email": "who@example.org", "password": PASSWORD})
    assert unknown.status_code == 422
    login(client)
    assert client.get("/history").status_code == 200


def test_log_in_returns_to_a_local_next_page_only(client: FlaskClient) -> None:
    signup(client)
    client.post("/logout")
    data = {"email": "ada@example.org", "password": PASSWORD}
    local = client.post("/login?next=/history", data=data)
    assert local.headers["Location"] == "/history"
    client.post("/logout")
    elsewhere = client.post("/login?next=https://evil.example/", data=data)
    assert elsewhere.headers["Location"] == "/"


def test_a_guest_who_signs_up_keeps_their_attempts(client: FlaskClient, app: Flask) -> None:
    attempt_id = start(client)  # no account: a guest is created on the spot
    guest_id = attempt_row(app, attempt_id).user_id
    with app.app_context():
        assert get_session().get(User, guest_id).is_guest  # type: ignore[union-attr]
    assert "practising as a guest" in client.get("/").get_data(as_text=True)
    signup(client, "guest@example.org")
    user = user_by_email(app, "guest@example.org")
    assert user is not None and user.id == guest_id and not user.is_guest
    assert client.get(f"/attempts/{attempt_id}/questions/1").status_code == 200


def test_a_guest_who_logs_in_brings_their_attempts(client: FlaskClient, app: Flask) -> None:
    signup(client, "owner@example.org")
    client.post("/logout")
    attempt_id = start(client)
    login(client, "owner@example.org")
    owner = user_by_email(app, "owner@example.org")
    assert owner is not None and attempt_row(app, attempt_id).user_id == owner.id
    with app.app_context():
        guests = get_session().scalar(select(func.count()).where(User.is_guest.is_(True)))
    assert guests == 0
    assert client.get(f"/attempts/{attempt_id}/questions/1").status_code == 200


def test_user_create_command_makes_instructors(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(args=["user", "create", "prof@example.org", "--instructor",
                                 "--password", PASSWORD])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "created instructor prof@example.org" in result.output
    user = user_by_email(app, "prof@example.org")
    assert user is not None and user.role is Role.INSTRUCTOR
    again = runner.invoke(args=["user", "create", "prof@example.org", "--password", PASSWORD])
    assert again.exit_code != 0 and "exists already" in again.output
    demoted = runner.invoke(args=["user", "role", "prof@example.org", "student"])
    assert demoted.exit_code == 0 and "now student" in demoted.output
    missing = runner.invoke(args=["user", "role", "nobody@example.org", "student"])
    assert missing.exit_code != 0 and "No account" in missing.output


def test_user_create_prompts_for_the_password(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(
        args=["user", "create", "kid@example.org"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert user_by_email(app, "kid@example.org") is not None


def test_tokens_are_shown_once_listed_and_revoked(client: FlaskClient, app: Flask) -> None:
    start(client)  # a guest first: guests have no account page
    assert client.get("/account/").headers["Location"].endswith("/signup")
    signup(client)
    created = client.post("/account/tokens", data={"name": "my notebook"})
    assert created.status_code == 201
    html = created.get_data(as_text=True)
    token = re.search(r"<code>(qz_[^<]+)</code>", html)
    assert token is not None and "shown only once" in html
    listed = client.get("/account/").get_data(as_text=True)
    assert "my notebook" in listed and token.group(1) not in listed
    headers = {"Authorization": f"Bearer {token.group(1)}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with app.app_context():
        token_id = get_session().scalar(select(ApiToken.id))
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.post("/account/tokens", data={"name": ""}).status_code == 422
