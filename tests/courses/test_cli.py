"""`quizsvc course list|gradebook|add-instructor`: the operator's view of courses."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.courses.helpers import (
    answer_all,
    enroll,
    finish,
    make_assessment,
    make_course,
    person,
    start,
)


def test_list_gradebook_and_add_instructor(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    assert "no courses yet" in runner.invoke(args=["course", "list"]).output
    ada = person(app, "ada@example.org", instructor=True)
    zoe = person(app, "zoe@example.org", name="Ζωή")
    person(app, "bea@example.org")
    course_id = make_course(app, ada)
    enroll(app, course_id, zoe)
    quiz = make_assessment(app, ada, course_id)
    attempt_id = start(zoe, course_id, quiz)
    answer_all(app, zoe, attempt_id)
    finish(zoe, attempt_id)

    listed = runner.invoke(args=["course", "list"]).output
    assert f"{course_id}\tDeep learning 101 (Spring 2027)" in listed
    assert "1 students\tinstructors: ada@example.org" in listed

    target = tmp_path / "book.csv"
    result = runner.invoke(args=["course", "gradebook", str(course_id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "1 students, 1 assessments" in result.output
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff") and "Ζωή,zoe@example.org,100.0,1," in text

    missing = runner.invoke(args=["course", "gradebook", "999"])
    assert missing.exit_code == 1 and "There is no course 999." in missing.output

    added = runner.invoke(args=["course", "add-instructor", str(course_id), "bea@example.org"])
    assert added.exit_code == 0 and "is an instructor of Deep learning 101" in added.output
    assert "ada@example.org, bea@example.org" in runner.invoke(args=["course", "list"]).output
    nobody = runner.invoke(args=["course", "add-instructor", str(course_id), "x@example.org"])
    assert nobody.exit_code == 1 and "No account has the email" in nobody.output
