"""Junk that used to reach the database or the JSON parser and come back as a 500: each one is a
clear 4xx now, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.conftest import make_token
from tests.web.helpers import LESSON, PASSWORD, signup

# 2**31 overflows PostgreSQL's integer, 2**63 SQLite's, 10**30 both.
HUGE_IDS = [2**31, 2**63, 10**30]


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> FlaskClient:
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {make_token(app, 'api@example.org')}"
    return client


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_ids_beyond_a_database_integer_are_not_found(
    client: FlaskClient, app: Flask, huge: int
) -> None:
    signup(client)
    token = make_token(app, "api@example.org")
    pages = [
        f"/attempts/{huge}",
        f"/attempts/{huge}/review",
        f"/attempts/1/questions/{huge}",
    ]
    for url in pages:
        assert client.get(url).status_code == 404, url
    posts = [f"/attempts/{huge}/finish", f"/account/tokens/{huge}/revoke"]
    for url in posts:
        assert client.post(url).status_code == 404, url
    bearer = {"Authorization": f"Bearer {token}"}
    api_gets = [
        f"/api/v1/attempts/{huge}",
        f"/api/v1/attempts/{huge}/review",
        f"/api/v1/attempts/1/questions/{huge}",
        f"/api/v1/attempts/1/questions/1/figures/{huge}",
    ]
    for url in api_gets:
        response = client.get(url, headers=bearer)
        assert response.status_code == 404, url
        assert response.get_json()["error"]["code"] == 404
    answer = client.post(
        f"/api/v1/attempts/{huge}/questions/1/answer", json={"response": "1"}, headers=bearer
    )
    assert answer.status_code == 404


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_huge_numbers_in_json_are_refused_with_a_reason(api: FlaskClient, huge: int) -> None:
    for drill in ({"count": huge}, {"minutes": huge}, {"count": -huge}):
        response = api.post("/api/v1/attempts", json={"drill": drill})
        assert response.status_code == 422, drill
        assert response.get_json()["error"]["message"]


def test_nul_characters_in_text_fields_are_refused(client: FlaskClient, app: Flask) -> None:
    for fields in (
        {"email": "ada\x00@example.org", "password": PASSWORD, "display_name": "Ada"},
        {"email": "ada@example.org", "password": PASSWORD, "display_name": "A\x00da"},
    ):
        response = client.post("/signup", data=fields, headers={"Accept": "text/html"})
        assert response.status_code == 400, fields
        assert "NUL" in response.get_data(as_text=True)
    login = client.post("/login", data={"email": "a\x00@example.org", "password": PASSWORD})
    assert login.status_code == 400
    signup(client)
    token = client.post("/account/tokens", data={"name": "lap\x00top"})
    assert token.status_code == 400
    assert client.get("/history?page=\x00").status_code == 400
    objective = client.get(f"/dashboard/objectives/{LESSON}/read\x00norms")
    assert objective.status_code == 400


@pytest.mark.parametrize("mode", [{"a": 1}, ["exam"], 3, None, True])
def test_an_api_mode_that_is_not_a_string_is_refused(api: FlaskClient, mode: object) -> None:
    response = api.post("/api/v1/attempts", json={"lesson_id": LESSON, "mode": mode})
    assert response.status_code == 422
    assert "mode" in response.get_json()["error"]["message"]


def test_json_nested_100000_deep_is_refused(api: FlaskClient) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    for url in ("/api/v1/attempts", "/api/v1/attempts/1/questions/1/answer"):
        response = api.post(url, data=deep, content_type="application/json")
        assert response.status_code == 400, url
        assert "nested" in response.get_json()["error"]["message"]
    wrapped = '{"response": ' + deep + "}"
    response = api.post(
        "/api/v1/attempts/1/questions/1/answer", data=wrapped, content_type="application/json"
    )
    assert response.status_code == 400
