"""`quizsvc course ...`: courses from the command line, as the site's operator.

`list` shows every course; `gradebook` writes a course's gradebook CSV (the same file as the
page's download); `add-instructor` gives a course to an account, e.g. when its only
instructor has left.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from quizsvc.cli.app_context import pass_app
from quizsvc.progress.courses import CourseRole
from quizsvc.services import accounts, courses
from quizsvc.services.errors import ServiceError


@click.group("course", help="List courses, export gradebooks, add instructors.")
def course_group() -> None:
    pass


@course_group.command("list")
@pass_app
def list_courses(app: Flask) -> None:
    """Every course: id, title, term, join code, instructors and students."""
    summaries = courses.all_courses()
    if not summaries:
        click.echo("no courses yet (instructors create them at /courses)")
    for summary in summaries:
        course = summary.course
        term = f" ({course.term})" if course.term else ""
        click.echo(
            f"{course.id}\t{course.title}{term}\tcode {course.join_code}\t"
            f"{summary.students} students\tinstructors: {', '.join(summary.instructors)}"
        )


@course_group.command("gradebook")
@click.argument("course_id", type=int)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: gradebook-course-ID.csv in the current folder).",
)
@pass_app
def gradebook(app: Flask, course_id: int, output: Path | None) -> None:
    """Write COURSE_ID's gradebook as CSV (UTF-8 with a BOM, for Excel)."""
    try:
        book = courses.course_gradebook(courses.operator_seat(course_id))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    target = output or Path(f"gradebook-course-{course_id}.csv")
    target.write_bytes(courses.gradebook_csv(book).encode("utf-8"))
    click.echo(
        f"wrote {target} ({len(book.students)} students, {len(book.assessments)} assessments)"
    )


@course_group.command("add-instructor")
@click.argument("course_id", type=int)
@click.argument("email")
@pass_app
def add_instructor(app: Flask, course_id: int, email: str) -> None:
    """Make the account EMAIL an instructor of COURSE_ID."""
    try:
        seat = courses.operator_seat(course_id)
        user = accounts.find_by_email(email)
        if user is None or user.is_guest:
            raise click.ClickException(f"No account has the email {email!r}.")
        courses.enroll(seat.course, user, CourseRole.INSTRUCTOR)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{user.email} is an instructor of {seat.course.title}")
