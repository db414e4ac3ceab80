"""A learner's earlier answers to the same template, so that a self-assessed answer (an
explanation in their own words) can be compared with the ones they gave before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from quizsvc import kinds
from quizsvc.db import get_session
from quizsvc.progress.models import Attempt, AttemptQuestion, Response
from quizsvc.quiz import Variant

SHOWN = 5  # the most recent answers listed


@dataclass(frozen=True)
class EarlierAnswer:
    submitted_at: datetime
    answer_html: str  # in the words of the variant it answered
    score: float


def earlier_answers(question: AttemptQuestion) -> tuple[EarlierAnswer, ...]:
    """The learner's latest answers to ``question``'s template in other attempts, newest first;
    none for a kind that grades answers itself."""
    kind = kinds.get(question.variant["kind"])
    if not kind.self_assessed:
        return ()
    rows = get_session().execute(
        select(Response, AttemptQuestion.variant)
        .join(Response.question)
        .join(AttemptQuestion.attempt)
        .where(
            Attempt.user_id == question.attempt.user_id,
            AttemptQuestion.template_id == question.template_id,
            AttemptQuestion.id != question.id,
        )
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(SHOWN)
    )
    return tuple(
        EarlierAnswer(
            r.submitted_at,
            kind.answer_html(Variant.from_dict(variant).public_dict(), r.raw),
            r.score,
        )
        for r, variant in rows
    )
