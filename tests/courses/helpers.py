"""Course tests' factories: people with logged-in clients, a course, an assessment.

Set-up goes through the services (fast, in one app context); what a test checks goes through
pages and the API, as people use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from quizsvc.db import get_session
from quizsvc.progress.courses import Assessment, Course, CourseRole
from quizsvc.progress.models import Role, User, utcnow
from quizsvc.services import accounts, courses, tokens
from tests.support.site import TEST_HASH_METHOD
from tests.web.helpers import (
    OTHER_LESSON,
    PASSWORD,
    correct_response,
    form_data,
    login,
    stored_questions,
    variant_of,
    wrong_response,
)

LESSON = OTHER_LESSON  # three questions that run no network: fast to generate


@dataclass
class Person:
    id: int
    email: str
    client: FlaskClient
    token: str


def person(app: Flask, email: str, *, instructor: bool = False, name: str = "") -> Person:
    with app.app_context():
        user = accounts.create_user(
            email,
            PASSWORD,
            hash_method=TEST_HASH_METHOD,
            role=Role.INSTRUCTOR if instructor else Role.STUDENT,
            display_name=name,
        )
        _, token = tokens.create_token(user, "tests")
        user_id = user.id
    client = app.test_client()
    login(client, email)
    return Person(user_id, email, client, token)


def user(app: Flask, person: Person) -> User:
    found = get_session().get(User, person.id)
    assert found is not None
    return found


def make_course(app: Flask, owner: Person, title: str = "Deep learning 101") -> int:
    with app.app_context():
        return courses.create_course(user(app, owner), title, "Spring 2027", "Europe/Athens").id


def enroll(
    app: Flask, course_id: int, someone: Person, role: CourseRole = CourseRole.STUDENT
) -> None:
    with app.app_context():
        course = get_session().get(Course, course_id)
        assert course is not None
        courses.enroll(course, user(app, someone), role)


def make_assessment(app: Flask, owner: Person, course_id: int, **settings: Any) -> int:
    spec = courses.AssessmentSpec(
        **{"title": "Quiz 1", "lesson_ids": [LESSON], "question_count": 3, **settings}
    )
    with app.app_context():
        return courses.create_assessment(user(app, owner), course_id, spec).id


def change(app: Flask, assessment_id: int, **values: Any) -> None:
    """Set columns of an assessment directly (e.g. a window that has already closed)."""
    with app.app_context():
        found = get_session().get(Assessment, assessment_id)
        assert found is not None
        for key, value in values.items():
            setattr(found, key, value)
        get_session().commit()


def hours(n: float) -> datetime:
    return utcnow() + timedelta(hours=n)


def start(student: Person, course_id: int, assessment_id: int) -> int:
    """Start (or resume) through the course page; the attempt id the quiz page opens."""
    response = student.client.post(f"/courses/{course_id}/assessments/{assessment_id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/attempts/(\d+)/questions/\d+$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def answer_all(app: Flask, student: Person, attempt_id: int, *, right: bool = True) -> None:
    count = len(stored_questions(app, attempt_id))
    for position in range(1, count + 1):
        variant = variant_of(app, attempt_id, position)
        response = correct_response(variant) if right else wrong_response(variant)
        reply = student.client.post(
            f"/attempts/{attempt_id}/questions/{position}", data=form_data(variant, response)
        )
        assert reply.status_code == 302, reply.get_data(as_text=True)


def finish(student: Person, attempt_id: int) -> str:
    response = student.client.post(f"/attempts/{attempt_id}/finish")
    assert response.status_code == 302
    return str(response.headers["Location"])
