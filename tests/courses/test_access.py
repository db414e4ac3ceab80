"""Everything course-scoped is the course's business: for every route of a course (pages and
API, read from the URL map so a new route is covered the day it is added), an outsider (the
instructor or a student of another course) gets 404, and a student of the course gets 404 for
what only its staff see. The staff open every page."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask

from quizsvc.progress.courses import CourseRole
from tests.courses.helpers import (
    Person,
    enroll,
    finish,
    make_assessment,
    make_course,
    person,
    start,
)

# Routes a student of the course may use (their course, its assessments, starting one).
STUDENT_ROUTES = {
    "courses.course",
    "courses.assessment",
    "courses.start",
    "api.get_course",
    "api.get_assessment",
    "api.start_assessment",
}
# Routes not scoped to one course (checked elsewhere: test_people, test_assessments).
UNSCOPED = {
    "courses.index",
    "courses.join_by_code",
    "courses.join_by_invite",
    "courses.attempt_home",
    "api.list_courses",
    "api.create_course",
    "api.join_course",
}


@dataclass
class World:
    owner: Person
    ta: Person
    student: Person
    other_instructor: Person
    other_student: Person
    ids: dict[str, int]


@pytest.fixture
def world(app: Flask) -> World:
    owner = person(app, "ada@example.org", instructor=True)
    ta = person(app, "tom@example.org")
    student = person(app, "bob@example.org")
    other_instructor = person(app, "eve@example.org", instructor=True)
    other_student = person(app, "mal@example.org")
    course_id = make_course(app, owner)
    enroll(app, course_id, ta, CourseRole.TA)
    enroll(app, course_id, student)
    other = make_course(app, other_instructor, "Another course")
    enroll(app, other, other_student)
    assessment_id = make_assessment(app, owner, course_id)
    attempt_id = start(student, course_id, assessment_id)
    finish(student, attempt_id)
    ids = {
        "course_id": course_id,
        "assessment_id": assessment_id,
        "attempt_id": attempt_id,
        "user_id": student.id,
    }
    return World(owner, ta, student, other_instructor, other_student, ids)


def scoped_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every course-scoped route."""
    found = []
    for rule in app.url_map.iter_rules():
        if "<int:course_id>" not in rule.rule or rule.endpoint in UNSCOPED:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return found


def _url(rule: str, ids: dict[str, int]) -> str:
    return re.sub(r"<int:([a-z_]+)>", lambda m: str(ids[m.group(1)]), rule)


def _call(who: Person, method: str, url: str) -> int:
    headers = {"Authorization": f"Bearer {who.token}"} if url.startswith("/api/") else {}
    return who.client.open(url, method=method, headers=headers, data={}).status_code


def test_the_course_routes_are_the_ones_expected(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _, _ in scoped_routes(app)}
    assert endpoints >= STUDENT_ROUTES
    assert len(endpoints) >= 20


def test_outsiders_get_404_on_every_course_route(app: Flask, world: World) -> None:
    for outsider in (world.other_instructor, world.other_student):
        for endpoint, method, rule in scoped_routes(app):
            status = _call(outsider, method, _url(rule, world.ids))
            assert status == 404, (outsider.email, endpoint, method, status)


def test_a_student_gets_404_on_every_staff_route(app: Flask, world: World) -> None:
    for endpoint, method, rule in scoped_routes(app):
        if endpoint in STUDENT_ROUTES:
            continue
        status = _call(world.student, method, _url(rule, world.ids))
        assert status == 404, (endpoint, method, status)


def test_the_staff_open_every_page_and_a_ta_changes_nothing(app: Flask, world: World) -> None:
    for endpoint, method, rule in scoped_routes(app):
        url = _url(rule, world.ids)
        if method == "GET" and endpoint != "courses.start":
            assert _call(world.owner, "GET", url) == 200, endpoint
            ta_status = _call(world.ta, "GET", url)
            instructor_only = endpoint in {
                "courses.settings",
                "courses.new_assessment",
                "courses.edit_assessment",
                "courses.regrade_assessment",
            }
            assert ta_status == (403 if instructor_only else 200), (endpoint, ta_status)
        elif endpoint not in STUDENT_ROUTES:
            assert _call(world.ta, method, url) == 403, endpoint
