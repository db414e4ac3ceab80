"""Pools warm up for a class before its assessment opens: the periodic reconcile raises the
targets of the templates of an assessment opening within the lead time to the class's draws,
and fills them; an assessment that opened already, or opens later, raises nothing."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from quizsvc.db import get_session
from quizsvc.jobs import jobs_of
from quizsvc.progress.courses import SeedPolicy
from quizsvc.progress.models import Attempt, utcnow
from quizsvc.services import accounts, catalog, pools
from quizsvc.services.courses import pool_warmup
from tests.courses.helpers import LESSON, Person, change, enroll, make_assessment, make_course
from tests.courses.helpers import person as make_person
from tests.support.site import TEST_HASH_METHOD

STUDENTS = 4


def class_of(app: Flask, students: int = STUDENTS) -> int:
    """A course of `students` students (and its instructor); returns its id."""
    owner = make_person(app, "prof@example.org", instructor=True)
    course_id = make_course(app, owner)
    for n in range(students):
        with app.app_context():
            user = accounts.create_user(
                f"student{n}@example.org", "pass-word-1", hash_method=TEST_HASH_METHOD
            )
            student = Person(user.id, user.email, app.test_client(), "")
        enroll(app, course_id, student)
    app.config["OWNER"] = owner  # the tests below add assessments as this instructor
    return course_id


def scheduled(app: Flask, course_id: int, opens_in: timedelta, **settings: object) -> int:
    assessment_id = make_assessment(app, app.config["OWNER"], course_id, **settings)
    change(app, assessment_id, opens_at=utcnow() + opens_in)
    return assessment_id


def depths(app: Flask) -> dict[str, tuple[int, int]]:
    """Template id -> (ready, target) of the lesson's pools, as `pool status` shows them."""
    from quizsvc.jobs.queue import pool_targets

    with app.app_context():
        return {
            d.template_id: (d.ready, d.target) for d in pools.status(0, LESSON, pool_targets(app))
        }


def test_an_assessment_about_to_open_fills_its_templates_for_the_class(app: Flask) -> None:
    course_id = class_of(app)
    scheduled(app, course_id, timedelta(minutes=10))  # 3 questions of the lesson's 3
    with app.app_context():
        templates = [t.id for t in catalog.lesson(LESSON).questions]
    assert set(depths(app).values()) == {(0, STUDENTS)}  # targets raised, pools still empty
    with app.app_context():
        asked = jobs_of(app).reconcile_pools()  # the periodic task (jobs run in place here)
    assert asked is not None
    assert depths(app) == {t: (STUDENTS, STUDENTS) for t in templates}
    with app.app_context():
        assert jobs_of(app)._reconcile() == 0  # idempotent: full pools ask for nothing more
    assert depths(app) == {t: (STUDENTS, STUDENTS) for t in templates}


def test_past_far_future_and_shared_seed_assessments_raise_nothing(app: Flask) -> None:
    course_id = class_of(app)
    scheduled(app, course_id, -timedelta(minutes=5))  # opened already
    scheduled(app, course_id, timedelta(days=2))  # far beyond the lead time
    scheduled(app, course_id, timedelta(minutes=5), seeds=SeedPolicy.SHARED)
    assert set(depths(app).values()) == {(0, 0)}
    with app.app_context():
        assert jobs_of(app)._reconcile() == 0
    assert set(depths(app).values()) == {(0, 0)}


def test_the_lead_time_and_the_cap_come_from_config(app: Flask) -> None:
    course_id = class_of(app)
    scheduled(app, course_id, timedelta(minutes=45))
    assert set(depths(app).values()) == {(0, 0)}  # beyond the default 30 minutes
    app.config["POOL_LEAD_MINUTES"] = 60
    assert set(depths(app).values()) == {(0, STUDENTS)}
    app.config["POOL_CLASS_MAX"] = 2
    assert set(depths(app).values()) == {(0, 2)}


def test_targets_follow_the_share_of_students_drawing_a_template(app: Flask) -> None:
    course_id = class_of(app)
    scheduled(app, course_id, timedelta(minutes=5), question_count=1)  # one of three templates
    scheduled(app, course_id, timedelta(minutes=20), question_count=1)  # they add up
    one = pool_warmup.expected_draws(STUDENTS, 1, 3)
    assert 0 < one < STUDENTS
    assert set(depths(app).values()) == {(0, 2 * one)}
    with app.app_context():
        classes = pool_warmup.class_targets(utcnow(), timedelta(minutes=30), 500)
    assert {len(c.reasons) for c in classes.values()} == {2}
    assert all("4 students, 1 of 3 templates" in r for c in classes.values() for r in c.reasons)


def test_expected_draws() -> None:
    assert pool_warmup.expected_draws(60, 10, 10) == 60  # everyone draws every template
    assert pool_warmup.expected_draws(60, 20, 10) == 60
    assert pool_warmup.expected_draws(0, 10, 10) == 0
    assert pool_warmup.expected_draws(100, 1, 4) == 25 + 5  # mean + one standard deviation
    assert pool_warmup.expected_draws(60, 3, 0) == 0


def test_pool_status_names_the_assessment_behind_a_raised_target(app: Flask) -> None:
    course_id = class_of(app)
    scheduled(app, course_id, timedelta(minutes=10), title="Midterm")
    result = app.test_cli_runner().invoke(args=["pool", "status", "--lesson", LESSON])
    assert result.exit_code == 0, result.output
    assert "for assessment" in result.output and "'Midterm' opens" in result.output
    assert f"{STUDENTS} students, 3 of 3 templates" in result.output
    with app.app_context():
        templates = {t.id for t in catalog.lesson(LESSON).questions}
    rows = [line.split() for line in result.output.splitlines()]
    rows = [row for row in rows if row and row[0] in templates]
    assert len(rows) == len(templates) and all(
        row[1:4] == ["0", "0", str(STUDENTS)] for row in rows
    )
    assert "QUIZSVC_POOL_LEAD_MINUTES" in result.output


def test_a_shared_seed_assessment_never_takes_pooled_variants(app: Flask) -> None:
    from tests.courses.helpers import start

    owner = make_person(app, "prof@example.org", instructor=True)
    course_id = make_course(app, owner)
    students = [make_person(app, f"s{n}@example.org") for n in range(2)]
    for student in students:
        enroll(app, course_id, student)
    with app.app_context():
        for template in catalog.lesson(LESSON).questions:
            pools.fill(template.id, 2)
    shared = make_assessment(app, owner, course_id, seeds=SeedPolicy.SHARED)
    seeds = []
    for student in students:
        attempt_id = start(student, course_id, shared)
        with app.app_context():
            seeds.append([q.seed for q in get_session().get(Attempt, attempt_id).questions])
    assert seeds[0] == seeds[1]  # the class shares its variants ...
    assert set(depths(app).values()) == {(2, 0)}  # ... and the pools were left alone
