"""Regrade an assessment after a lesson file changed a key or a tolerance.

Every stored question whose template has changed since it was generated is generated again
from the current template with its own variant seed (so the student's numbers stay theirs when
the change was to the key alone), and each stored answer is graded against that new variant.
`preview` lists what would change and a fingerprint of it; `apply` recomputes the plan and
stores it only if the fingerprint still matches, so what is stored is exactly what the
instructor confirmed. Mastery and review schedules are not replayed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.courses import Assessment, AssessmentAttempt
from quizsvc.progress.models import AttemptQuestion, Response, User
from quizsvc.quiz import AnswerError, Grade, Variant, VariantError, generate, grade
from quizsvc.services import catalog
from quizsvc.services.courses.assessments import get_assessment
from quizsvc.services.courses.people import instructor_course
from quizsvc.services.errors import Conflict, NotFound
from quizsvc.sim import ValidationError as SimValidationError

logger = logging.getLogger("quizsvc.regrade")


@dataclass(frozen=True)
class Change:
    """One question whose grade (or stored variant) changes."""

    attempt_id: int
    student: str
    position: int
    template_id: str
    old_score: float | None
    new_score: float | None
    note: str = ""  # why it cannot be regraded, or what else changes


@dataclass(frozen=True)
class Plan:
    assessment: Assessment
    changes: list[Change]
    checked: int  # stored questions looked at
    stale: int  # of them, generated from an older version of their template
    fingerprint: str
    updates: list[tuple[AttemptQuestion, Variant, list[tuple[Response, Grade | None]]]]

    @property
    def score_changes(self) -> list[Change]:
        return [c for c in self.changes if c.old_score != c.new_score]


def _regenerate(question: AttemptQuestion) -> Variant | str:
    """The question's variant from the current template and its own seed, or why not."""
    try:
        template = catalog.template(question.template_id)
    except NotFound:
        return "its template is no longer in the lessons; kept as it was"
    if template.content_hash == question.content_hash:
        return "unchanged"
    try:
        return generate(template, question.seed)
    except (VariantError, SimValidationError) as exc:
        return f"the new template fails with this seed ({exc}); kept as it was"


def _regrade(variant: Variant, response: Response) -> Grade | None:
    try:
        return grade(variant, response.raw)
    except AnswerError:
        return None  # the new version cannot read this answer: it scores 0


def _plan(assessment: Assessment) -> Plan:
    session = get_session()
    links = session.scalars(
        select(AssessmentAttempt)
        .where(AssessmentAttempt.assessment_id == assessment.id)
        .order_by(AssessmentAttempt.attempt_id)
    )
    changes: list[Change] = []
    updates = []
    checked = stale = 0
    for link in links:
        attempt = link.attempt
        student = get_session().get(User, link.user_id)
        name = student.name if student else f"#{link.user_id}"
        for question in attempt.questions:
            checked += 1
            outcome = _regenerate(question)
            if outcome == "unchanged":
                continue
            stale += 1
            if isinstance(outcome, str):
                changes.append(Change(attempt.id, name, question.position, question.template_id,
                                      question.score, question.score, outcome))  # fmt: skip
                continue
            responses = list(question.responses)
            graded = [(r, _regrade(outcome, r)) for r in responses]
            new_score = None
            if graded:
                last = graded[-1][1]
                new_score = last.score if last is not None else 0.0
            unreadable = any(g is None for _, g in graded)
            note = "an answer cannot be read by the new version and scores 0" if unreadable else ""
            changes.append(Change(attempt.id, name, question.position, question.template_id,
                                  question.score, new_score, note))  # fmt: skip
            updates.append((question, outcome, graded))
    digest = hashlib.sha256(
        json.dumps([c.__dict__ for c in changes], sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    return Plan(assessment, changes, checked, stale, digest, updates)


def preview(user: User, course_id: int, assessment_id: int) -> Plan:
    instructor_course(user, course_id)
    return _plan(get_assessment(course_id, assessment_id))


def apply(user: User, course_id: int, assessment_id: int, fingerprint: str) -> Plan:
    """Store the regrade the instructor saw (`fingerprint` from `preview`)."""
    instructor_course(user, course_id)
    plan = _plan(get_assessment(course_id, assessment_id))
    if plan.fingerprint != fingerprint:
        raise Conflict("The stored answers or the lessons changed since the preview; look again.")
    touched = set()
    for question, variant, graded in plan.updates:
        question.variant = variant.to_dict()
        question.content_hash = variant.content_hash
        question.engine_version = variant.engine_version
        for response, result in graded:
            response.score = result.score if result else 0.0
            response.correct = result.correct if result else False
            if result is not None:
                response.feedback_html = result.feedback_html
                response.correct_answer_html = result.correct_answer_html
                response.parsed = _jsonable(result.parsed)
        if graded:
            last = graded[-1][0]
            question.score, question.correct = last.score, last.correct
        touched.add(question.attempt)
    for attempt in touched:
        if attempt.finished:
            scores = [q.score or 0.0 for q in attempt.questions]
            attempt.score = sum(scores) / len(scores) if scores else 0.0
    get_session().commit()
    logger.info(
        "regraded",
        extra={"fields": {"event": "regrade", "assessment": assessment_id,
                          "questions": len(plan.updates)}},
    )  # fmt: skip
    return plan


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value
