"""A seeded data set of finished attempts, graded by the real grader, for the analytics tests."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask

from quizsvc.db import get_session
from quizsvc.progress.models import (
    Attempt,
    AttemptKind,
    AttemptQuestion,
    Mode,
    Response,
    utcnow,
)
from quizsvc.quiz import Variant, grade

UNANSWERED = object()


@dataclass
class Pick:
    """One question of a seeded attempt: the variant, what was answered and how fast."""

    variant: dict[str, Any]
    response: Any = UNANSWERED
    seconds: float = 10.0
    params: dict[str, Any] = field(default_factory=dict)  # overrides of the variant's


def add_attempt(
    app: Flask,
    user_id: int,
    picks: list[Pick],
    *,
    lesson_id: str | None = "web-gradients",
    kind: AttemptKind = AttemptKind.LESSON,
    finished: bool = True,
) -> int:
    with app.app_context():
        session = get_session()
        now = utcnow()
        questions, scores = [], []
        for position, pick in enumerate(picks, start=1):
            variant = copy.deepcopy(pick.variant)
            variant["params"].update(pick.params)
            question = AttemptQuestion(
                position=position,
                template_id=variant["template_id"],
                lesson_id=variant["lesson_id"],
                content_hash=variant["content_hash"],
                engine_version=variant["engine_version"],
                seed=variant["seed"],
                variant=variant,
                first_viewed_at=now - timedelta(seconds=pick.seconds),
            )
            if pick.response is not UNANSWERED:
                result = grade(Variant.from_dict(variant), pick.response)
                parsed = list(result.parsed) if isinstance(result.parsed, tuple) else result.parsed
                question.answered_at, question.score, question.correct = (
                    now,
                    result.score,
                    result.correct,
                )
                question.responses.append(
                    Response(
                        seq=1, raw=pick.response, parsed=parsed, score=result.score,
                        correct=result.correct, feedback_html=result.feedback_html,
                        correct_answer_html=result.correct_answer_html,
                        elapsed_ms=int(pick.seconds * 1000), submitted_at=now,
                    )
                )  # fmt: skip
            scores.append(question.score or 0.0)
            questions.append(question)
        attempt = Attempt(
            user_id=user_id, kind=kind, mode=Mode.PRACTICE, lesson_id=lesson_id, seed=1,
            question_count=len(questions), time_limit_s=None, started_at=now,
            finished_at=now if finished else None,
            score=sum(scores) / len(scores) if finished else None, questions=questions,
        )  # fmt: skip
        session.add(attempt)
        session.commit()
        return attempt.id
