"""The OpenAPI 3.1 description of /api/v1, written by hand next to the routes.

tests/api check both directions (every route is documented and every documented path is a
route) and validate each response they receive against the schema given here, so this
document cannot drift from what the API does.
"""

from __future__ import annotations

from typing import Any

from quizsvc import kinds
from quizsvc.api import courses_openapi
from quizsvc.api.openapi_parts import (
    BOOLEAN,
    HTML,
    ID,
    INTEGER,
    KIND,
    MODE,
    NOT_YOURS,
    SCORE,
    STRING,
    TIME,
    TOO_LARGE,
    UNAUTHORIZED,
    UNAVAILABLE,
    URL,
    _distinct,
    _error,
    _json,
    _nullable,
    _object,
    _ref,
    _too_many,
)

API_VERSION = "1.0.0"


SCHEMAS: dict[str, Any] = {
    "Error": _object({"error": _object({"code": INTEGER, "name": STRING, "message": STRING})}),
    "User": _object(
        {
            "id": INTEGER,
            "name": STRING,
            "guest": BOOLEAN,
            "role": {"type": "string", "enum": ["student", "instructor"]},
        }
    ),
    "Objective": _object({"id": STRING, "text": STRING}),
    "LessonProgress": _object(
        {
            "lesson_id": STRING,
            "questions": INTEGER,
            "answered": {**INTEGER, "description": "Distinct questions answered."},
            "mastered": {**INTEGER, "description": "Distinct questions answered correctly."},
            "attempts": {**INTEGER, "description": "Finished attempts of this lesson."},
            "best_score": _nullable(SCORE),
            "last_activity": _nullable(TIME),
        }
    ),
    "Lesson": _object(
        {
            "id": STRING,
            "title": STRING,
            "summary": STRING,
            "order": INTEGER,
            "objectives": {"type": "array", "items": _ref("Objective")},
            "prerequisites": {"type": "array", "items": STRING},
            "tags": {"type": "array", "items": STRING},
            "question_count": INTEGER,
            "url": URL,
            "progress": _nullable(_ref("LessonProgress")),
        }
    ),
    "AttemptQuestionStatus": _object(
        {
            "position": INTEGER,
            "answered": BOOLEAN,
            "correct": {
                **_nullable(BOOLEAN),
                "description": "Null until revealed (exam answers: when finished).",
            },
            "url": URL,
        }
    ),
    "Attempt": _object(
        {
            "id": INTEGER,
            "kind": {
                "type": "string",
                "enum": ["lesson", "drill", "retry", "review", "assessment"],
            },
            "mode": MODE,
            "lesson_id": _nullable(STRING),
            "title": STRING,
            "question_count": INTEGER,
            "answered": INTEGER,
            "position": {**INTEGER, "description": "The question last shown, to resume at."},
            "started_at": TIME,
            "deadline": _nullable(TIME),
            "finished_at": _nullable(TIME),
            "score": _nullable(SCORE),
            "questions": {"type": "array", "items": _ref("AttemptQuestionStatus")},
            "links": _object({"self": URL, "review": URL, "page": URL}),
        }
    ),
    "StartAttempt": {
        "oneOf": [
            _object({"lesson_id": STRING, "mode": MODE}, optional=("mode",)),
            _object(
                {
                    "drill": _object(
                        {
                            "lesson_ids": {
                                "type": "array",
                                "items": STRING,
                                "description": "Empty or absent: every lesson.",
                            },
                            "count": {"type": "integer", "minimum": 3, "maximum": 20},
                            "minutes": {
                                **_nullable({"type": "integer", "minimum": 0, "maximum": 180}),
                                "description": "Time limit; 0 or null for none.",
                            },
                            "interview": {
                                **BOOLEAN,
                                "description": "Explain questions between numeric and plot "
                                "questions, always timed: 3 minutes a question by default.",
                            },
                        },
                        optional=("lesson_ids", "count", "minutes", "interview"),
                    ),
                    "mode": MODE,
                },
                optional=("mode",),
            ),
        ]
    },
    "Figure": _object(
        {
            "index": INTEGER,
            "kind": STRING,
            "role": {"type": "string", "enum": ["prompt", "option"]},
            "caption_html": HTML,
            "url": {**URL, "description": "The figure as image/svg+xml."},
        }
    ),
    "Choice": _object(
        {
            "id": STRING,
            "html": HTML,
            "figure": {**INTEGER, "description": "plot_choice: the index of its figure."},
            "section": {**STRING, "description": "explain: the lesson section of the point."},
            "anchor": {**STRING, "description": "explain: that section's id on the lesson page."},
        },
        optional=("figure", "section", "anchor"),
    ),
    "Response": {
        "description": "; ".join(kind.response_doc for kind in kinds.REGISTRY.values()) + ".",
        "oneOf": _distinct(kind.response_schema for kind in kinds.REGISTRY.values()),
    },
    "Result": _object({"score": SCORE, "correct": BOOLEAN, "feedback_html": HTML}),
    "Answer": _object(
        {
            "response": _ref("Response"),
            "answer_html": HTML,
            "submitted_at": TIME,
            "result": {
                **_nullable(_ref("Result")),
                "description": (
                    "Null in exam mode until the attempt is finished, and in practice while a "
                    "wrong answer still has tries left (the result would give the key away)."
                ),
            },
            "try_feedback_html": {
                **_nullable(HTML),
                "description": (
                    "Practice, after a wrong try with tries left: how far off it was (never the "
                    "key). Null otherwise."
                ),
            },
        }
    ),
    "Tries": _object(
        {
            "allowed": {**INTEGER, "description": "Answers this question takes (1 in exams)."},
            "used": INTEGER,
            "left": {**INTEGER, "description": "Tries still open after a wrong one; else 0."},
            "credit_percent": {
                **{"type": "array", "items": INTEGER},
                "description": "Percent of the score a right answer earns on try 1, 2, ...",
            },
        }
    ),
    "Draft": _object(
        {
            "response": {
                **_ref("Response"),
                "description": "As entered, readable or not (a number typed as '0,5').",
            },
            "saved_at": TIME,
            "problem": {
                **_nullable(STRING),
                "description": "Why it could not be graded when the attempt ended; else null.",
            },
        }
    ),
    "Question": _object(
        {
            "attempt_id": INTEGER,
            "position": INTEGER,
            "kind": KIND,
            "prompt_html": HTML,
            "figures": {"type": "array", "items": _ref("Figure")},
            "choices": {
                "type": "array",
                "items": _ref("Choice"),
                "description": "Choices; for ordering, the items to order.",
            },
            "objectives": {"type": "array", "items": STRING},
            "difficulty": INTEGER,
            "hints_html": {"type": "array", "items": HTML},
            "hints_total": INTEGER,
            "can_answer": BOOLEAN,
            "tries": _ref("Tries"),
            "answer": _nullable(_ref("Answer")),
            "draft": {
                **_nullable(_ref("Draft")),
                "description": (
                    "What was entered but not submitted; graded when the attempt ends."
                ),
            },
            "correct_answer_html": _nullable(HTML),
            "explanation_html": _nullable(HTML),
            "model_answer_html": {
                **_nullable(HTML),
                "description": "explain: the model answer, in the answer to POST model-answer.",
            },
        }
    ),
    "AnswerRequest": _object({"response": _ref("Response")}),
    "DraftRequest": _object(
        {"response": {**_nullable(_ref("Response")), "description": "null clears the draft."}}
    ),
    "AnswerResult": _object(
        {
            "recorded": {
                **BOOLEAN,
                "description": "False when this answer was already recorded (sent twice).",
            },
            "question": _ref("Question"),
        }
    ),
    "Review": _object(
        {"attempt": _ref("Attempt"), "questions": {"type": "array", "items": _ref("Question")}}
    ),
    "Progress": _object(
        {
            "user": _ref("User"),
            "lessons": {"type": "array", "items": _ref("LessonProgress")},
            "attempts": _object({"finished": INTEGER, "in_progress": INTEGER}),
        }
    ),
}


