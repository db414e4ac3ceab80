"""Assessments: students see them with status and take them on the quiz pages; the window,
the attempt count and the deadline are enforced on the server; accommodations; seeds; release
of results and keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.courses import Assessment, AssessmentMode, Release, SeedPolicy
from quizsvc.progress.models import Attempt, AttemptQuestion, utcnow
from tests.courses.helpers import (
    LESSON,
    Person,
    answer_all,
    change,
    enroll,
    finish,
    hours,
    make_assessment,
    make_course,
    person,
    start,
)
from tests.web.helpers import correct_response, form_data, variant_of


@pytest.fixture
def ada(app: Flask) -> Person:
    return person(app, "ada@example.org", instructor=True)


@pytest.fixture
def bob(app: Flask) -> Person:
    return person(app, "bob@example.org", name="Bob")


@pytest.fixture
def course_id(app: Flask, ada: Person, bob: Person) -> int:
    course_id = make_course(app, ada)
    enroll(app, course_id, bob)
    return course_id


def _attempt(app: Flask, attempt_id: int) -> Attempt:
    with app.app_context():
        found = get_session().get(Attempt, attempt_id)
        assert found is not None
        return found


def _seeds(app: Flask, attempt_id: int) -> list[tuple[str, int]]:
    with app.app_context():
        rows = get_session().scalars(
            select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)
        )
        return sorted((q.template_id, q.seed) for q in rows)


def test_an_instructor_builds_an_assessment_in_the_course_time_zone(
    app: Flask, ada: Person, course_id: int
) -> None:
    response = ada.client.post(
        f"/courses/{course_id}/assessments/new",
        data={
            "title": "Midterm",
            "lessons": [],
            "objectives": [f"{LESSON}/sigmoid-peak"],
            "templates": ["web-bounded"],
            "question_count": "2",
            "mode": "exam",
            "time_limit": "30",
            "opens_at": "2027-03-01T09:00",
            "closes_at": "2027-03-01T11:00",
            "attempts_allowed": "2",
            "seeds": "shared",
            "release": "after_close",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    html = ada.client.get(response.headers["Location"]).get_data(as_text=True)
    # Athens is UTC+2 in March: 09:00 local is stored as 07:00 UTC and shown as 09:00 EET.
    assert "Mon 01 Mar 2027, 09:00 EET" in html and "2 drawn from 2" in html
    with app.app_context():
        stored = get_session().scalars(select(Assessment)).one()
        assert stored.opens_at is not None and stored.opens_at.hour == 7
        assert stored.time_limit_s == 1800 and stored.seeds is SeedPolicy.SHARED


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lessons": []}, "Choose lessons, objectives or questions that have questions."),
        ({"question_count": "0"}, "An assessment has 1 to 20 questions."),
        ({"mode": "drill", "time_limit": ""}, "A timed drill needs a time limit."),
        (
            {"closes_at": "2027-01-01T09:00", "opens_at": "2027-01-02T09:00"},
            "must close after it opens",
        ),
        ({"release": "after_close", "closes_at": ""}, "need a closing time"),
        ({"opens_at": "next tuesday"}, "Give times as YYYY-MM-DDTHH:MM"),
        ({"question_count": "٣"}, "Enter a whole number of questions."),
    ],
)
def test_a_bad_assessment_is_refused_with_what_to_fix(
    app: Flask, ada: Person, course_id: int, fields: dict[str, str], message: str
) -> None:
    data = {
        "title": "Q",
        "lessons": [LESSON],
        "question_count": "3",
        "mode": "exam",
        "seeds": "per_student",
        "release": "immediately",
        **fields,
    }
    response = ada.client.post(f"/courses/{course_id}/assessments/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_student_sees_status_takes_it_on_the_quiz_pages_and_sees_the_score(
    app: Flask, ada: Person, bob: Person, course_id: int
) -> None:
    assessment_id = make_assessment(app, ada, course_id, title="Quiz Σ")
    home = bob.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Quiz Σ" in home and "not started" in home
    attempt_id = start(bob, course_id, assessment_id)
    assert "in progress" in bob.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert start(bob, course_id, assessment_id) == attempt_id  # resumes, does not start anew
    answer_all(app, bob, attempt_id)
    assert finish(bob, attempt_id) == f"/attempts/{attempt_id}/review"
    review = bob.client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Review: Quiz Σ" in review and "100 %" in review
    home = bob.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "submitted" in home and "100 %" in home


def test_refusals_before_opening_after_closing_and_beyond_the_attempts(
    app: Flask, ada: Person, bob: Person, course_id: int
) -> None:
    assessment_id = make_assessment(
        app, ada, course_id, attempts_allowed=1, opens_at=hours(2), closes_at=hours(4)
    )
    url = f"/courses/{course_id}/assessments/{assessment_id}"
    refused = bob.client.post(f"{url}/start", follow_redirects=True).get_data(as_text=True)
    assert "Quiz 1 opens on" in refused
    change(app, assessment_id, opens_at=hours(-1))
    attempt_id = start(bob, course_id, assessment_id)
    finish(bob, attempt_id)
    refused = bob.client.post(f"{url}/start", follow_redirects=True).get_data(as_text=True)
    assert "You have used all 1 attempt of Quiz 1." in refused
    change(app, assessment_id, attempts_allowed=3, closes_at=hours(-0.5))
    refused = bob.client.post(f"{url}/start", follow_redirects=True).get_data(as_text=True)
    assert "Quiz 1 closed on" in refused
    # The API refuses the same start with the same words.
    api = bob.client.post(
        f"/api/v1/courses/{course_id}/assessments/{assessment_id}/attempts",
        headers={"Authorization": f"Bearer {bob.token}"},
    )
    assert api.status_code == 409 and "closed on" in api.get_json()["error"]["message"]


def test_an_answer_after_the_deadline_meets_a_graded_attempt(
    app: Flask, ada: Person, bob: Person, course_id: int
) -> None:
    assessment_id = make_assessment(app, ada, course_id, closes_at=hours(1))
    attempt_id = start(bob, course_id, assessment_id)
    attempt = _attempt(app, attempt_id)
    deadline = attempt.deadline()
    assert deadline is not None and abs(deadline - hours(1)) < timedelta(seconds=5)
    # The class's close passes while Bob is working.
    with app.app_context():
        stored = get_session().get(Attempt, attempt_id)
        assert stored is not None
        stored.started_at = utcnow() - timedelta(hours=2)
        stored.time_limit_s = 3600
        get_session().commit()
    variant = variant_of(app, attempt_id, 1)
    api = bob.client.post(
        f"/api/v1/attempts/{attempt_id}/questions/1/answer",
        json={"response": correct_response(variant)},
        headers={"Authorization": f"Bearer {bob.token}"},
    )
    assert api.status_code == 409 and "Time is up" in api.get_json()["error"]["message"]
    late = bob.client.post(
        f"/attempts/{attempt_id}/questions/1",
        data=form_data(variant, correct_response(variant)),
        follow_redirects=True,
    )
    assert "This attempt is finished" in late.get_data(as_text=True)
    assert _attempt(app, attempt_id).finished and _attempt(app, attempt_id).score == 0


def test_accommodations_stretch_the_time_limit_and_the_close(
    app: Flask, ada: Person, bob: Person, course_id: int
) -> None:
    carol = person(app, "carol@example.org")
    enroll(app, course_id, carol)
    assessment_id = make_assessment(
        app, ada, course_id, mode=AssessmentMode.DRILL, time_limit_minutes=20, closes_at=hours(-1)
    )
    url = f"/courses/{course_id}/assessments/{assessment_id}"
    response = ada.client.post(
        f"{url}/accommodations",
        data={
            "student": str(bob.id),
            "time_factor": "1,5",
            "extra_minutes": "10",
            "closes_at": (utcnow() + timedelta(days=1)).astimezone().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    page = ada.client.get(url).get_data(as_text=True)
    assert "× 1.5" in page and "40 min" in page
    # Bob may still start, with 20 × 1.5 + 10 minutes; Carol's window has closed.
    attempt_id = start(bob, course_id, assessment_id)
    assert _attempt(app, attempt_id).time_limit_s == 40 * 60
    refused = carol.client.post(f"{url}/start", follow_redirects=True).get_data(as_text=True)
    assert "closed on" in refused
    bad = ada.client.post(
        f"{url}/accommodations",
        data={"student": str(bob.id), "time_factor": "9"},
        follow_redirects=True,
    )
    assert "The time factor is between 1 and 4" in bad.get_data(as_text=True)


def test_shared_seeds_give_the_class_the_same_variants_and_own_seeds_do_not(
    app: Flask, ada: Person, bob: Person, course_id: int
) -> None:
    carol = person(app, "carol@example.org")
    enroll(app, course_id, carol)
    shared = make_assessment(app, ada, course_id, seeds=SeedPolicy.SHARED, question_count=2)
    own = make_assessment(app, ada, course_id, question_count=3)
    assert _seeds(app, start(bob, course_id, shared)) == _seeds(
        app, start(carol, course_id, shared)
    )
    assert _seeds(app, start(bob, course_id, own)) != _seeds(app, start(carol, course_id, own))


@pytest.mark.parametrize("release", [Release.AFTER_CLOSE, Release.NEVER])
def test_withheld_results_show_no_keys_or_score_until_released(
    app: Flask, ada: Person, bob: Person, course_id: int, release: Release
) -> None:
    assessment_id = make_assessment(
        app, ada, course_id, release=release, closes_at=hours(3), mode=AssessmentMode.PRACTICE
    )
    attempt_id = start(bob, course_id, assessment_id)
    answer_all(app, bob, attempt_id)
    question = bob.client.get(f"/attempts/{attempt_id}/questions/1").get_data(as_text=True)
    assert "Correct answer" not in question and "Answer saved" in question
    finish(bob, attempt_id)
    review = bob.client.get(f"/attempts/{attempt_id}/review")
    assert review.status_code == 302
    assert review.headers["Location"] == f"/courses/attempts/{attempt_id}"
    page = bob.client.get(review.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "submitted" in page and "100 %" not in page and "Your answers are submitted" in page
    history = bob.client.get("/history").get_data(as_text=True)
    assert "Quiz 1" in history and "100 %" not in history
    api = bob.client.get(
        f"/api/v1/attempts/{attempt_id}", headers={"Authorization": f"Bearer {bob.token}"}
    ).get_json()
    assert api["score"] is None and all(q["correct"] is None for q in api["questions"])
    assert (
        bob.client.get(
            f"/api/v1/attempts/{attempt_id}/review",
            headers={"Authorization": f"Bearer {bob.token}"},
        ).status_code
        == 409
    )
    # Staff see the score and the keys whatever students are shown.
    staff = ada.client.get(f"/courses/{course_id}/attempts/{attempt_id}").get_data(as_text=True)
    assert "100 %" in staff and "Correct answer" in staff
    change(app, assessment_id, closes_at=hours(-1))
    review = bob.client.get(f"/attempts/{attempt_id}/review")
    assert review.status_code == (200 if release is Release.AFTER_CLOSE else 302)


@pytest.mark.parametrize(
    ("release", "tries"), [(Release.IMMEDIATELY, 3), (Release.AFTER_CLOSE, 1), (Release.NEVER, 1)]
)
def test_a_wrong_practice_try_is_not_told_while_results_are_withheld(
    app: Flask, ada: Person, bob: Person, course_id: int, release: Release, tries: int
) -> None:
    assessment_id = make_assessment(
        app, ada, course_id, release=release, closes_at=hours(3), mode=AssessmentMode.PRACTICE
    )
    attempt_id = start(bob, course_id, assessment_id)
    with app.app_context():
        attempt = get_session().get(Attempt, attempt_id)
        assert attempt is not None and attempt.tries == tries
    answer_all(app, bob, attempt_id, right=False)
    question = bob.client.get(f"/attempts/{attempt_id}/questions/1").get_data(as_text=True)
    assert ("try again" in question) is (release is Release.IMMEDIATELY)
