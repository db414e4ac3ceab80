"""Courses: people and roles, assessments and their rules, the gradebook, regrading.

Pages, the API and integrations (LTI launches) use this package's functions:

* people: `create_course`, `join`, `enroll`, `add_staff`, `remove_member`, and the access
  checks `member_course` / `staff_course` / `instructor_course` (NotFound outside the course);
* assessments: `create_assessment`, `find_assessment`, `start_attempt` (start or resume a
  student's attempt, enforcing the window and attempt count), `student_score`;
* `gradebook`, `gradebook_csv`, `staff_attempt`; `regrade.preview` and `regrade.apply`.
"""

from quizsvc.services.courses.assessments import (
    AssessmentSpec,
    Score,
    StudentView,
    Window,
    assessment_for_member,
    assessment_of_attempt,
    assessments_of,
    create_assessment,
    find_assessment,
    get_assessment,
    remove_accommodation,
    set_accommodation,
    staff_assessment,
    start_attempt,
    start_for_member,
    student_score,
    student_view,
    student_views,
    templates_of,
    update_assessment,
    window,
)
from quizsvc.services.courses.gradebook import (
    Gradebook,
    StaffAttempt,
    gradebook,
    gradebook_csv,
    staff_attempt,
)
from quizsvc.services.courses.people import (
    Seat,
    add_staff,
    courses_of,
    create_course,
    enroll,
    find_by_code,
    find_by_invite,
    instructor_course,
    join,
    member_course,
    members,
    new_invite,
    remove_member,
    staff_course,
    update_course,
)

__all__ = [
    "AssessmentSpec",
    "Gradebook",
    "Score",
    "Seat",
    "StaffAttempt",
    "StudentView",
    "Window",
    "add_staff",
    "assessment_for_member",
    "assessment_of_attempt",
    "assessments_of",
    "courses_of",
    "create_assessment",
    "create_course",
    "enroll",
    "find_assessment",
    "find_by_code",
    "find_by_invite",
    "get_assessment",
    "gradebook",
    "gradebook_csv",
    "instructor_course",
    "join",
    "member_course",
    "members",
    "new_invite",
    "remove_accommodation",
    "remove_member",
    "set_accommodation",
    "staff_assessment",
    "staff_attempt",
    "staff_course",
    "start_attempt",
    "start_for_member",
    "student_score",
    "student_view",
    "student_views",
    "templates_of",
    "update_assessment",
    "update_course",
    "window",
]
