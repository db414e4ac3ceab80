"""Names and Roles Provisioning: an instructor's launch syncs the course with the LMS roster
(every page of it), the people page's button syncs it again; members the LMS no longer lists
are marked removed, people who joined on our pages are never touched."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.courses import CourseRole
from quizsvc.progress.lti import LtiAccount, LtiContext, LtiMember
from quizsvc.progress.models import User
from quizsvc.services import courses
from tests.lti.conftest import Tool
from tests.lti.helpers import csrf_token
from tests.lti.test_courses import course_of_context
from tests.support.lti_platform import (
    STUDENT,
    TEACHER,
    Link,
    LmsUser,
    TestPlatform,
    http_client,
    launch,
)

pytestmark = [pytest.mark.xdist_group("lti"), pytest.mark.usefixtures("fresh_platform")]

CLASS = [LmsUser(f"nrps-{i}", f"Member {i}", f"member{i}@lms.example", STUDENT.roles)
         for i in range(1, 5)]  # fmt: skip


def removed_subs(tool: Tool) -> set[str]:
    with tool.app.app_context():
        rows = get_session().execute(
            select(LtiAccount.sub)
            .join(LtiMember, LtiMember.account_id == LtiAccount.id)
            .join(LtiContext, LtiContext.id == LtiMember.context_id)
            .where(LtiContext.context_id == "course-4", LtiMember.removed_at.is_not(None))
        )
        return set(rows.scalars())


def test_the_roster_follows_the_lms_and_leaves_other_members_alone(
    tool: Tool, lms: TestPlatform
) -> None:
    lms.links["link-init"] = Link("link-init", "Init quiz", {"lesson": "web-facts"},
                                  context="course-4")  # fmt: skip
    lms.rosters["course-4"] = [TEACHER, *CLASS]  # five members: three pages of two
    lms.page_size, lms.roster_pages = 2, 0
    teacher = http_client()
    launch(teacher, lms, TEACHER, "link-init")  # the launch asks for a sync (a job)
    assert lms.roster_pages == 3
    found = course_of_context(tool, "course-4")
    assert found is not None
    course, people = found
    assert people == {TEACHER.email: "instructor",
                      **{u.email: "student" for u in CLASS}}  # fmt: skip
    with tool.app.app_context():  # accounts by sub, named as the LMS names them
        account = get_session().scalar(select(LtiAccount).where(LtiAccount.sub == "nrps-3"))
        assert account is not None and account.user.display_name == "Member 3"
        # Someone who joined with the course code, not through the LMS.
        local = User(email="local@example.org", display_name="Local", password_hash=None)
        get_session().add(local)
        get_session().commit()
        courses.enroll(courses.operator_seat(course.id).course, local, CourseRole.STUDENT)

    # Member 3 leaves the LMS course; the instructor presses the button.
    lms.rosters["course-4"] = [TEACHER, CLASS[0], CLASS[1], CLASS[3]]
    page = teacher.get(f"{tool.url}/courses/{course.id}/people")
    assert page.status_code == 200 and "Sync roster with the LMS" in page.text
    synced = teacher.post(f"{tool.url}/courses/{course.id}/people/sync-lms",
                          data={"csrf_token": csrf_token(page.text)})  # fmt: skip
    assert synced.status_code == 200 and "being synced" in synced.text
    _, people = course_of_context(tool, "course-4") or (None, {})
    assert "member3@lms.example" not in people
    assert people["local@example.org"] == "student"  # never touched
    assert removed_subs(tool) == {"nrps-3"}

    # Back in the LMS: back in the course.
    lms.rosters["course-4"] = [TEACHER, *CLASS]
    page = teacher.get(f"{tool.url}/courses/{course.id}/people")
    teacher.post(f"{tool.url}/courses/{course.id}/people/sync-lms",
                 data={"csrf_token": csrf_token(page.text)})  # fmt: skip
    _, people = course_of_context(tool, "course-4") or (None, {})
    assert people["member3@lms.example"] == "student" and removed_subs(tool) == set()


def test_only_the_course_s_instructors_may_sync(tool: Tool, lms: TestPlatform) -> None:
    lms.links["link-init"] = Link("link-init", "Init quiz", {"lesson": "web-facts"},
                                  context="course-4")  # fmt: skip
    lms.rosters["course-4"] = [TEACHER, STUDENT]
    launch(http_client(), lms, TEACHER, "link-init")
    found = course_of_context(tool, "course-4")
    assert found is not None
    student = http_client()
    opened = launch(student, lms, STUDENT, "link-init")
    token = csrf_token(opened.text)
    refused = student.post(f"{tool.url}/courses/{found[0].id}/people/sync-lms",
                           data={"csrf_token": token}, allow_redirects=False)  # fmt: skip
    assert refused.status_code == 404
    assert re.search(r"Question 1", opened.text)
