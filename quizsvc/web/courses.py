"""Course pages under /courses and /join: courses and people, assessments (the gradebook's
pages are in `course_grades`, on the same blueprint).

Views arrange what `services.courses` returns. Every course-scoped route asks the service for
the course with the caller's role first (`member_course`, `staff_course`,
`instructor_course`), so anyone outside the course gets the same 404 as for a course that does
not exist. Students take assessments on the ordinary quiz pages.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from quizsvc.progress.courses import Assessment, AssessmentMode, CourseRole, Release, SeedPolicy
from quizsvc.services import catalog, courses
from quizsvc.services.background import background
from quizsvc.services.courses.times import shown, to_local, to_utc, zone_names
from quizsvc.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from quizsvc.services.lti import contexts as lti_contexts
from quizsvc.services.lti import roster as lti_roster
from quizsvc.web.courses_forms import (
    AccommodationForm,
    AssessmentForm,
    CourseForm,
    JoinForm,
    StaffForm,
)

bp = Blueprint("courses", __name__)


@bp.app_template_filter("course_time")
def course_time(moment: Any, zone: str) -> str:
    return shown(moment, zone) or "–"


@bp.app_template_filter("minutes")
def minutes(value: timedelta | None) -> str:
    if value is None:
        return "–"
    total = math.ceil(value.total_seconds() / 60)
    return f"{total // 60} h {total % 60:02d} min" if total >= 60 else f"{total} min"


@bp.app_template_global("course_has_lms")
def course_has_lms(course_id: int) -> bool:
    """Whether the course came from an LMS (its staff then see the scores sent to it)."""
    return lti_contexts.context_of_course(course_id) is not None


def caller() -> Any:
    """The signed-in user as a model object (services compare and store it)."""
    return current_user._get_current_object()


# --- courses and people -----------------------------------------------------------------------


@bp.route("/courses", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    form = CourseForm()
    error = None
    if request.method == "POST":
        try:
            if not form.validate():
                raise InvalidInput(next(m for ms in form.errors.values() for m in ms))
            course = courses.create_course(
                caller(), form.title.data or "", form.term.data or "", form.timezone.data or ""
            )
        except InvalidInput as exc:
            error = exc.message
        else:
            flash(f"{course.title} is ready. Share its join code or invite link.", "success")
            return redirect(url_for(".course", course_id=course.id))
    return render_template(
        "courses/index.html",
        seats=courses.courses_of(caller()),
        form=form,
        join_form=JoinForm(formdata=None),
        zones=zone_names(),
        error=error,
    ), (422 if error else 200)


@bp.route("/join", methods=["GET", "POST"])
def join_by_code() -> ResponseReturnValue:
    form = JoinForm()
    error = None
    if request.method == "POST" and form.validate():
        try:
            course = courses.find_by_code(form.code.data or "")
        except ServiceError as exc:
            error = exc.message
        else:
            return _join(course)
    elif request.method == "POST":
        error = next(m for ms in form.errors.values() for m in ms)
    return render_template("courses/join.html", form=form, error=error, course=None), (
        422 if error else 200
    )


@bp.route("/join/<token>", methods=["GET", "POST"])
def join_by_invite(token: str) -> ResponseReturnValue:
    course = courses.find_by_invite(token)
    if request.method == "POST":
        return _join(course)
    return render_template("courses/join.html", form=None, error=None, course=course, token=token)


def _join(course: Any) -> ResponseReturnValue:
    if not current_user.is_authenticated or current_user.is_guest:
        flash("Sign up (or log in) first; your guest work is kept. Then join the course.", "info")
        return redirect(
            url_for("auth.signup", next=url_for(".join_by_invite", token=course.invite_token))
        )
    seat = courses.join(caller(), course)
    flash(f"You are in {course.title}.", "success")
    return redirect(url_for(".course", course_id=seat.course.id))


@bp.get("/courses/<int:course_id>")
@login_required
def course(course_id: int) -> ResponseReturnValue:
    seat = courses.member_course(caller(), course_id)
    if seat.is_staff:
        return render_template(
            "courses/staff_home.html",
            seat=seat,
            course=seat.course,
            assessments=courses.assessments_of(seat.course),
            people=courses.members(seat.course),
            invite_url=url_for(".join_by_invite", token=seat.course.invite_token, _external=True),
        )
    return render_template(
        "courses/student_home.html",
        seat=seat,
        course=seat.course,
        views=courses.student_views(seat, caller()),
    )


@bp.route("/courses/<int:course_id>/settings", methods=["GET", "POST"])
@login_required
def settings(course_id: int) -> ResponseReturnValue:
    seat = courses.instructor_course(caller(), course_id)
    course = seat.course
    form = CourseForm(data=None if request.method == "POST" else {
        "title": course.title, "term": course.term, "timezone": course.timezone})  # fmt: skip
    error = None
    if request.method == "POST":
        try:
            if not form.validate():
                raise InvalidInput(next(m for ms in form.errors.values() for m in ms))
            courses.update_course(caller(), course_id, form.title.data or "",
                                  form.term.data or "", form.timezone.data or "")  # fmt: skip
        except InvalidInput as exc:
            error = exc.message
        else:
            flash("Course settings saved.", "success")
            return redirect(url_for(".course", course_id=course_id))
    return render_template(
        "courses/settings.html", course=course, form=form, error=error, zones=zone_names()
    ), (422 if error else 200)


@bp.post("/courses/<int:course_id>/invite")
@login_required
def new_invite(course_id: int) -> ResponseReturnValue:
    course = courses.new_invite(caller(), course_id)
    flash(f"New join code {course.join_code}; the old code and link no longer work.", "success")
    return redirect(url_for(".course", course_id=course_id))


@bp.route("/courses/<int:course_id>/people", methods=["GET", "POST"])
@login_required
def people(course_id: int) -> ResponseReturnValue:
    seat = courses.staff_course(caller(), course_id)
    form = StaffForm()
    error = None
    if request.method == "POST":
        courses.instructor_course(caller(), course_id)  # a TA's change: 403 before the form
        try:
            if not form.validate():
                raise InvalidInput(next(m for ms in form.errors.values() for m in ms))
            membership = courses.add_staff(
                caller(), course_id, form.email.data or "", CourseRole(form.role.data)
            )
        except (InvalidInput, Conflict, NotFound) as exc:
            error = exc.message  # NotFound: no account with this email
        else:
            flash(f"{membership.user.name} is now {_role_name(membership.role)}.", "success")
            return redirect(url_for(".people", course_id=course_id))
    return render_template(
        "courses/people.html",
        seat=seat,
        course=seat.course,
        people=courses.members(seat.course),
        form=form,
        error=error,
        role_name=_role_name,
        lms=lti_contexts.context_of_course(course_id),
    ), (422 if error else 200)


def _role_name(role: CourseRole) -> str:
    return {"instructor": "an instructor", "ta": "a teaching assistant", "student": "a student"}[
        role.value
    ]


@bp.post("/courses/<int:course_id>/people/sync-lms")
@login_required
def sync_lms(course_id: int) -> ResponseReturnValue:
    """Ask for a Names and Roles sync of the course's LMS roster (a job on the queue)."""
    context = lti_roster.context_for_staff(caller(), course_id)
    background().sync_lti_roster(context.id)
    flash("The roster is being synced with the LMS; reload this page in a moment.", "info")
    return redirect(url_for(".people", course_id=course_id))


