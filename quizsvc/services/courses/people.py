"""Courses and the people in them: create, invite and join, roles, removal.

Every read of a course goes through `member_course`, `staff_course` or `instructor_course`,
which answer NotFound to anyone outside the course's staff (or membership), so a student of
course A and an instructor of course B see the same thing as a stranger: nothing. A TA sees what
staff see; a change that needs an instructor is Forbidden for them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from quizsvc.db import get_session
from quizsvc.progress.courses import Course, CourseRole, Membership
from quizsvc.progress.models import User, utcnow
from quizsvc.services import accounts
from quizsvc.services.courses.times import check_zone
from quizsvc.services.errors import Conflict, Forbidden, InvalidInput, NotFound

# No 0/O, 1/I/L: a code read aloud in a lecture hall or copied from a slide survives.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
NO_COURSE = "There is no such course among yours."
STAFF = (CourseRole.INSTRUCTOR, CourseRole.TA)


@dataclass(frozen=True)
class Seat:
    """A course as one person sees it: the course and their role in it."""

    course: Course
    role: CourseRole

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    @property
    def is_instructor(self) -> bool:
        return self.role is CourseRole.INSTRUCTOR


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    """What people type ("k7qm-3xpa ") as stored ("K7QM3XPA")."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def create_course(user: User, title: str, term: str, timezone: str) -> Course:
    """A new course with `user` as its instructor (site instructors only)."""
    if not user.is_instructor:
        raise Forbidden("Only instructors create courses.")
    return open_course(user, title, term, timezone)


def open_course(user: User, title: str, term: str, timezone: str) -> Course:
    """A new course with `user` as its instructor, whatever their site role: for integrations
    whose platform vouches for the role (an LTI instructor's first launch)."""
    title = title.strip()
    if not title:
        raise InvalidInput("Give the course a title.")
    course = Course(
        title=title[:120],
        term=term.strip()[:60],
        timezone=check_zone(timezone or "UTC"),
        join_code=_new_code(),
        invite_token=secrets.token_urlsafe(24),
    )
    course.memberships.append(Membership(user_id=user.id, role=CourseRole.INSTRUCTOR))
    session = get_session()
    session.add(course)
    session.commit()
    return course


def update_course(user: User, course_id: int, title: str, term: str, timezone: str) -> Course:
    course = instructor_course(user, course_id).course
    if not title.strip():
        raise InvalidInput("Give the course a title.")
    course.title = title.strip()[:120]
    course.term = term.strip()[:60]
    course.timezone = check_zone(timezone)
    get_session().commit()
    return course


