"""Quiz attempts: start (variants generated and stored), answer, finish, review.

Variants are generated when an attempt starts and stored whole, so grading is a function of
stored data; figures are drawn later, when a question is first shown (see services.figures).
Every read goes through `get_attempt`, which answers NotFound for another learner's attempt,
so pages and the API cannot disagree about who may see what.
"""

from __future__ import annotations

import hashlib
import logging
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from quizsvc.db import get_session
from quizsvc.progress.models import (
    Attempt,
    AttemptKind,
    AttemptQuestion,
    Mode,
    Response,
    User,
    utcnow,
)
from quizsvc.services import catalog, progress_events
from quizsvc.services.errors import Conflict, InvalidInput, NotFound

if TYPE_CHECKING:
    from quizsvc.content import QuestionTemplate
    from quizsvc.quiz import Grade, Variant

# quizsvc.quiz and quizsvc.content import torch and matplotlib; they are imported where they
# are used, so that create_app and commands such as `quizsvc db upgrade` stay fast.

logger = logging.getLogger("quizsvc.attempts")

DEFAULT_QUESTIONS = 10
MAX_QUESTIONS = 20
MIN_DRILL_QUESTIONS = 3
DEFAULT_DRILL_MINUTES = 15
MAX_DRILL_MINUTES = 180
# Seeds tried per question before a template is skipped for this attempt; `quizsvc content
# check` finds templates that fail, this only keeps one bad seed from blocking a learner.
GENERATION_TRIES = 3
# Answers that arrive this long after a deadline still count (the request was in flight).
DEADLINE_GRACE = timedelta(seconds=5)


@dataclass(frozen=True)
class DrillOptions:
    lesson_ids: Sequence[str]
    count: int = DEFAULT_QUESTIONS
    minutes: int | None = DEFAULT_DRILL_MINUTES
    mode: Mode = Mode.EXAM


@dataclass(frozen=True)
class QuestionView:
    """One question as its learner may see it now."""

    attempt: Attempt
    question: AttemptQuestion
    public: dict[str, Any]  # Variant.public_dict(): never the answer key
    latest: Response | None
    reveal: bool  # feedback, answer key and explanation may be shown
    explanation_html: str  # "" unless reveal
    correct_answer_html: str  # "" unless reveal
    hints_html: list[str]  # the hints revealed so far
    hints_total: int
    can_answer: bool

    @property
    def position(self) -> int:
        return self.question.position

    @property
    def answer_html(self) -> str:
        """The learner's latest answer as they chose it, in the question's own words."""
        if self.latest is None:
            return ""
        kind, raw = self.public["kind"], self.latest.raw
        choices = {c["id"]: c["html"] for c in self.public["choices"]}
        if kind == "numeric":
            return f"<p>{escape(raw)}</p>"
        if kind in ("single", "plot_choice"):
            return choices.get(raw, "")
        items = "".join(f"<li>{choices.get(choice_id, '')}</li>" for choice_id in raw)
        return f"<ol>{items}</ol>" if kind == "ordering" else f"<ul>{items}</ul>"


@dataclass(frozen=True)
class Submission:
    view: QuestionView
    recorded: bool  # False when the same answer was already recorded (a double submission)


# --- starting ---------------------------------------------------------------------------------


def question_count() -> int:
    return int(current_app.config.get("QUIZ_QUESTIONS", DEFAULT_QUESTIONS))


def start_lesson_attempt(
    user: User, lesson_id: str, mode: Mode, count: int | None = None
) -> Attempt:
    lesson = catalog.lesson(lesson_id)
    if not lesson.questions:
        raise Conflict(f"The lesson {lesson.title!r} has no questions yet.")
    seed = secrets.randbits(31)
    wanted = min(count or question_count(), MAX_QUESTIONS)
    chosen = _sample(lesson.questions, wanted, random.Random(seed))
    # Easier questions first: a gentle ramp, while the sample itself stays random.
    chosen.sort(key=lambda t: t.difficulty)
    return _create(user, AttemptKind.LESSON, mode, lesson.id, chosen, seed, None)


