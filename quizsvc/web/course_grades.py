"""A course's results for its staff: the gradebook and its CSV, a student's attempt, an
assessment's statistics and its regrade, and the scores sent to its LMS. Routes of the
`courses` blueprint (web.courses)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from quizsvc.progress.courses import CourseRole
from quizsvc.services import courses
from quizsvc.services.background import background
from quizsvc.services.courses import regrade, statistics
from quizsvc.services.errors import Conflict, NotFound
from quizsvc.services.lti import passback
from quizsvc.web.courses import bp, caller
from quizsvc.web.figures import question_figures


@bp.get("/courses/<int:course_id>/gradebook")
@login_required
def gradebook(course_id: int) -> ResponseReturnValue:
    book = courses.gradebook(caller(), course_id)
    return render_template("courses/gradebook.html", book=book, course=book.course)


@bp.get("/courses/<int:course_id>/gradebook.csv")
@login_required
def gradebook_csv(course_id: int) -> ResponseReturnValue:
    book = courses.gradebook(caller(), course_id)
    return Response(
        courses.gradebook_csv(book).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="gradebook-course-{course_id}.csv"'},
    )


@bp.get("/courses/<int:course_id>/attempts/<int:attempt_id>")
@login_required
def staff_review(course_id: int, attempt_id: int) -> ResponseReturnValue:
    shown_attempt = courses.staff_attempt(caller(), course_id, attempt_id)
    return render_template(
        "courses/attempt.html",
        course=shown_attempt.seat.course,
        item=shown_attempt,
        items=[(view, question_figures(view)) for view in shown_attempt.views],
    )


@bp.get("/courses/<int:course_id>/assessments/<int:assessment_id>/statistics")
@login_required
def assessment_statistics(course_id: int, assessment_id: int) -> ResponseReturnValue:
    stats = statistics.assessment_statistics(caller(), course_id, assessment_id)
    return render_template("courses/statistics.html", stats=stats, course=stats.course)


@bp.route(
    "/courses/<int:course_id>/assessments/<int:assessment_id>/regrade", methods=["GET", "POST"]
)
@login_required
def regrade_assessment(course_id: int, assessment_id: int) -> ResponseReturnValue:
    if request.method == "POST":
        try:
            plan = regrade.apply(
                caller(), course_id, assessment_id, request.form.get("fingerprint", "")
            )
        except Conflict as exc:
            flash(exc.message, "error")
            return redirect(request.path)
        flash(f"Regraded: {len(plan.score_changes)} answer score(s) changed.", "success")
        return redirect(url_for(".assessment", course_id=course_id, assessment_id=assessment_id))
    plan = regrade.preview(caller(), course_id, assessment_id)
    course = courses.instructor_course(caller(), course_id).course
    return render_template("courses/regrade.html", plan=plan, course=course)


@bp.get("/courses/<int:course_id>/lms-scores")
@login_required
def lms_scores(course_id: int) -> ResponseReturnValue:
    """The course's staff see what reached the LMS gradebook (an instructor who came from the
    LMS has no site-wide instructor role, so /lti/scores is not theirs)."""
    seat = courses.staff_course(caller(), course_id)
    return render_template(
        "lti/scores.html",
        scores=passback.states(course_id=course_id),
        course=seat.course,
        can_resend=seat.role is CourseRole.INSTRUCTOR,
    )


@bp.post("/courses/<int:course_id>/lms-scores/<int:attempt_id>/resend")
@login_required
def resend_lms_score(course_id: int, attempt_id: int) -> ResponseReturnValue:
    courses.instructor_course(caller(), course_id)
    if not passback.in_course(attempt_id, course_id):
        raise NotFound("This course has no such LMS score.")
    passback.resend(attempt_id)
    background().send_lti_scores([attempt_id])
    flash(f"Attempt {attempt_id}: asked to send again.", "info")
    return redirect(url_for(".lms_scores", course_id=course_id))