def _membership(user: User, course_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return get_session().scalar(
        select(Membership).where(Membership.course_id == course_id, Membership.user_id == user.id)
    )


def member_course(user: User, course_id: int) -> Seat:
    """The course of anyone in it (students included); NotFound for everyone else."""
    membership = _membership(user, course_id)
    if membership is None:
        raise NotFound(NO_COURSE)
    return Seat(membership.course, membership.role)


def staff_course(user: User, course_id: int) -> Seat:
    """The course of its instructors and TAs; NotFound for students and strangers alike."""
    seat = member_course(user, course_id)
    if not seat.is_staff:
        raise NotFound(NO_COURSE)
    return seat


def instructor_course(user: User, course_id: int) -> Seat:
    """For changes: staff who are not instructors (TAs) are refused, others see nothing."""
    seat = staff_course(user, course_id)
    if not seat.is_instructor:
        raise Forbidden("Teaching assistants see this course but cannot change its settings.")
    return seat


def courses_of(user: User) -> list[Seat]:
    if not user.is_authenticated:
        return []
    rows = get_session().scalars(
        select(Membership)
        .where(Membership.user_id == user.id)
        .order_by(Membership.joined_at.desc(), Membership.id.desc())
    )
    return [Seat(m.course, m.role) for m in rows]


def members(course: Course, role: CourseRole | None = None) -> list[Membership]:
    query = select(Membership).where(Membership.course_id == course.id)
    if role is not None:
        query = query.where(Membership.role == role)
    rows = list(get_session().scalars(query))
    return sorted(rows, key=lambda m: (STAFF_ORDER[m.role], m.user.name.casefold(), m.user_id))


STAFF_ORDER = {CourseRole.INSTRUCTOR: 0, CourseRole.TA: 1, CourseRole.STUDENT: 2}


def find_by_code(code: str) -> Course:
    course = get_session().scalar(select(Course).where(Course.join_code == normalize_code(code)))
    if course is None:
        raise NotFound("No course has this join code; check it with your instructor.")
    return course


def find_by_invite(token: str) -> Course:
    course = get_session().scalar(select(Course).where(Course.invite_token == token))
    if course is None:
        raise NotFound("This invitation link is not valid (it may have been replaced).")
    return course


def join(user: User, course: Course) -> Seat:
    """Join as a student; joining twice keeps the first role. Guests sign up first, so that a
    grade always belongs to someone the instructor can name."""
    if user.is_guest:
        raise Conflict("Sign up (your guest work is kept) before you join a course.")
    existing = _membership(user, course.id)
    if existing is not None:
        return Seat(course, existing.role)
    enroll(course, user, CourseRole.STUDENT)
    return Seat(course, CourseRole.STUDENT)


def enroll(course: Course, user: User, role: CourseRole) -> Membership:
    """Put `user` in `course` with `role` (or change their role); the entry point LTI launches
    and rosters use as well as joining."""
    session = get_session()
    membership = _membership(user, course.id)
    if membership is None:
        membership = Membership(course_id=course.id, user_id=user.id, role=role, joined_at=utcnow())
        session.add(membership)
    else:
        membership.role = role
    try:
        session.commit()
    except IntegrityError:  # a double click raced us: the row exists now
        session.rollback()
        membership = _membership(user, course.id)
        if membership is None:
            raise
    return membership


def add_staff(user: User, course_id: int, email: str, role: CourseRole) -> Membership:
    """Add a co-instructor or a TA by the email of their account."""
    course = instructor_course(user, course_id).course
    if role not in STAFF:
        raise InvalidInput("Staff are instructors or teaching assistants.")
    other = accounts.find_by_email(email)
    if other is None or other.is_guest:
        raise NotFound(
            f"No account has the email {accounts.normalize_email(email)!r}; ask them to sign "
            "up first."
        )
    return enroll(course, other, role)


def remove_member(user: User, course_id: int, member_id: int) -> None:
    """Remove someone from the course; their attempts stay theirs (and in the gradebook's
    history) but they no longer see the course. The last instructor cannot be removed."""
    course = instructor_course(user, course_id).course
    membership = _membership_by_user(course, member_id)
    if membership.role is CourseRole.INSTRUCTOR:
        instructors = members(course, CourseRole.INSTRUCTOR)
        if len(instructors) == 1:
            raise Conflict("A course keeps at least one instructor; add another one first.")
    get_session().delete(membership)
    get_session().commit()


def withdraw(course: Course, user_id: int) -> bool:
    """Take `user_id`'s seat in `course` for an integration that says they left (an LMS
    roster); their attempts stay. The last instructor keeps theirs. True if a seat was taken."""
    membership = get_session().scalar(
        select(Membership).where(Membership.course_id == course.id, Membership.user_id == user_id)
    )
    if membership is None:
        return False
    if (
        membership.role is CourseRole.INSTRUCTOR
        and len(members(course, CourseRole.INSTRUCTOR)) == 1
    ):
        return False
    get_session().delete(membership)
    get_session().commit()
    return True


def _membership_by_user(course: Course, user_id: int) -> Membership:
    membership = get_session().scalar(
        select(Membership).where(Membership.course_id == course.id, Membership.user_id == user_id)
    )
    if membership is None:
        raise NotFound("This person is not in the course.")
    return membership


def new_invite(user: User, course_id: int) -> Course:
    """A new invite link and join code; the old ones stop working (a leaked code)."""
    course = instructor_course(user, course_id).course
    course.join_code = _new_code()
    course.invite_token = secrets.token_urlsafe(24)
    get_session().commit()
    return course


@dataclass(frozen=True)
class CourseSummary:
    course: Course
    instructors: list[str]  # emails
    students: int


def all_courses() -> list[CourseSummary]:
    """Every course with its instructors and student count, for the operator's command line
    (which acts as the site's administrator, not as a member)."""
    summaries = []
    for course in get_session().scalars(select(Course).order_by(Course.id)):
        staff = sorted(
            m.user.email or m.user.name
            for m in course.memberships
            if m.role is CourseRole.INSTRUCTOR
        )
        students = sum(1 for m in course.memberships if m.role is CourseRole.STUDENT)
        summaries.append(CourseSummary(course, staff, students))
    return summaries


def operator_seat(course_id: int) -> Seat:
    """A course as its instructors see it, for the operator's command line."""
    course = get_session().get(Course, course_id)
    if course is None:
        raise NotFound(f"There is no course {course_id}.")
    return Seat(course, CourseRole.INSTRUCTOR)