def start_drill(user: User, options: DrillOptions) -> Attempt:
    all_lessons = catalog.lessons()
    wanted_ids = set(options.lesson_ids) or {lesson.id for lesson in all_lessons}
    lessons = [lesson for lesson in all_lessons if lesson.id in wanted_ids and lesson.questions]
    if not lessons:
        raise InvalidInput("Choose at least one lesson that has questions.")
    if not MIN_DRILL_QUESTIONS <= options.count <= MAX_QUESTIONS:
        raise InvalidInput(
            f"A drill has {MIN_DRILL_QUESTIONS} to {MAX_QUESTIONS} questions, not {options.count}."
        )
    minutes = options.minutes or None
    if minutes is not None and not 1 <= minutes <= MAX_DRILL_MINUTES:
        raise InvalidInput(f"Give a time limit of 1 to {MAX_DRILL_MINUTES} minutes, or none.")
    seed = secrets.randbits(31)
    rng = random.Random(seed)
    # Round-robin over shuffled lessons so every chosen lesson is represented before any repeats.
    pools = [_sample(lesson.questions, len(lesson.questions), rng) for lesson in lessons]
    rng.shuffle(pools)
    chosen: list[QuestionTemplate] = []
    while len(chosen) < options.count and any(pools):
        for pool in pools:
            if pool and len(chosen) < options.count:
                chosen.append(pool.pop())
    time_limit = minutes * 60 if minutes else None
    return _create(user, AttemptKind.DRILL, options.mode, None, chosen, seed, time_limit)


def start_retry(user: User, attempt_id: int, position: int) -> Attempt:
    """A one-question practice attempt with a fresh variant of a reviewed question."""
    question = question_of(user, attempt_id, position)
    if not question.attempt.finished:
        raise Conflict("Finish this attempt before trying new variants of its questions.")
    template = catalog.template(question.template_id)
    seed = secrets.randbits(31)
    return _create(
        user, AttemptKind.RETRY, Mode.PRACTICE, template.lesson_id, [template], seed, None
    )


def start_practice(user: User, template_ids: Sequence[str]) -> Attempt:
    """A practice attempt with fresh variants of chosen templates (spaced review, practice of
    a weak objective); its lesson is theirs when they share one."""
    templates = [catalog.template(template_id) for template_id in template_ids]
    if not templates:
        raise InvalidInput("Choose at least one question to practise.")
    lesson_ids = {template.lesson_id for template in templates}
    lesson_id = lesson_ids.pop() if len(lesson_ids) == 1 else None
    seed = secrets.randbits(31)
    return _create(user, AttemptKind.RETRY, Mode.PRACTICE, lesson_id, templates, seed, None)


def _sample(
    templates: Sequence[QuestionTemplate], k: int, rng: random.Random
) -> list[QuestionTemplate]:
    return rng.sample(list(templates), min(k, len(templates)))


def derive_seed(attempt_seed: int, position: int, attempt_number: int) -> int:
    """The variant seed of one question: stable, and unrelated between neighbours."""
    digest = hashlib.sha256(f"{attempt_seed}:{position}:{attempt_number}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _generate(template: QuestionTemplate, attempt_seed: int, position: int) -> Variant | None:
    from quizsvc.quiz import VariantError, generate
    from quizsvc.sim import ValidationError as SimValidationError

    for tries in range(GENERATION_TRIES):
        seed = derive_seed(attempt_seed, position, tries)
        try:
            return generate(template, seed)
        except (VariantError, SimValidationError) as exc:
            logger.warning(
                "variant failed",
                extra={"fields": {"event": "variant_failed", "template": template.id,
                                  "seed": seed, "error": str(exc)}},
            )  # fmt: skip
        except Exception:  # an engine or renderer bug costs this question, not the attempt
            logger.exception(
                "variant crashed",
                extra={"fields": {"event": "variant_crashed", "template": template.id,
                                  "seed": seed}},
            )  # fmt: skip
    return None


def _create(
    user: User,
    kind: AttemptKind,
    mode: Mode,
    lesson_id: str | None,
    templates: Sequence[QuestionTemplate],
    seed: int,
    time_limit_s: int | None,
) -> Attempt:
    questions: list[AttemptQuestion] = []
    for template in templates:
        variant = _generate(template, seed, len(questions) + 1)
        if variant is None:
            continue
        questions.append(
            AttemptQuestion(
                position=len(questions) + 1,
                template_id=variant.template_id,
                lesson_id=variant.lesson_id,
                content_hash=variant.content_hash,
                engine_version=variant.engine_version,
                seed=variant.seed,
                variant=variant.to_dict(),
            )
        )
    if not questions:
        raise Conflict("We could not prepare these questions right now; please try again.")
    attempt = Attempt(
        user_id=user.id,
        kind=kind,
        mode=mode,
        lesson_id=lesson_id,
        seed=seed,
        question_count=len(questions),
        time_limit_s=time_limit_s,
        position=1,
        started_at=utcnow(),  # after generation: the clock starts when the learner can begin
        questions=questions,
    )
    session = get_session()
    session.add(attempt)
    session.commit()
    return attempt


# --- reading ----------------------------------------------------------------------------------


def get_attempt(user: User, attempt_id: int) -> Attempt:
    """The learner's own attempt (NotFound for anyone else's), finished if its time is up."""
    # Questions load lazily: answering one question needs neither the others nor their
    # variants, which is most of an attempt's bytes.
    attempt = get_session().scalar(
        select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user.id)
    )
    if attempt is None:
        raise NotFound("There is no such attempt among yours.")
    if _overdue(attempt):
        _finish(attempt)
    return attempt