@bp.post("/courses/<int:course_id>/people/<int:user_id>/remove")
@login_required
def remove(course_id: int, user_id: int) -> ResponseReturnValue:
    try:
        courses.remove_member(caller(), course_id, user_id)
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash("Removed from the course. Their attempts are kept.", "success")
    return redirect(url_for(".people", course_id=course_id))


# --- assessments ------------------------------------------------------------------------------


def _pool_choices() -> dict[str, Any]:
    lessons = [lesson for lesson in catalog.lessons() if lesson.questions]
    return {"lessons": lessons}


def _spec(form: AssessmentForm, zone: str) -> courses.AssessmentSpec:
    if not form.validate():
        raise InvalidInput(form.first_error())
    return courses.AssessmentSpec(
        title=form.title.data or "",
        lesson_ids=list(form.lessons.data or []),
        objectives=list(form.objectives.data or []),
        template_ids=list(form.templates.data or []),
        question_count=form.question_count.data or 0,
        mode=AssessmentMode(form.mode.data),
        time_limit_minutes=form.time_limit.data or None,
        opens_at=to_utc(form.opens_at.data or "", zone),
        closes_at=to_utc(form.closes_at.data or "", zone),
        attempts_allowed=form.attempts_allowed.data or None,
        seeds=SeedPolicy(form.seeds.data),
        release=Release(form.release.data),
    )


def _form_of(assessment: Assessment, zone: str) -> dict[str, Any]:
    return {
        "title": assessment.title,
        "lessons": assessment.lesson_ids,
        "objectives": assessment.objectives,
        "templates": assessment.template_ids,
        "question_count": assessment.question_count,
        "mode": assessment.mode.value,
        "time_limit": (assessment.time_limit_s or 0) // 60 or None,
        "opens_at": to_local(assessment.opens_at, zone),
        "closes_at": to_local(assessment.closes_at, zone),
        "attempts_allowed": assessment.attempts_allowed,
        "seeds": assessment.seeds.value,
        "release": assessment.release.value,
    }