ATTEMPT_ID = {"name": "attempt_id", "in": "path", "required": True, "schema": ID}
POSITION = {
    "name": "position",
    "in": "path",
    "required": True,
    "schema": {**ID, "minimum": 1},
}
PUBLIC: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}, {"cookieAuth": []}]


def _paths() -> dict[str, Any]:
    attempt = "/attempts/{attempt_id}"
    question = f"{attempt}/questions/{{position}}"
    return {
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document.",
                "security": PUBLIC,
                "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
            }
        },
        "/me": {
            "get": {
                "operationId": "me",
                "summary": "Who the token or session belongs to.",
                "responses": {"200": _json(_ref("User"), "The caller."), "401": UNAUTHORIZED},
            }
        },
        "/lessons": {
            "get": {
                "operationId": "listLessons",
                "summary": "Lessons in course order; with the caller's progress when known.",
                "security": PUBLIC,
                "responses": {
                    "200": _json(
                        _object({"lessons": {"type": "array", "items": _ref("Lesson")}}),
                        "The lessons.",
                    ),
                    "401": _error("A token was sent but is unknown or revoked."),
                },
            }
        },
        "/progress": {
            "get": {
                "operationId": "getProgress",
                "summary": "The caller's progress on every lesson.",
                "responses": {"200": _json(_ref("Progress"), "Progress."), "401": UNAUTHORIZED},
            }
        },
        "/attempts": {
            "get": {
                "operationId": "listAttempts",
                "summary": "The caller's attempts, newest first.",
                "responses": {
                    "200": _json(
                        _object({"attempts": {"type": "array", "items": _ref("Attempt")}}),
                        "Attempts.",
                    ),
                    "401": UNAUTHORIZED,
                },
            },
            "post": {
                "operationId": "startAttempt",
                "summary": "Start a lesson attempt or a drill; its variants are generated now.",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("StartAttempt")}},
                },
                "responses": {
                    "201": _json(_ref("Attempt"), "The new attempt."),
                    "400": _error("The body is not a JSON object."),
                    "401": UNAUTHORIZED,
                    "404": _error("No such lesson (lesson_id, or one of drill.lesson_ids)."),
                    "413": TOO_LARGE,
                    "409": _error(
                        "The lesson has no questions (or, for an interview, the "
                        "lessons have no interview questions)."
                    ),
                    "422": _error("Invalid options; the message says which."),
                    "429": _too_many("Too many attempts started in a short time."),
                },
            },
        },
        attempt: {
            "get": {
                "operationId": "getAttempt",
                "summary": "An attempt and the state of its questions.",
                "parameters": [ATTEMPT_ID],
                "responses": {
                    "200": _json(_ref("Attempt"), "The attempt."),
                    "401": UNAUTHORIZED,
                    "404": NOT_YOURS,
                },
            }
        },
        f"{attempt}/finish": {
            "post": {
                "operationId": "finishAttempt",
                "summary": (
                    "Grade the attempt: drafts are graded, questions without an answer or a "
                    "readable draft score 0. Idempotent."
                ),
                "parameters": [ATTEMPT_ID],
                "responses": {
                    "200": _json(_ref("Attempt"), "The finished attempt."),
                    "401": UNAUTHORIZED,
                    "404": NOT_YOURS,
                },
            }
        },
        f"{attempt}/review": {
            "get": {
                "operationId": "getReview",
                "summary": "Every question with the answer given, the key and the explanation.",
                "parameters": [ATTEMPT_ID],
                "responses": {
                    "200": _json(_ref("Review"), "The review."),
                    "401": UNAUTHORIZED,
                    "404": NOT_YOURS,
                    "409": _error("The attempt is not finished yet."),
                },
            }
        },
        question: {
            "get": {
                "operationId": "getQuestion",
                "summary": "One question, never with its answer key before it is answered.",
                "parameters": [ATTEMPT_ID, POSITION],
                "responses": {
                    "200": _json(_ref("Question"), "The question."),
                    "401": UNAUTHORIZED,
                    "404": NOT_YOURS,
                },
            }
        },
        f"{question}/answer": {
            "post": {
                "operationId": "submitAnswer",
                "summary": "Grade and save an answer; the same answer sent twice is saved once.",
                "parameters": [ATTEMPT_ID, POSITION],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("AnswerRequest")}},
                },
                "responses": {
                    "201": _json(_ref("AnswerResult"), "Saved (and graded)."),
                    "200": _json(_ref("AnswerResult"), "This answer was already saved."),
                    "400": _error("The body is not a JSON object."),
                    "401": UNAUTHORIZED,
                    "404": NOT_YOURS,
                    "409": _error(
                        "Finished attempt, a practice question already answered, or another "
                        "answer to this question arriving at the same moment."
                    ),
                    "413": TOO_LARGE,
                    "422": _error("Malformed answer (not counted); the message says why."),
                    "429": _too_many("Too many answers in a short time."),
                },
            }
        },
        f"{question}/draft": {
            "post": {
                "operationId": "saveDraft",
                "summary": (
                    "Keep what is entered but not submitted. Never graded while the attempt "
                    "runs; graded when it is finished or its time is up."
                ),
                "parameters": [ATTEMPT_ID, POSITION],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("DraftRequest")}},
                },
                "responses": {
                    "200": _json(_ref("Question"), "Kept; the question with its draft."),
                    "400": _error("The body is not a JSON object."),
                    "401": UNAUTHORIZED,
                    "404": NOT_YOURS,
                    "409": _error("Finished attempt, or a practice question already answered."),
                    "413": TOO_LARGE,
                    "422": _error("Not the shape of this question's response, or too long."),
                    "429": _too_many("Too many drafts in a short time."),
                },
            }
        },
        f"{question}/hints": {
            "post": {
                "operationId": "revealHint",
                "summary": "Reveal the next hint (recorded with the answer).",
                "parameters": [ATTEMPT_ID, POSITION],
                "responses": {
                    "200": _json(_ref("Question"), "The question with one more hint."),
                    "401": UNAUTHORIZED,
                    "404": NOT_YOURS,
                },
            }
        },
        f"{question}/model-answer": {
            "post": {
                "operationId": "showModelAnswer",
                "summary": "The model answer of an explain question, to compare your answer "
                "with before you send the rubric points it covered; nothing is stored.",
                "parameters": [ATTEMPT_ID, POSITION],
                "responses": {
                    "200": _json(_ref("Question"), "The question with model_answer_html."),
                    "401": UNAUTHORIZED,
                    "404": NOT_YOURS,
                },
            }
        },
        f"{question}/figures/{{index}}": {
            "get": {
                "operationId": "getFigure",
                "summary": "A figure of the question as SVG, with its alt text inside.",
                "parameters": [
                    ATTEMPT_ID,
                    POSITION,
                    {"name": "index", "in": "path", "required": True, "schema": ID},
                ],
                "responses": {
                    "200": {
                        "description": "The figure.",
                        "content": {"image/svg+xml": {"schema": STRING}},
                    },
                    "401": UNAUTHORIZED,
                    "404": NOT_YOURS,
                },
            }
        },
    }


def _with_unavailable(paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation that reads the database may answer 503 while it cannot."""
    for path, operations in paths.items():
        if path != "/openapi.json":
            for operation in operations.values():
                operation["responses"]["503"] = UNAVAILABLE
    return paths


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "quizsvc API",
            "version": API_VERSION,
            "description": (
                "Lessons, quiz attempts with fresh simulated variants, grading and review. "
                "Authenticate with a personal token from your account page "
                "(`Authorization: Bearer qz_...`) or the browser session; session requests "
                "that change something need the `X-CSRFToken` header."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
        "paths": _with_unavailable({**_paths(), **courses_openapi.paths()}),
        "components": {
            "schemas": {**SCHEMAS, **courses_openapi.schemas()},
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }
