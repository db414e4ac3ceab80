"""Item analytics from the attempts learners finished: loading, grouping and CSV.

What counts: every question of a *finished* attempt by a learner (instructors trying their own
questions are left out), graded as it counted for the attempt (the latest answer). Abandoned
attempts are left out: their unanswered questions say nothing about the items, and without a
final score there is no "rest of the attempt" to discriminate against.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from quizsvc.analytics.labels import Labeler, display_html
from quizsvc.analytics.params import ParameterEffect, parameter_effects
from quizsvc.analytics.stats import SMALL_SAMPLE as SMALL_SAMPLE  # the pages warn below it
from quizsvc.analytics.stats import (
    Answer,
    ItemStats,
    ScoreDistribution,
    item_stats,
    rest_scores,
    score_distribution,
)
from quizsvc.db import get_session
from quizsvc.progress.models import Attempt, AttemptKind, AttemptQuestion, Response, Role, User
from quizsvc.services import catalog
from quizsvc.services.errors import NotFound
from quizsvc.services.question_lines import first_line_text

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); learner
# input such as "=1/1000" is exported with a leading apostrophe instead.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class LessonSummary:
    lesson_id: str
    title: str
    scores: ScoreDistribution  # finished attempts of this lesson's own quiz
    items: tuple[ItemStats, ...]  # every template of the lesson with answers (drills included)


@dataclass(frozen=True)
class TemplateAnalytics:
    template_id: str
    lesson_id: str
    kind: str
    stats: ItemStats
    effects: tuple[ParameterEffect, ...]
    answers: tuple[Answer, ...]


def _finished_by_learners(query: Select[Any]) -> Select[Any]:
    return (
        query.join(Attempt, AttemptQuestion.attempt_id == Attempt.id)
        .join(User, Attempt.user_id == User.id)
        .where(Attempt.finished_at.is_not(None), User.role != Role.INSTRUCTOR)
    )


def load_answers(
    *,
    template_id: str | None = None,
    lesson_id: str | None = None,
    attempt_ids: Sequence[int] | None = None,
) -> list[Answer]:
    """Answers to one template, one lesson's templates, or everything; of chosen attempts only
    when `attempt_ids` is given (an assessment's).

    Every question of the attempts involved is loaded, since each answer's discrimination
    needs the rest of its attempt.
    """
    session = get_session()
    involved = _finished_by_learners(select(AttemptQuestion.attempt_id))
    if template_id is not None:
        involved = involved.where(AttemptQuestion.template_id == template_id)
    if lesson_id is not None:
        involved = involved.where(AttemptQuestion.lesson_id == lesson_id)
    if attempt_ids is not None:
        involved = involved.where(AttemptQuestion.attempt_id.in_(attempt_ids))
    query = (
        select(AttemptQuestion, Attempt.user_id)
        .join(Attempt, AttemptQuestion.attempt_id == Attempt.id)
        .where(AttemptQuestion.attempt_id.in_(involved.distinct()))
        .order_by(AttemptQuestion.attempt_id, AttemptQuestion.position)
    )
    rows = session.execute(query).all()
    responses = _responses([question.id for question, _ in rows])
    labelers: dict[tuple[str, str], Labeler] = {}
    by_attempt: dict[int, list[tuple[AttemptQuestion, int]]] = defaultdict(list)
    for question, user_id in rows:
        by_attempt[question.attempt_id].append((question, user_id))
    answers = []
    for questions in by_attempt.values():
        rests = rest_scores([q.score for q, _ in questions])
        for (question, user_id), rest in zip(questions, rests, strict=True):
            if template_id is not None and question.template_id != template_id:
                continue
            if lesson_id is not None and question.lesson_id != lesson_id:
                continue
            labeler = labelers.get((question.template_id, question.content_hash))
            if labeler is None:
                labeler = labelers.setdefault(
                    (question.template_id, question.content_hash), _labeler(question)
                )
            answers.append(
                _answer(question, user_id, rest, responses.get(question.id, []), labeler)
            )
    return answers


def _responses(question_ids: Sequence[int]) -> dict[int, list[Response]]:
    found: dict[int, list[Response]] = defaultdict(list)
    if not question_ids:
        return found
    query = select(Response).where(Response.question_id.in_(question_ids)).order_by(Response.seq)
    for response in get_session().scalars(query):
        found[response.question_id].append(response)
    return found


def _labeler(question: AttemptQuestion) -> Labeler:
    """Labels from the current template only when the variant came from this very content."""
    try:
        template = catalog.template(question.template_id)
    except NotFound:
        return Labeler(None)
    return Labeler(template if template.content_hash == question.content_hash else None)


def _answer(
    question: AttemptQuestion,
    user_id: int,
    rest: float | None,
    responses: list[Response],
    labeler: Labeler,
) -> Answer:
    variant = question.variant
    answered = question.answered and bool(responses)
    correct = bool(question.correct) if answered else False
    wrong: tuple[str, ...] = ()
    wrong_html: tuple[str, ...] = ()
    if answered and not correct:
        latest = responses[-1]
        shown = labeler.wrong_shown(variant, latest.parsed, latest.feedback_html)
        wrong = tuple(label for label, _ in shown)
        wrong_html = tuple(display_html(label, html) for label, html in shown)
    first_ms = responses[0].elapsed_ms if responses else None
    return Answer(
        attempt_id=question.attempt_id,
        template_id=question.template_id,
        lesson_id=question.lesson_id,
        kind=variant["kind"],
        answered=answered,
        score=float(question.score or 0.0) if answered else 0.0,
        correct=correct,
        user_id=user_id,
        seed=question.seed,
        seconds=first_ms / 1000 if first_ms is not None else None,
        rest=rest,
        params=variant.get("params", {}),
        wrong=wrong,
        wrong_html=wrong_html,
    )


def _items(answers: Iterable[Answer]) -> tuple[ItemStats, ...]:
    by_template: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_template[answer.template_id].append(answer)
    return tuple(item_stats(tid, found) for tid, found in sorted(by_template.items()))


def attempt_items(attempt_ids: Sequence[int]) -> tuple[ItemStats, ...]:
    """Item statistics of chosen finished attempts (an assessment's), by template."""
    return _items(load_answers(attempt_ids=attempt_ids)) if attempt_ids else ()


def lesson_scores(lesson_id: str) -> ScoreDistribution:
    query = (
        select(Attempt.score)
        .join(User, Attempt.user_id == User.id)
        .where(
            Attempt.kind == AttemptKind.LESSON,
            Attempt.lesson_id == lesson_id,
            Attempt.finished_at.is_not(None),
            User.role != Role.INSTRUCTOR,
        )
    )
    return score_distribution([float(s or 0.0) for s in get_session().scalars(query)])


def lesson_summary(lesson_id: str) -> LessonSummary:
    return LessonSummary(
        lesson_id=lesson_id,
        title=catalog.lesson_title(lesson_id),
        scores=lesson_scores(lesson_id),
        items=_items(load_answers(lesson_id=lesson_id)),
    )


def overview() -> list[LessonSummary]:
    """Every lesson of the catalog, then any lesson that only the stored answers still know."""
    answers = load_answers()
    by_lesson: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_lesson[answer.lesson_id].append(answer)
    lesson_ids = [lesson.id for lesson in catalog.lessons()]
    lesson_ids += sorted(set(by_lesson) - set(lesson_ids))
    return [
        LessonSummary(
            lesson_id=lesson_id,
            title=catalog.lesson_title(lesson_id),
            scores=lesson_scores(lesson_id),
            items=_items(by_lesson.get(lesson_id, [])),
        )
        for lesson_id in lesson_ids
    ]


def template_analytics(template_id: str) -> TemplateAnalytics:
    answers = load_answers(template_id=template_id)
    if not answers:
        template = catalog.template(template_id)  # NotFound for an unknown id
        lesson_id, kind = template.lesson_id, template.kind
    else:
        lesson_id, kind = answers[0].lesson_id, answers[0].kind
    return TemplateAnalytics(
        template_id=template_id,
        lesson_id=lesson_id,
        kind=kind,
        stats=item_stats(template_id, answers),
        effects=tuple(parameter_effects(answers)),
        answers=tuple(answers),
    )


# --- CSV --------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


ITEM_COLUMNS = (
    "lesson_id",
    "template_id",
    "question",
    "answered",
    "unanswered",
    "facility",
    "mean_score",
    "discrimination",
    "median_seconds",
    "top_wrong_answer",
    "top_wrong_count",
)


def items_csv(summaries: Sequence[LessonSummary]) -> str:
    """One row per question of the lessons, with its first line: the numbers of the analytics
    tables, and the questions nobody has answered yet (0 answered, no statistics)."""
    rows = []
    templates = catalog.get_catalog().templates
    for summary in summaries:
        seen = set()
        for item in summary.items:
            seen.add(item.template_id)
            top = item.wrong_answers[0] if item.wrong_answers else None
            template = templates.get(item.template_id)
            rows.append((
                summary.lesson_id, item.template_id,
                first_line_text(template) if template else None, item.answered, item.unanswered,
                item.facility, item.mean_score, item.discrimination, item.median_seconds,
                top.label if top else None, top.count if top else None,
            ))  # fmt: skip
        known = {lesson.id: lesson for lesson in catalog.lessons()}
        lesson = known.get(summary.lesson_id)
        for template in lesson.questions if lesson else ():
            if template.id not in seen:
                rows.append((summary.lesson_id, template.id, first_line_text(template), 0, 0,
                             None, None, None, None, None, None))  # fmt: skip
    return _csv(ITEM_COLUMNS, rows)


def answers_csv(analytics: TemplateAnalytics) -> str:
    """One row per answer to one template, with its parameters, for analyses of one's own."""
    names = sorted({name for a in analytics.answers for name in a.params})
    header = [
        "attempt_id", "user_id", "seed", "answered", "score", "correct", "seconds",
        "rest_score", "wrong_answer", *(f"param_{name}" for name in names),
    ]  # fmt: skip
    rows = [
        [a.attempt_id, a.user_id, a.seed, a.answered, a.score, a.correct, a.seconds, a.rest]
        + [" | ".join(a.wrong) or None]
        + [a.params.get(name) for name in names]
        for a in analytics.answers
    ]
    return _csv(header, rows)
