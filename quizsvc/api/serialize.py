"""Service results as JSON documents; the shapes are the schemas in quizsvc.api.openapi.

Nothing here reads the answer key: questions are built from `Variant.public_dict()`, and
results appear only when the service says they may be revealed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for

from quizsvc.content import Lesson
from quizsvc.progress.models import Attempt, User
from quizsvc.services.attempts import QuestionView, attempt_title, results_visible
from quizsvc.services.progress import LessonStatus


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def user_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.name, "guest": user.is_guest, "role": user.role.value}


def lesson_json(lesson: Lesson, status: LessonStatus | None) -> dict[str, Any]:
    return {
        "id": lesson.id,
        "title": lesson.title,
        "summary": lesson.summary,
        "order": lesson.order,
        "objectives": [{"id": o.id, "text": o.text} for o in lesson.objectives],
        "prerequisites": list(lesson.prerequisites),
        "tags": list(lesson.tags),
        "question_count": len(lesson.questions),
        "url": url_for("lessons.lesson", lesson_id=lesson.id, _external=True),
        "progress": progress_json(status) if status is not None else None,
    }


def progress_json(status: LessonStatus) -> dict[str, Any]:
    return {
        "lesson_id": status.lesson.id,
        "questions": status.total,
        "answered": status.answered,
        "mastered": status.mastered,
        "attempts": status.progress.attempts,
        "best_score": status.progress.best_score,
        "last_activity": _time(status.progress.last_activity),
    }


def attempt_json(attempt: Attempt) -> dict[str, Any]:
    released = results_visible(attempt)
    reveal = released and (attempt.finished or attempt.mode.value == "practice")
    deadline = attempt.deadline()
    return {
        "id": attempt.id,
        "kind": attempt.kind.value,
        "mode": attempt.mode.value,
        "lesson_id": attempt.lesson_id,
        "title": attempt_title(attempt),
        "question_count": attempt.question_count,
        "answered": sum(1 for q in attempt.questions if q.answered),
        "position": attempt.position,
        "started_at": _time(attempt.started_at),
        "deadline": _time(deadline),
        "finished_at": _time(attempt.finished_at),
        "score": attempt.score if released else None,
        "questions": [
            {
                "position": q.position,
                "answered": q.answered,
                "correct": q.correct if reveal and q.answered else None,
                "url": url_for(
                    "api.question", attempt_id=attempt.id, position=q.position, _external=True
                ),
            }
            for q in attempt.questions
        ],
        "links": {
            "self": url_for("api.attempt", attempt_id=attempt.id, _external=True),
            "review": url_for("api.review", attempt_id=attempt.id, _external=True),
            "page": url_for("quiz.resume", attempt_id=attempt.id, _external=True),
        },
    }


def question_json(view: QuestionView) -> dict[str, Any]:
    public = view.public
    attempt_id, position = view.attempt.id, view.position
    latest = view.latest
    answer: dict[str, Any] | None = None
    if latest is not None:
        answer = {
            "response": latest.raw,
            "answer_html": view.answer_html,
            "submitted_at": _time(latest.submitted_at),
            "result": {
                "score": latest.score,
                "correct": latest.correct,
                "feedback_html": latest.feedback_html,
            }
            if view.reveal
            else None,
            "try_feedback_html": view.try_feedback_html or None,
        }
    draft = view.draft
    return {
        "attempt_id": attempt_id,
        "position": position,
        "kind": public["kind"],
        "prompt_html": public["prompt_html"],
        "figures": [
            {
                "index": f["index"],
                "kind": f["kind"],
                "role": f["role"],
                "caption_html": f["caption_html"],
                "url": url_for(
                    "api.figure",
                    attempt_id=attempt_id,
                    position=position,
                    index=f["index"],
                    _external=True,
                ),
            }
            for f in public["figures"]
        ],
        "choices": public["choices"],
        "objectives": public["objectives"],
        "difficulty": public["difficulty"],
        "hints_html": view.hints_html,
        "hints_total": view.hints_total,
        "can_answer": view.can_answer,
        "tries": {
            "allowed": view.tries_allowed,
            "used": view.tries_used,
            "left": view.tries_left,
            "credit_percent": view.credit_steps,
        },
        "answer": answer,
        "draft": {
            "response": draft.raw,
            "saved_at": _time(draft.saved_at),
            "problem": draft.problem or None,
        }
        if draft is not None
        else None,
        "correct_answer_html": view.correct_answer_html if view.reveal else None,
        "explanation_html": view.explanation_html if view.reveal else None,
        "model_answer_html": view.model_answer_html or None,
    }
