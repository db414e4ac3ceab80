"""Instructor pages need the instructor role: visitors log in, students and guests get 403."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.instructor.helpers import STUDENT, make_user
from tests.support.site import page
from tests.web.helpers import login

PAGES = [
    "/instructor/",
    "/instructor/content",
    "/instructor/templates/web-sigmoid-bound?seed=1",
    "/instructor/analytics",
    "/instructor/analytics/lessons/web-facts",
    "/instructor/analytics/templates/web-sigmoid-bound",
    "/instructor/analytics/items.csv",
    "/instructor/analytics/templates/web-sigmoid-bound/answers.csv",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_visitor_is_sent_to_log_in(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("url", PAGES)
def test_a_student_gets_403_with_the_way_to_an_instructor_account(
    app: Flask, client: FlaskClient, url: str
) -> None:
    make_user(app, STUDENT)
    login(client, STUDENT)
    html = page(client, url, 403)
    assert "quizsvc user role EMAIL instructor" in html


def test_a_guest_gets_403(client: FlaskClient) -> None:
    assert client.post("/guest").status_code == 302
    assert client.get("/instructor/content").status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_an_instructor_opens_every_page(instructor: FlaskClient, url: str) -> None:
    response = instructor.get(url)
    assert response.status_code == 200, url
    if url.endswith(".csv"):
        assert response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]


def test_only_instructors_see_the_nav_link(app: Flask, client: FlaskClient) -> None:
    make_user(app, STUDENT)
    login(client, STUDENT)
    assert 'href="/instructor/"' not in page(client, "/")
    client.post("/logout")
    make_user(app, "prof@example.org", instructor=True)
    login(client, "prof@example.org")
    assert 'href="/instructor/"' in page(client, "/")
