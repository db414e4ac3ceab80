"""LTI launches into courses: the LMS context becomes a course (roles from the claim), a link's
custom parameters make its assessment, students take it under the course's rules and their
score reaches the line item; every refusal says why."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.jobs import jobs_of
from quizsvc.progress.courses import Assessment, AssessmentAttempt, Course, Membership, Release
from quizsvc.progress.lti import LtiAttempt, LtiContext, LtiLink
from quizsvc.progress.models import utcnow
from tests.lti.conftest import Tool
from tests.lti.helpers import answer_all_and_finish, attempt_of, eventually, passback_row
from tests.support.lti_platform import (
    ASSISTANT,
    STUDENT,
    TEACHER,
    Link,
    LmsUser,
    TestPlatform,
    http_client,
    launch,
)

pytestmark = [pytest.mark.xdist_group("lti"), pytest.mark.usefixtures("fresh_platform")]


def course_of_context(tool: Tool, context_id: str) -> tuple[Course, dict[str, str]] | None:
    """The course behind an LMS context and its people (email -> role)."""
    with tool.app.app_context():
        session = get_session()
        context = session.scalar(select(LtiContext).where(LtiContext.context_id == context_id))
        if context is None:
            return None
        course = session.get(Course, context.course_id)
        assert course is not None
        people = {m.user.email or m.user.name: m.role.value for m in session.scalars(
            select(Membership).where(Membership.course_id == course.id))}  # fmt: skip
        session.expunge(course)
        return course, people


def link_assessment(tool: Tool, link_id: str) -> Assessment:
    with tool.app.app_context():
        session = get_session()
        link = session.scalar(select(LtiLink).where(LtiLink.resource_link_id == link_id))
        assert link is not None and link.assessment_ref is not None
        assessment = session.get(Assessment, int(link.assessment_ref))
        assert assessment is not None
        session.expunge(assessment)
        return assessment


def test_a_learner_first_is_told_the_course_is_not_set_up_then_roles_come_from_the_claim(
    tool: Tool, lms: TestPlatform
) -> None:
    lms.links["link-opt"] = Link("link-opt", "Optimisation practice",
                                 {"lesson": "web-facts", "mode": "practice", "questions": "2"},
                                 context="course-2")  # fmt: skip
    early = launch(http_client(), lms, STUDENT, "link-opt")
    assert early.status_code == 409 and "has not set this up yet" in early.text
    assert course_of_context(tool, "course-2") is None  # a learner creates nothing

    staff = launch(http_client(), lms, TEACHER, "link-opt")
    assert staff.status_code == 200
    found = course_of_context(tool, "course-2")
    assert found is not None
    course, people = found
    assert course.title == "Optimisation"  # from the context claim
    # The instructor lands on the link's assessment's staff page.
    assessment = link_assessment(tool, "link-opt")
    assert staff.url.endswith(f"/courses/{course.id}/assessments/{assessment.id}")
    # ... which the LMS may frame, as the quiz pages of a launched session.
    assert f"frame-ancestors {lms.url}" in staff.headers["Content-Security-Policy"]
    assert assessment.course_id == course.id and assessment.lesson_ids == ["web-facts"]
    assert (assessment.mode.value, assessment.question_count) == ("practice", 2)

    launch(http_client(), lms, ASSISTANT, "link-opt")
    opened = launch(http_client(), lms, STUDENT, "link-opt")
    attempt_of(opened)
    _, people = course_of_context(tool, "course-2") or (None, {})
    assert people == {TEACHER.email: "instructor", ASSISTANT.email: "ta", STUDENT.email: "student"}


def test_a_custom_parameter_link_opens_its_assessment_and_the_attempt_s_score_is_sent(
    tool: Tool, lms: TestPlatform
) -> None:
    user = LmsUser("lms-course-student", "Cora Course", "cora@lms.example", STUDENT.roles)
    lms.users[user.sub] = user
    client = http_client()
    attempt_id = attempt_of(launch(client, lms, user, "link-facts"))
    assessment = link_assessment(tool, "link-facts")
    with tool.app.app_context():
        taken = get_session().get(AssessmentAttempt, attempt_id)
        assert taken is not None and taken.assessment_id == assessment.id
    # Launching again resumes the same attempt.
    assert attempt_of(launch(http_client(), lms, user, "link-facts")) == attempt_id
    answer_all_and_finish(client, tool, attempt_id)
    scores = eventually(lambda: [s for s in lms.scores() if s["userId"] == user.sub] or None,
                        "the score reaches the line item")  # fmt: skip
    row = passback_row(tool, attempt_id)
    assert row["passback"] == "sent"
    assert scores[-1]["scoreGiven"] == scores[-1]["scoreMaximum"] == row["questions"]


def test_the_course_rules_hold_for_a_launch(tool: Tool, lms: TestPlatform) -> None:
    """An instructor allows one attempt: a second launch after finishing is refused."""
    lms.links["link-once"] = Link("link-once", "One try", {"lesson": "web-facts",
                                                          "questions": "1"})  # fmt: skip
    launch(http_client(), lms, TEACHER, "link-once")
    with tool.app.app_context():
        stored = get_session().get(Assessment, link_assessment(tool, "link-once").id)
        assert stored is not None
        stored.attempts_allowed = 1
        get_session().commit()
    user = LmsUser("lms-once", "Olga Once", "olga@lms.example", STUDENT.roles)
    lms.users[user.sub] = user
    client = http_client()
    attempt_id = attempt_of(launch(client, lms, user, "link-once"))
    answer_all_and_finish(client, tool, attempt_id)
    again = launch(http_client(), lms, user, "link-once")
    assert again.status_code == 409 and "used all 1 attempt" in again.text


def test_a_link_naming_another_course_s_assessment_is_refused(
    tool: Tool, lms: TestPlatform
) -> None:
    other = link_assessment(tool, "link-facts")  # an assessment of course-1
    lms.links["link-foreign"] = Link("link-foreign", "Foreign", {"assessment": str(other.id)},
                                     context="course-3")  # fmt: skip
    refused = launch(http_client(), lms, TEACHER, "link-foreign")
    assert refused.status_code == 404
    assert "not an assessment of this course" in refused.text
    # ... while the same id inside its own course opens it.
    lms.links["link-own"] = Link("link-own", "Own", {"assessment": str(other.id)})
    opened = launch(http_client(), lms, STUDENT, "link-own")
    attempt_id = attempt_of(opened)
    with tool.app.app_context():
        taken = get_session().get(AssessmentAttempt, attempt_id)
        assert taken is not None and taken.assessment_id == other.id


def test_a_link_with_a_bad_custom_parameter_is_refused_with_its_name(
    tool: Tool, lms: TestPlatform
) -> None:
    lms.links["link-bad"] = Link("link-bad", "Bad", {"lesson": "web-facts", "mode": "drill"})
    refused = launch(http_client(), lms, TEACHER, "link-bad")
    assert refused.status_code == 400 and "mode=" in refused.text
    assert re.search(r"practice, exam", refused.text)


def test_a_score_waits_for_the_assessment_s_results_to_be_released(
    tool: Tool, lms: TestPlatform
) -> None:
    """Results released after closing: the LMS gets the score after the close, not before."""
    lms.links["link-later"] = Link("link-later", "Released later", {"lesson": "web-facts",
                                                                   "questions": "1"})  # fmt: skip
    launch(http_client(), lms, TEACHER, "link-later")
    closes = utcnow() + timedelta(hours=1)
    assessment_id = link_assessment(tool, "link-later").id
    with tool.app.app_context():
        stored = get_session().get(Assessment, assessment_id)
        assert stored is not None
        stored.release, stored.closes_at = Release.AFTER_CLOSE, closes
        get_session().commit()
    user = LmsUser("lms-later", "Lea Later", "lea@lms.example", STUDENT.roles)
    lms.users[user.sub] = user
    client = http_client()
    attempt_id = attempt_of(launch(client, lms, user, "link-later"))
    answer_all_and_finish(client, tool, attempt_id, review=False)
    row = passback_row(tool, attempt_id)
    assert row["passback"] == "due" and "released" in row["error"]
    assert [s for s in lms.scores("link-later") if s["userId"] == user.sub] == []
    with tool.app.app_context():  # the assessment has closed
        stored = get_session().get(Assessment, assessment_id)
        waiting = get_session().get(LtiAttempt, attempt_id)
        assert stored is not None and waiting is not None
        assert waiting.next_try_at == stored.closes_at
        stored.closes_at = waiting.next_try_at = utcnow() - timedelta(minutes=1)
        get_session().commit()
    jobs_of(tool.app).send_due_lti_scores()
    assert passback_row(tool, attempt_id)["passback"] == "sent"
    assert [s["userId"] for s in lms.scores("link-later")] == [user.sub]


def test_the_course_s_staff_see_and_resend_its_lms_scores(tool: Tool, lms: TestPlatform) -> None:
    """An instructor who came from the LMS has no site-wide instructor role: the course's own
    page shows what reached the LMS gradebook, and only to the course's staff."""
    user = LmsUser("lms-scored", "Sam Scored", "sam@lms.example", STUDENT.roles)
    lms.users[user.sub] = user
    student = http_client()
    attempt_id = attempt_of(launch(student, lms, user, "link-facts"))
    answer_all_and_finish(student, tool, attempt_id)
    eventually(lambda: passback_row(tool, attempt_id)["passback"] == "sent" or None, "sent")
    course_id = link_assessment(tool, "link-facts").course_id
    url = f"{tool.url}/courses/{course_id}/lms-scores"

    teacher = http_client()
    launch(teacher, lms, TEACHER, "link-facts")
    page = teacher.get(url)
    assert page.status_code == 200 and "Sam Scored" in page.text and "sent" in page.text
    assert "LMS scores" in teacher.get(f"{tool.url}/courses/{course_id}/gradebook").text
    assert "/lti/scores" not in page.url
    assert teacher.get(f"{tool.url}/lti/scores").status_code == 403  # not a site instructor
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    before = [s["userId"] for s in lms.scores()].count(user.sub)
    resent = teacher.post(f"{url}/{attempt_id}/resend", data={"csrf_token": token.group(1)})
    assert resent.status_code == 200 and "asked to send again" in resent.text
    assert [s["userId"] for s in lms.scores()].count(user.sub) == before + 1

    assert student.get(url).status_code == 404  # a student of the course is not staff