@bp.route("/courses/<int:course_id>/assessments/new", methods=["GET", "POST"])
@login_required
def new_assessment(course_id: int) -> ResponseReturnValue:
    seat = courses.instructor_course(caller(), course_id)
    form = AssessmentForm()
    error = None
    if request.method == "POST":
        try:
            assessment = courses.create_assessment(
                caller(), course_id, _spec(form, seat.course.timezone)
            )
        except (InvalidInput, NotFound) as exc:  # NotFound: a lesson that does not exist
            error = exc.message
        else:
            flash(f"{assessment.title} is assigned.", "success")
            return redirect(
                url_for(".assessment", course_id=course_id, assessment_id=assessment.id)
            )
    return render_template(
        "courses/assessment_form.html", course=seat.course, form=form, error=error,
        assessment=None, **_pool_choices(),
    ), (422 if error else 200)  # fmt: skip


@bp.route("/courses/<int:course_id>/assessments/<int:assessment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_assessment(course_id: int, assessment_id: int) -> ResponseReturnValue:
    seat = courses.instructor_course(caller(), course_id)
    assessment = courses.get_assessment(course_id, assessment_id)
    zone = seat.course.timezone
    form = AssessmentForm(data=None if request.method == "POST" else _form_of(assessment, zone))
    error = None
    if request.method == "POST":
        try:
            courses.update_assessment(caller(), course_id, assessment_id, _spec(form, zone))
        except (InvalidInput, NotFound) as exc:  # NotFound: a lesson that does not exist
            error = exc.message
        else:
            flash("Assessment saved. Attempts already started keep their questions.", "success")
            return redirect(
                url_for(".assessment", course_id=course_id, assessment_id=assessment_id)
            )
    return render_template(
        "courses/assessment_form.html", course=seat.course, form=form, error=error,
        assessment=assessment, **_pool_choices(),
    ), (422 if error else 200)  # fmt: skip


@bp.get("/courses/<int:course_id>/assessments/<int:assessment_id>")
@login_required
def assessment(course_id: int, assessment_id: int) -> ResponseReturnValue:
    seat = courses.member_course(caller(), course_id)
    if not seat.is_staff:
        view = courses.assessment_for_member(caller(), course_id, assessment_id)
        return render_template("courses/student_assessment.html", course=seat.course, view=view)
    found = courses.get_assessment(course_id, assessment_id)
    students = courses.members(seat.course, CourseRole.STUDENT)
    return render_template(
        "courses/staff_assessment.html",
        seat=seat,
        course=seat.course,
        assessment=found,
        students=students,
        windows={m.user_id: courses.window(found, m.user_id) for m in students},
        accommodation_form=AccommodationForm(formdata=None),
        pool=courses.templates_of(found.lesson_ids, found.objectives, found.template_ids),
    )


@bp.post("/courses/<int:course_id>/assessments/<int:assessment_id>/start")
@login_required
def start(course_id: int, assessment_id: int) -> ResponseReturnValue:
    try:
        attempt = courses.start_for_member(caller(), course_id, assessment_id)
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for(".assessment", course_id=course_id, assessment_id=assessment_id))
    return redirect(url_for("quiz.question", attempt_id=attempt.id, position=attempt.position))


@bp.get("/courses/attempts/<int:attempt_id>")
@login_required
def attempt_home(attempt_id: int) -> ResponseReturnValue:
    """Where a student lands after an assessment attempt whose results are not out yet."""
    found = courses.assessment_of_attempt(caller(), attempt_id)
    flash(
        "Your answers are submitted. The results come when your instructor releases them.", "info"
    )
    return redirect(url_for(".assessment", course_id=found.course_id, assessment_id=found.id))


@bp.post("/courses/<int:course_id>/assessments/<int:assessment_id>/accommodations")
@login_required
def accommodate(course_id: int, assessment_id: int) -> ResponseReturnValue:
    seat = courses.instructor_course(caller(), course_id)
    form = AccommodationForm()
    target = url_for(".assessment", course_id=course_id, assessment_id=assessment_id)
    try:
        if not form.validate():
            raise InvalidInput(form.first_error())
        courses.set_accommodation(
            caller(), course_id, assessment_id, form.student.data or 0,
            time_factor=form.factor(), extra_minutes=form.extra_minutes.data or 0,
            closes_at=to_utc(form.closes_at.data or "", seat.course.timezone),
        )  # fmt: skip
    except InvalidInput as exc:
        flash(exc.message, "error")
    else:
        flash("Accommodation saved.", "success")
    return redirect(target + "#accommodations")


@bp.post(
    "/courses/<int:course_id>/assessments/<int:assessment_id>/accommodations/<int:user_id>/remove"
)
@login_required
def remove_accommodation(course_id: int, assessment_id: int, user_id: int) -> ResponseReturnValue:
    courses.remove_accommodation(caller(), course_id, assessment_id, user_id)
    flash("Accommodation removed.", "success")
    target = url_for(".assessment", course_id=course_id, assessment_id=assessment_id)
    return redirect(target + "#accommodations")
