"""The OpenAPI description of the course routes (quizsvc.api.courses), merged into
`quizsvc.api.openapi.document()`; built from the parts in `quizsvc.api.openapi_parts`."""

from __future__ import annotations

from typing import Any

from quizsvc.api import openapi_parts as base


def _enum(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def schemas() -> dict[str, Any]:
    obj, ref, nullable = base._object, base._ref, base._nullable
    string, integer, boolean, time = base.STRING, base.INTEGER, base.BOOLEAN, base.TIME
    strings = {"type": "array", "items": string}
    title = {
        "type": "string", "minLength": 1, "pattern": r"\S",
        "description": "Kept to its first 120 characters.",
    }  # fmt: skip
    return {
        "Course": obj(
            {
                "id": integer,
                "title": string,
                "term": string,
                "timezone": {**string, "description": "IANA time zone of the course's times."},
                "role": _enum("instructor", "ta", "student"),
                "join_code": {**nullable(string), "description": "Staff only."},
                "invite_url": {**nullable(base.URL), "description": "Staff only."},
                "url": base.URL,
            }
        ),
        "NewCourse": obj(
            {"title": title, "term": string, "timezone": string}, optional=("term", "timezone")
        ),
        "JoinCode": obj(
            {"code": {**string, "description": "e.g. K7QM3XPA; case and dashes ignored."}}
        ),
        "Member": obj(
            {
                "user_id": integer,
                "name": string,
                "email": nullable(string),
                "role": _enum("instructor", "ta", "student"),
                "joined_at": time,
            }
        ),
        "NewMember": obj({"email": string, "role": _enum("instructor", "ta")}, optional=("role",)),
        "AssessmentStatus": obj(
            {
                "status": _enum("not started", "in progress", "submitted"),
                "attempts": integer,
                "score": {
                    **nullable(base.SCORE),
                    "description": "Best finished attempt; null until results are released.",
                },
                "closes_at": {**nullable(time), "description": "With any accommodation."},
                "time_limit_seconds": nullable(integer),
                "can_start": boolean,
                "refusal": {**nullable(string), "description": "Why a start would be refused."},
            }
        ),
        "Assessment": obj(
            {
                "id": integer,
                "course_id": integer,
                "title": string,
                "lesson_ids": strings,
                "objectives": {**strings, "description": "'lesson-id/objective-id' each."},
                "template_ids": strings,
                "question_count": integer,
                "mode": _enum("practice", "exam", "drill"),
                "time_limit_minutes": nullable(integer),
                "opens_at": nullable(time),
                "closes_at": nullable(time),
                "attempts_allowed": nullable(integer),
                "seeds": _enum("per_student", "shared"),
                "release": _enum("immediately", "after_close", "never"),
                "mine": {
                    **nullable(ref("AssessmentStatus")),
                    "description": "The caller's status (students); null for staff.",
                },
            }
        ),
        "NewAssessment": obj(
            {
                "title": title,
                "lesson_ids": strings,
                "objectives": strings,
                "template_ids": strings,
                "question_count": {"type": "integer", "minimum": 1, "maximum": 20},
                "mode": _enum("practice", "exam", "drill"),
                "time_limit_minutes": nullable({"type": "integer", "minimum": 1, "maximum": 600}),
                "opens_at": nullable(time),
                "closes_at": nullable(time),
                "attempts_allowed": nullable({"type": "integer", "minimum": 1, "maximum": 20}),
                "seeds": _enum("per_student", "shared"),
                "release": _enum("immediately", "after_close", "never"),
            },
            optional=(
                "lesson_ids",
                "objectives",
                "template_ids",
                "question_count",
                "mode",
                "time_limit_minutes",
                "opens_at",
                "closes_at",
                "attempts_allowed",
                "seeds",
                "release",
            ),
        ),
        "GradebookCell": obj(
            {
                "assessment_id": integer,
                "score": {**nullable(base.SCORE), "description": "Best finished attempt."},
                "attempts": integer,
                "in_progress": boolean,
                "late_seconds": {
                    **nullable(integer),
                    "description": "Last submission after the class's close (accommodated).",
                },
                "seconds_spent": {**integer, "description": "In finished attempts."},
                "best_attempt_id": nullable(integer),
            }
        ),
        "Gradebook": obj(
            {
                "course_id": integer,
                "assessments": {
                    "type": "array",
                    "items": obj({"id": integer, "title": string}),
                },
                "students": {
                    "type": "array",
                    "items": obj(
                        {
                            "user_id": integer,
                            "name": string,
                            "email": nullable(string),
                            "cells": {"type": "array", "items": ref("GradebookCell")},
                        }
                    ),
                },
            }
        ),
    }


def paths() -> dict[str, Any]:
    json, error, ref = base._json, base._error, base._ref
    course_id = {"name": "course_id", "in": "path", "required": True, "schema": base.ID}
    assessment_id = {"name": "assessment_id", "in": "path", "required": True, "schema": base.ID}
    user_id = {"name": "user_id", "in": "path", "required": True, "schema": base.ID}
    unauthorized = base.UNAUTHORIZED
    no_course = error("No such course among the caller's (or not staff of it).")
    forbidden = error("Teaching assistants cannot change the course.")
    invalid = error("Invalid fields; the message says which.")
    not_json = error("The body is not a JSON object.")

    def body(name: str) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {"schema": ref(name)}}}

    course = "/courses/{course_id}"
    assessment = f"{course}/assessments/{{assessment_id}}"
    return {
        "/courses": {
            "get": {
                "operationId": "listCourses",
                "summary": "The caller's courses with their role in each.",
                "responses": {
                    "200": json(
                        base._object({"courses": {"type": "array", "items": ref("Course")}}),
                        "Courses.",
                    ),
                    "401": unauthorized,
                },
            },
            "post": {
                "operationId": "createCourse",
                "summary": "Create a course (instructors); the caller becomes its instructor.",
                "requestBody": body("NewCourse"),
                "responses": {
                    "201": json(ref("Course"), "The new course."),
                    "400": not_json,
                    "401": unauthorized,
                    "403": error("Only instructors create courses."),
                    "413": base.TOO_LARGE,
                    "422": invalid,
                },
            },
        },
        "/courses/join": {
            "post": {
                "operationId": "joinCourse",
                "summary": "Join a course as a student with its join code.",
                "requestBody": body("JoinCode"),
                "responses": {
                    "200": json(ref("Course"), "The course joined (or already joined)."),
                    "400": not_json,
                    "401": unauthorized,
                    "404": error("No course has this code."),
                    "409": error("Guests sign up before they join."),
                    "413": base.TOO_LARGE,
                    "422": invalid,
                },
            }
        },
        course: {
            "get": {
                "operationId": "getCourse",
                "summary": "A course and its assessments (students: with their status).",
                "parameters": [course_id],
                "responses": {
                    "200": json(
                        base._object(
                            {
                                "course": ref("Course"),
                                "assessments": {"type": "array", "items": ref("Assessment")},
                            }
                        ),
                        "The course.",
                    ),
                    "401": unauthorized,
                    "404": no_course,
                },
            }
        },
        f"{course}/members": {
            "get": {
                "operationId": "listMembers",
                "summary": "Everyone in the course (staff only).",
                "parameters": [course_id],
                "responses": {
                    "200": json(
                        base._object({"members": {"type": "array", "items": ref("Member")}}),
                        "Members.",
                    ),
                    "401": unauthorized,
                    "404": no_course,
                },
            },
            "post": {
                "operationId": "addStaff",
                "summary": "Add a co-instructor or a teaching assistant by account email.",
                "parameters": [course_id],
                "requestBody": body("NewMember"),
                "responses": {
                    "201": json(ref("Member"), "Their membership."),
                    "400": not_json,
                    "401": unauthorized,
                    "403": forbidden,
                    "404": error("No such course, or no account with this email."),
                    "413": base.TOO_LARGE,
                    "422": invalid,
                },
            },
        },
        f"{course}/members/{{user_id}}": {
            "delete": {
                "operationId": "removeMember",
                "summary": "Remove someone from the course (their attempts are kept).",
                "parameters": [course_id, user_id],
                "responses": {
                    "204": {"description": "Removed."},
                    "401": unauthorized,
                    "403": forbidden,
                    "404": error("No such course, or not in it."),
                    "409": error("The last instructor stays."),
                },
            }
        },
        f"{course}/assessments": {
            "post": {
                "operationId": "createAssessment",
                "summary": "Assign an assessment (instructors).",
                "parameters": [course_id],
                "requestBody": body("NewAssessment"),
                "responses": {
                    "201": json(ref("Assessment"), "The assessment."),
                    "400": not_json,
                    "401": unauthorized,
                    "403": forbidden,
                    "404": error("No such course, or an unknown lesson."),
                    "413": base.TOO_LARGE,
                    "422": invalid,
                },
            }
        },
        assessment: {
            "get": {
                "operationId": "getAssessment",
                "summary": "An assessment (students: with their status and window).",
                "parameters": [course_id, assessment_id],
                "responses": {
                    "200": json(ref("Assessment"), "The assessment."),
                    "401": unauthorized,
                    "404": error("No such course or assessment among the caller's."),
                },
            }
        },
        f"{assessment}/attempts": {
            "post": {
                "operationId": "startAssessmentAttempt",
                "summary": "Start the caller's attempt, or resume the one in progress.",
                "parameters": [course_id, assessment_id],
                "responses": {
                    "201": json(ref("Attempt"), "A new attempt; take it at its links."),
                    "200": json(ref("Attempt"), "The attempt already in progress."),
                    "401": unauthorized,
                    "404": error("No such course or assessment among the caller's."),
                    "409": error("Not open yet, closed, or every attempt used; the message says."),
                    "429": base._too_many("Too many attempts started in a short time."),
                },
            }
        },
        f"{course}/gradebook": {
            "get": {
                "operationId": "getGradebook",
                "summary": "Students by assessments: best score, attempts, lateness, time (staff).",
                "parameters": [course_id],
                "responses": {
                    "200": json(ref("Gradebook"), "The gradebook."),
                    "401": unauthorized,
                    "404": no_course,
                },
            }
        },
    }
