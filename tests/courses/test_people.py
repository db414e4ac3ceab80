"""Courses and people: create, join by code or link (guests sign up first and keep their
work), roles, removing a student, adding a co-instructor or a TA by email."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.courses import Course, CourseRole, Membership
from quizsvc.progress.models import Attempt
from tests.courses.helpers import enroll, make_course, person
from tests.web.helpers import signup, start


def _course(app: Flask, course_id: int) -> tuple[str, str]:
    with app.app_context():
        course = get_session().get(Course, course_id)
        assert course is not None
        return course.join_code, course.invite_token


def _roles(app: Flask, course_id: int) -> dict[int, str]:
    with app.app_context():
        rows = get_session().scalars(select(Membership).where(Membership.course_id == course_id))
        return {m.user_id: m.role.value for m in rows}


def test_an_instructor_creates_a_course_and_sees_its_code_and_link(app: Flask) -> None:
    ada = person(app, "ada@example.org", instructor=True)
    response = ada.client.post(
        "/courses",
        data={"title": "Training deep nets", "term": "Spring", "timezone": "Europe/Athens"},
    )
    assert response.status_code == 302
    course_id = int(response.headers["Location"].rsplit("/", 1)[1])
    code, token = _course(app, course_id)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", code)
    html = ada.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert code in html and f"/join/{token}" in html and "Europe/Athens" in html
    assert _roles(app, course_id) == {ada.id: "instructor"}


def test_a_bad_time_zone_or_no_title_is_refused_with_a_message(app: Flask) -> None:
    ada = person(app, "ada@example.org", instructor=True)
    response = ada.client.post("/courses", data={"title": "X", "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "Choose a time zone such as Europe/Athens" in response.get_data(as_text=True)
    response = ada.client.post("/courses", data={"title": " ", "timezone": "UTC"})
    assert response.status_code == 422


def test_a_student_cannot_create_a_course(app: Flask) -> None:
    bob = person(app, "bob@example.org")
    assert bob.client.post("/courses", data={"title": "Mine", "timezone": "UTC"}).status_code == 403


def test_a_student_joins_by_code_typed_loosely(app: Flask) -> None:
    ada = person(app, "ada@example.org", instructor=True)
    bob = person(app, "bob@example.org")
    course_id = make_course(app, ada)
    code, _ = _course(app, course_id)
    loose = f" {code[:4].lower()}-{code[4:]} "
    response = bob.client.post("/join", data={"code": loose})
    assert response.status_code == 302 and response.headers["Location"] == f"/courses/{course_id}"
    assert _roles(app, course_id)[bob.id] == "student"
    bad = bob.client.post("/join", data={"code": "NOPE2345"})
    assert bad.status_code == 422 and "No course has this join code" in bad.get_data(as_text=True)


def test_a_guest_is_asked_to_sign_up_and_keeps_their_work(app: Flask) -> None:
    ada = person(app, "ada@example.org", instructor=True)
    course_id = make_course(app, ada)
    _, token = _course(app, course_id)
    guest = app.test_client()
    attempt_id = start(guest, "web-facts")  # a guest's practice
    page = guest.get(f"/join/{token}").get_data(as_text=True)
    assert "sign up" in page and "your guest work is kept" in page
    refused = guest.post(f"/join/{token}")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/signup?next=")
    signup(guest, "carol@example.org", "Carol")
    assert guest.post(f"/join/{token}").status_code == 302
    with app.app_context():
        attempt = get_session().get(Attempt, attempt_id)
        assert attempt is not None
        assert _roles(app, course_id)[attempt.user_id] == "student"


def test_joining_twice_keeps_the_role_and_an_old_code_stops_working(app: Flask) -> None:
    ada = person(app, "ada@example.org", instructor=True)
    course_id = make_course(app, ada)
    code, token = _course(app, course_id)
    assert ada.client.post(f"/join/{token}").status_code == 302
    assert _roles(app, course_id)[ada.id] == "instructor"
    assert ada.client.post(f"/courses/{course_id}/invite").status_code == 302
    assert _course(app, course_id)[0] != code
    assert ada.client.get(f"/join/{token}").status_code == 404


def test_an_instructor_adds_a_co_instructor_and_a_ta_by_email_and_removes_a_student(
    app: Flask,
) -> None:
    ada = person(app, "ada@example.org", instructor=True)
    bea = person(app, "bea@example.org")
    tom = person(app, "tom@example.org")
    bob = person(app, "bob@example.org")
    course_id = make_course(app, ada)
    enroll(app, course_id, bob)
    people = f"/courses/{course_id}/people"
    assert (
        ada.client.post(people, data={"email": "BEA@example.org", "role": "instructor"}).status_code
        == 302
    )
    assert (
        ada.client.post(people, data={"email": "tom@example.org", "role": "ta"}).status_code == 302
    )
    missing = ada.client.post(people, data={"email": "nobody@example.org", "role": "ta"})
    assert missing.status_code == 422 and "ask them to sign up first" in missing.get_data(
        as_text=True
    )
    assert _roles(app, course_id) == {
        ada.id: "instructor",
        bea.id: "instructor",
        tom.id: "ta",
        bob.id: "student",
    }
    # The co-instructor can change things; the TA sees the people but changes nothing.
    assert tom.client.get(people).status_code == 200
    assert tom.client.post(f"{people}/{bob.id}/remove").status_code == 403
    assert (
        tom.client.post(people, data={"email": "bob@example.org", "role": "ta"}).status_code == 403
    )
    assert bea.client.post(f"{people}/{bob.id}/remove").status_code == 302
    assert bob.id not in _roles(app, course_id)
    assert bob.client.get(f"/courses/{course_id}").status_code == 404


def test_the_last_instructor_stays(app: Flask) -> None:
    ada = person(app, "ada@example.org", instructor=True)
    course_id = make_course(app, ada)
    enroll(app, course_id, person(app, "tom@example.org"), CourseRole.TA)
    response = ada.client.post(
        f"/courses/{course_id}/people/{ada.id}/remove", follow_redirects=True
    )
    assert "keeps at least one instructor" in response.get_data(as_text=True)
    assert _roles(app, course_id)[ada.id] == "instructor"
