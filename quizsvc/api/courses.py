"""Course routes of /api/v1 (documented in quizsvc.api.courses_openapi).

They join the API blueprint of `quizsvc.api.routes`, so the same authentication, CSRF and
error handling apply. As on the pages, a course is NotFound (404) to anyone outside it, and a
change a teaching assistant may not make is 403.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue

from quizsvc.api.routes import _body, _whole, bp, learner
from quizsvc.api.serialize import attempt_json
from quizsvc.progress.courses import (
    Assessment,
    AssessmentMode,
    Course,
    CourseRole,
    Membership,
    Release,
    SeedPolicy,
)
from quizsvc.security import limit_starts
from quizsvc.services import courses
from quizsvc.services.courses import Gradebook, Seat, StudentView
from quizsvc.services.errors import InvalidInput


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def course_json(seat: Seat) -> dict[str, Any]:
    course: Course = seat.course
    staff = seat.is_staff
    return {
        "id": course.id,
        "title": course.title,
        "term": course.term,
        "timezone": course.timezone,
        "role": seat.role.value,
        "join_code": course.join_code if staff else None,
        "invite_url": (
            url_for("courses.join_by_invite", token=course.invite_token, _external=True)
            if staff
            else None
        ),
        "url": url_for("courses.course", course_id=course.id, _external=True),
    }


def member_json(membership: Membership) -> dict[str, Any]:
    return {
        "user_id": membership.user_id,
        "name": membership.user.name,
        "email": membership.user.email,
        "role": membership.role.value,
        "joined_at": _time(membership.joined_at),
    }


def assessment_json(assessment: Assessment, view: StudentView | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": assessment.id,
        "course_id": assessment.course_id,
        "title": assessment.title,
        "lesson_ids": assessment.lesson_ids,
        "objectives": assessment.objectives,
        "template_ids": assessment.template_ids,
        "question_count": assessment.question_count,
        "mode": assessment.mode.value,
        "time_limit_minutes": (assessment.time_limit_s or 0) // 60 or None,
        "opens_at": _time(assessment.opens_at),
        "closes_at": _time(assessment.closes_at),
        "attempts_allowed": assessment.attempts_allowed,
        "seeds": assessment.seeds.value,
        "release": assessment.release.value,
        "mine": None,
    }
    if view is not None:
        limit = view.window.time_limit_s
        document["mine"] = {
            "status": view.status,
            "attempts": len(view.attempts),
            "score": view.best,
            "closes_at": _time(view.window.closes_at),
            "time_limit_seconds": limit,
            "can_start": view.refusal is None,
            "refusal": view.refusal,
        }
    return document


def _seat_assessments(seat: Seat) -> list[dict[str, Any]]:
    if seat.is_staff:
        return [assessment_json(a) for a in courses.assessments_of(seat.course)]
    return [assessment_json(v.assessment, v) for v in courses.student_views(seat, learner())]


def _text(body: dict[str, Any], name: str, default: str = "") -> str:
    value = body.get(name, default)
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string.")
    return value


@bp.get("/courses")
def list_courses() -> ResponseReturnValue:
    return jsonify(courses=[course_json(seat) for seat in courses.courses_of(learner())])


@bp.post("/courses")
def create_course() -> ResponseReturnValue:
    user = learner()
    body = _body("title", "term", "timezone")
    course = courses.create_course(
        user, _text(body, "title"), _text(body, "term"), _text(body, "timezone", "UTC")
    )
    return jsonify(course_json(Seat(course, CourseRole.INSTRUCTOR))), 201


@bp.post("/courses/join")
def join_course() -> ResponseReturnValue:
    user = learner()
    body = _body("code")
    return jsonify(course_json(courses.join(user, courses.find_by_code(_text(body, "code")))))


@bp.get("/courses/<int:course_id>")
def get_course(course_id: int) -> ResponseReturnValue:
    seat = courses.member_course(learner(), course_id)
    return jsonify(course=course_json(seat), assessments=_seat_assessments(seat))


# One rule for both methods: with two, werkzeug answers an out-of-range id with 405, not 404.
@bp.route("/courses/<int:course_id>/members", methods=["GET", "POST"])
def members(course_id: int) -> ResponseReturnValue:
    user = learner()
    if request.method == "GET":
        seat = courses.staff_course(user, course_id)
        return jsonify(members=[member_json(m) for m in courses.members(seat.course)])
    courses.instructor_course(user, course_id)  # strangers learn nothing, not even what to send
    body = _body("email", "role")
    role = _text(body, "role", CourseRole.INSTRUCTOR.value)
    if role not in (CourseRole.INSTRUCTOR.value, CourseRole.TA.value):
        raise InvalidInput("role must be 'instructor' or 'ta'.")
    membership = courses.add_staff(user, course_id, _text(body, "email"), CourseRole(role))
    return jsonify(member_json(membership)), 201


@bp.delete("/courses/<int:course_id>/members/<int:user_id>")
def remove_member(course_id: int, user_id: int) -> ResponseReturnValue:
    courses.remove_member(learner(), course_id, user_id)
    return "", 204


def _when(body: dict[str, Any], name: str) -> datetime | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        # In UTC, as stored: year 1 at +05:00 or year 9999 at -05:00 has no such instant.
        moment = moment.astimezone(UTC) if moment is not None and moment.tzinfo else moment
    except (ValueError, OverflowError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(f"{name} is a date-time with its offset, e.g. 2027-03-01T09:00:00Z.")
    return moment


def _choice(body: dict[str, Any], name: str, kind: Any, default: Any) -> Any:
    value = body.get(name, default.value)
    allowed = [m.value for m in kind]
    if value not in allowed:
        raise InvalidInput(f"{name} is one of {', '.join(allowed)}.")
    return kind(value)


def _count(body: dict[str, Any], name: str, default: int | None) -> int | None:
    if name not in body or body[name] is None:
        return default if name not in body else None
    value = _whole(body[name])
    if value is None:
        raise InvalidInput(f"{name} must be a whole number or null.")
    return value


def _ids(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{name} must be a list of strings.")
    return value


ASSESSMENT_FIELDS = (
    "title", "lesson_ids", "objectives", "template_ids", "question_count", "mode",
    "time_limit_minutes", "opens_at", "closes_at", "attempts_allowed", "seeds", "release",
)  # fmt: skip


@bp.post("/courses/<int:course_id>/assessments")
def create_assessment(course_id: int) -> ResponseReturnValue:
    user = learner()
    courses.instructor_course(user, course_id)
    body = _body(*ASSESSMENT_FIELDS)
    spec = courses.AssessmentSpec(
        title=_text(body, "title"),
        lesson_ids=_ids(body, "lesson_ids"),
        objectives=_ids(body, "objectives"),
        template_ids=_ids(body, "template_ids"),
        question_count=_count(body, "question_count", 10) or 0,
        mode=_choice(body, "mode", AssessmentMode, AssessmentMode.EXAM),
        time_limit_minutes=_count(body, "time_limit_minutes", None),
        opens_at=_when(body, "opens_at"),
        closes_at=_when(body, "closes_at"),
        attempts_allowed=_count(body, "attempts_allowed", 1),
        seeds=_choice(body, "seeds", SeedPolicy, SeedPolicy.PER_STUDENT),
        release=_choice(body, "release", Release, Release.IMMEDIATELY),
    )
    return jsonify(assessment_json(courses.create_assessment(user, course_id, spec))), 201


@bp.get("/courses/<int:course_id>/assessments/<int:assessment_id>")
def get_assessment(course_id: int, assessment_id: int) -> ResponseReturnValue:
    user = learner()
    seat = courses.member_course(user, course_id)
    if seat.is_staff:
        return jsonify(assessment_json(courses.get_assessment(course_id, assessment_id)))
    view = courses.assessment_for_member(user, course_id, assessment_id)
    return jsonify(assessment_json(view.assessment, view))


@bp.post("/courses/<int:course_id>/assessments/<int:assessment_id>/attempts")
@limit_starts
def start_assessment(course_id: int, assessment_id: int) -> ResponseReturnValue:
    user = learner()
    seat = courses.member_course(user, course_id)
    assessment = courses.get_assessment(seat.course.id, assessment_id)
    before = courses.student_view(assessment, user).in_progress
    attempt = courses.start_attempt(user, assessment)
    return jsonify(attempt_json(attempt)), (200 if before is not None else 201)


def gradebook_json(book: Gradebook) -> dict[str, Any]:
    rows = []
    for student in book.students:
        cells = []
        for assessment in book.assessments:
            cell = book.cell(student, assessment)
            late = cell.late_by(assessment)
            best = cell.best
            cells.append({
                "assessment_id": assessment.id,
                "score": cell.score,
                "attempts": len(cell.attempts),
                "in_progress": cell.in_progress,
                "late_seconds": None if late is None else int(late.total_seconds()),
                "seconds_spent": int(cell.time_spent.total_seconds()),
                "best_attempt_id": best.id if best else None,
            })  # fmt: skip
        rows.append(
            {"user_id": student.id, "name": student.name, "email": student.email, "cells": cells}
        )
    return {
        "course_id": book.course.id,
        "assessments": [{"id": a.id, "title": a.title} for a in book.assessments],
        "students": rows,
    }


@bp.get("/courses/<int:course_id>/gradebook")
def gradebook(course_id: int) -> ResponseReturnValue:
    return jsonify(gradebook_json(courses.gradebook(learner(), course_id)))