def _overdue(attempt: Attempt) -> bool:
    deadline = attempt.deadline()
    return not attempt.finished and deadline is not None and utcnow() > deadline + DEADLINE_GRACE


def question_of(user: User, attempt_id: int, position: int) -> AttemptQuestion:
    """One question of the learner's own attempt, with its attempt, in one query: the path
    every answer takes, so it is kept short."""
    question = get_session().scalar(
        select(AttemptQuestion)
        .join(AttemptQuestion.attempt)
        .where(
            Attempt.id == attempt_id,
            Attempt.user_id == user.id,
            AttemptQuestion.position == position,
        )
        .options(contains_eager(AttemptQuestion.attempt))
    )
    if question is None:
        get_attempt(user, attempt_id)  # NotFound for an attempt that is not the learner's
        raise NotFound("This attempt has no such question.")
    if _overdue(question.attempt):
        _finish(question.attempt)
    return question


def latest_response(question: AttemptQuestion) -> Response | None:
    return get_session().scalar(
        select(Response)
        .where(Response.question_id == question.id)
        .order_by(Response.seq.desc())
        .limit(1)
    )


_UNLOADED: Any = object()


def _view(
    attempt: Attempt, question: AttemptQuestion, latest: Response | None = _UNLOADED
) -> QuestionView:
    from quizsvc.quiz import Variant

    variant = Variant.from_dict(question.variant)
    if latest is _UNLOADED:
        latest = latest_response(question) if question.answered else None
    reveal = attempt.finished or (attempt.mode is Mode.PRACTICE and latest is not None)
    can_answer = not attempt.finished and (attempt.mode is Mode.EXAM or latest is None)
    return QuestionView(
        attempt=attempt,
        question=question,
        public=variant.public_dict(),
        latest=latest,
        reveal=reveal,
        explanation_html=variant.explanation_html if reveal else "",
        correct_answer_html=_correct_answer_html(variant, latest) if reveal else "",
        hints_html=variant.hints_html[: question.hints_shown],
        hints_total=len(variant.hints_html),
        can_answer=can_answer,
    )


def _correct_answer_html(variant: Variant, latest: Response | None) -> str:
    """The grader's wording stored with the response, else the key in the same words."""
    if latest is not None:
        return latest.correct_answer_html
    from quizsvc.quiz import correct_answer_html

    return correct_answer_html(variant)


def show_question(user: User, attempt_id: int, position: int) -> QuestionView:
    """A question to display; remembers it as the place to resume and starts its clock."""
    question = question_of(user, attempt_id, position)
    attempt = question.attempt
    changed = False
    if not attempt.finished and attempt.position != position:
        attempt.position = position
        changed = True
    if question.first_viewed_at is None and not attempt.finished:
        question.first_viewed_at = utcnow()
        changed = True
    if changed:
        get_session().commit()
    return _view(attempt, question)


def reveal_hint(user: User, attempt_id: int, position: int) -> QuestionView:
    question = question_of(user, attempt_id, position)
    attempt = question.attempt
    view = _view(attempt, question)
    if view.can_answer and question.hints_shown < view.hints_total:
        question.hints_shown += 1
        get_session().commit()
        view = _view(attempt, question)
    return view


# --- answering --------------------------------------------------------------------------------


def submit_answer(user: User, attempt_id: int, position: int, response: Any) -> Submission:
    """Grade and store an answer. A malformed answer raises InvalidInput and is not stored;
    the same answer sent twice is stored once."""
    question = question_of(user, attempt_id, position)
    attempt = question.attempt
    if attempt.finished:
        if attempt.finished_at and attempt.deadline() and attempt.finished_at >= attempt.deadline():
            raise Conflict("Time is up: this drill has been graded.")
        raise Conflict("This attempt is finished; its answers can no longer change.")
    from quizsvc.quiz import AnswerError, Variant, grade

    variant = Variant.from_dict(question.variant)
    try:
        result = grade(variant, response)
    except AnswerError as exc:
        raise InvalidInput(str(exc)) from None
    latest = latest_response(question) if question.answered else None
    if latest is not None and latest.parsed == _jsonable(result.parsed):
        return Submission(_view(attempt, question, latest), recorded=False)
    if latest is not None and attempt.mode is Mode.PRACTICE:
        raise Conflict("You have answered this question; its feedback is below.")
    try:
        recorded = _record(question, latest, response, result)
    except IntegrityError:
        # A concurrent request recorded an answer first: the same one is a duplicate.
        get_session().rollback()
        latest = latest_response(question)
        if latest is not None and latest.parsed == _jsonable(result.parsed):
            return Submission(_view(attempt, question, latest), recorded=False)
        raise Conflict("Another answer to this question arrived at the same time.") from None
    return Submission(_view(attempt, question, recorded), recorded=True)


def _jsonable(value: Any) -> Any:
    """`parsed` as it reads back from a JSON column (tuples become lists)."""
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


def _record(
    question: AttemptQuestion, latest: Response | None, raw: Any, result: Grade
) -> Response:
    now = utcnow()
    elapsed = None
    if question.first_viewed_at is not None:
        elapsed = int((now - question.first_viewed_at).total_seconds() * 1000)
    session = get_session()
    response = Response(
        question_id=question.id,
        seq=(latest.seq + 1) if latest else 1,
        raw=raw,
        parsed=_jsonable(result.parsed),
        score=result.score,
        correct=result.correct,
        feedback_html=result.feedback_html,
        correct_answer_html=result.correct_answer_html,
        hints_used=question.hints_shown,
        elapsed_ms=elapsed,
        submitted_at=now,
    )
    session.add(response)
    question.answered_at = now
    question.score = result.score
    question.correct = result.correct
    progress_events.on_graded(question, response)
    session.commit()
    return response


# --- finishing and review ---------------------------------------------------------------------


def finish(user: User, attempt_id: int) -> Attempt:
    """Grade the attempt (unanswered questions score 0); finishing twice changes nothing."""
    attempt = get_attempt(user, attempt_id)
    if not attempt.finished:
        _finish(attempt)
    return attempt


def _finish(attempt: Attempt) -> None:
    scores = [q.score or 0.0 for q in attempt.questions]
    attempt.score = sum(scores) / len(scores) if scores else 0.0
    deadline = attempt.deadline()
    now = utcnow()
    attempt.finished_at = min(now, deadline) if deadline is not None else now
    progress_events.on_finished(attempt)
    get_session().commit()


def review(user: User, attempt_id: int) -> list[QuestionView]:
    attempt = get_attempt(user, attempt_id)
    if not attempt.finished:
        raise Conflict("The review opens when the attempt is finished.")
    latest: dict[int, Response] = {}
    query = (
        select(Response)
        .join(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .order_by(Response.seq)
    )
    for response in get_session().scalars(query):
        latest[response.question_id] = response  # ordered by seq: the last one wins
    return [_view(attempt, q, latest.get(q.id)) for q in attempt.questions]


def attempt_title(attempt: Attempt) -> str:
    if attempt.kind is AttemptKind.DRILL:
        return "Interview drill"
    title = catalog.lesson_title(attempt.lesson_id)
    return f"New variant · {title}" if attempt.kind is AttemptKind.RETRY else title


def unfinished_attempts(user: User) -> list[Attempt]:
    query = (
        select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.finished_at.is_(None))
        .order_by(Attempt.started_at.desc())
    )
    return [a for a in get_session().scalars(query) if not _overdue(a)]
