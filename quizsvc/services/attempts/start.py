"""Starting an attempt: choose the templates, generate and store a variant of each."""

from __future__ import annotations

import hashlib
import logging
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app

from quizsvc import kinds, metrics
from quizsvc.content import Lesson, QuestionTemplate
from quizsvc.db import get_session
from quizsvc.progress.models import Attempt, AttemptKind, AttemptQuestion, Mode, User, utcnow
from quizsvc.quiz import VariantError, generate
from quizsvc.services import catalog, pools
from quizsvc.services.attempts import tries as try_rules
from quizsvc.services.attempts.access import question_of
from quizsvc.services.attempts.finishing import close_if_over
from quizsvc.services.background import background
from quizsvc.services.errors import Conflict, InvalidInput
from quizsvc.settings import DEFAULT_QUIZ_QUESTIONS, Settings
from quizsvc.sim import ValidationError as SimValidationError

logger = logging.getLogger("quizsvc.attempts")

DEFAULT_QUESTIONS = DEFAULT_QUIZ_QUESTIONS
MAX_QUESTIONS = 20
MIN_DRILL_QUESTIONS = 3
DEFAULT_DRILL_MINUTES = 15
MAX_DRILL_MINUTES = 180
# Seeds tried per question before a template is skipped for this attempt; `quizsvc content
# check` finds templates that fail, this only keeps one bad seed from blocking a learner.
GENERATION_TRIES = 3
INTERVIEW_MINUTES_PER_QUESTION = 3  # an interview's time limit when none is given


@dataclass(frozen=True)
class DrillOptions:
    lesson_ids: Sequence[str]
    count: int = DEFAULT_QUESTIONS
    minutes: int | None = DEFAULT_DRILL_MINUTES
    mode: Mode = Mode.EXAM
    interview: bool = False  # explain cards between numeric and plot questions, timed


def start_lesson_attempt(
    user: User, lesson_id: str, mode: Mode, count: int, tries: int | None = None
) -> Attempt:
    """A quiz of ``count`` questions (at most MAX_QUESTIONS) from one lesson; ``tries`` per
    question in practice."""
    lesson = catalog.lesson(lesson_id)
    if not lesson.questions:
        raise Conflict(f"The lesson {lesson.title!r} has no questions yet.")
    seed = secrets.randbits(31)
    chosen = _sample(lesson.questions, min(count, MAX_QUESTIONS), random.Random(seed))
    # Easier questions first: a gentle ramp, while the sample itself stays random.
    chosen.sort(key=lambda t: t.difficulty)
    return _create(user, AttemptKind.LESSON, mode, lesson.id, chosen, seed, None, tries)


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
    if options.interview and minutes is None:  # an interview always runs against the clock
        minutes = INTERVIEW_MINUTES_PER_QUESTION * options.count
    seed = secrets.randbits(31)
    rng = random.Random(seed)
    if options.interview:
        chosen = _interview(lessons, options.count, rng)
    else:
        chosen = _round_robin([lesson.questions for lesson in lessons], options.count, rng)
    time_limit = minutes * 60 if minutes else None
    return _create(user, AttemptKind.DRILL, options.mode, None, chosen, seed, time_limit)


def _round_robin(
    groups: Sequence[Sequence[QuestionTemplate]], count: int, rng: random.Random
) -> list[QuestionTemplate]:
    """Up to ``count`` templates, round-robin over the shuffled groups (lessons), so that every
    group is represented before any repeats."""
    pools = [_sample(group, len(group), rng) for group in groups]
    rng.shuffle(pools)
    chosen: list[QuestionTemplate] = []
    while len(chosen) < count and any(pools):
        for pool in pools:
            if pool and len(chosen) < count:
                chosen.append(pool.pop())
    return chosen


def _interview(lessons: Sequence[Lesson], count: int, rng: random.Random) -> list[QuestionTemplate]:
    """An interview: explain cards alternating with numbers and plots to work out, as an
    interviewer moves between "tell me why" and "work this out" (each kind's ``interview`` says
    which it is); one side alone when the lessons have nothing of the other."""

    def part(role: str) -> list[QuestionTemplate]:
        groups = [[t for t in lesson.questions if kinds.get(t.kind).interview == role]
                  for lesson in lessons]  # fmt: skip
        return _round_robin([g for g in groups if g], count, rng)

    explain, work = part("explain"), part("work")
    if not explain and not work:
        raise Conflict("These lessons have no interview questions (explain, numeric or plot).")
    chosen: list[QuestionTemplate] = []
    while len(chosen) < count and (explain or work):
        for pool in (explain, work):
            if pool and len(chosen) < count:
                chosen.append(pool.pop(0))
    return chosen


def start_retry(user: User, attempt_id: int, position: int, tries: int | None = None) -> Attempt:
    """A one-question practice attempt with a fresh variant of a reviewed question."""
    question = question_of(user, attempt_id, position)
    close_if_over(question.attempt)
    if not question.attempt.finished:
        raise Conflict("Finish this attempt before trying new variants of its questions.")
    template = catalog.template(question.template_id)
    seed = secrets.randbits(31)
    return _create(
        user, AttemptKind.RETRY, Mode.PRACTICE, template.lesson_id, [template], seed, None, tries
    )


def start_practice(
    user: User,
    template_ids: Sequence[str],
    tries: int | None = None,
    kind: AttemptKind = AttemptKind.RETRY,
) -> Attempt:
    """A practice attempt with fresh variants of chosen templates (a spaced-review session of
    ``kind`` REVIEW, practice of a weak objective); its lesson is theirs when they share one."""
    templates = [catalog.template(template_id) for template_id in template_ids]
    if not templates:
        raise InvalidInput("Choose at least one question to practise.")
    lesson_ids = {template.lesson_id for template in templates}
    lesson_id = lesson_ids.pop() if len(lesson_ids) == 1 else None
    seed = secrets.randbits(31)
    return _create(user, kind, Mode.PRACTICE, lesson_id, templates, seed, None, tries)


def _sample(
    templates: Sequence[QuestionTemplate], k: int, rng: random.Random
) -> list[QuestionTemplate]:
    return rng.sample(list(templates), min(k, len(templates)))


def derive_seed(attempt_seed: int, position: int, attempt_number: int) -> int:
    """The variant seed of one question: stable, and unrelated between neighbours."""
    digest = hashlib.sha256(f"{attempt_seed}:{position}:{attempt_number}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _generate(
    template: QuestionTemplate, attempt_seed: int, position: int
) -> dict[str, Any] | None:
    """A new variant, as stored (`Variant.to_dict`), or None after GENERATION_TRIES seeds."""
    for tries in range(GENERATION_TRIES):
        seed = derive_seed(attempt_seed, position, tries)
        try:
            return generate(template, seed).to_dict()
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
    tries: int | None = None,
) -> Attempt:
    attempt = build_attempt(user, kind, mode, lesson_id, templates, seed, time_limit_s, tries)
    session = get_session()
    session.add(attempt)
    session.commit()
    metrics.ATTEMPT_STARTS.labels(kind.value).inc()
    background().refill_pools({template.id for template in templates})
    return attempt


def build_attempt(
    user: User,
    kind: AttemptKind,
    mode: Mode,
    lesson_id: str | None,
    templates: Sequence[QuestionTemplate],
    seed: int,
    time_limit_s: int | None,
    tries: int | None = None,
    *,
    use_pools: bool = True,
) -> Attempt:
    """An attempt with a generated variant of each template, not yet added to the session:
    a caller that stores more with it (services.courses links its assessment) commits both.
    `use_pools=False` generates every variant from `seed` (an assessment whose class shares
    its seeds must not hand out pooled variants, which each have a seed of their own).

    Pooled variants are ready, figures drawn, and claimed in the caller's transaction; templates
    whose pool is empty are generated as without pools, before the claims, so that SQLite's
    write lock (taken by the first claim) is never held while a network trains. A pool emptied
    in between is generated after all."""
    session = get_session()
    pooled = pools.ready(templates, session) if use_pools else set()
    variants: list[dict[str, Any] | None] = [
        None if template.id in pooled else _generate(template, seed, position)
        for position, template in enumerate(templates, start=1)
    ]
    # One claim per distinct pooled template, all in one statement; a template asked for twice
    # (never in a lesson quiz) takes its second variant by itself.
    distinct = list({t.id: t for t in templates if t.id in pooled}.values())
    claimed = pools.claim_each(distinct, session)
    for position, template in enumerate(templates, start=1):
        if template.id in pooled:
            variant = claimed.pop(template.id, None) or pools.claim(template, session)
            variants[position - 1] = variant or _generate(template, seed, position)
    metrics.VARIANTS.labels("pool").inc(len(pooled))
    metrics.VARIANTS.labels("generated").inc(len(templates) - len(pooled))
    questions: list[AttemptQuestion] = []
    for variant in variants:
        if variant is None:
            continue
        questions.append(
            AttemptQuestion(
                position=len(questions) + 1,
                template_id=variant["template_id"],
                lesson_id=variant["lesson_id"],
                content_hash=variant["content_hash"],
                engine_version=variant["engine_version"],
                seed=variant["seed"],
                variant=variant,
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
        # Unless the caller sets them (a course assessment), practice takes the configured tries.
        tries=try_rules.allowed(
            mode, Settings.of(current_app).practice_tries if tries is None else tries
        ),
        position=1,
        started_at=utcnow(),  # after generation: the clock starts when the learner can begin
        questions=questions,
    )
    return attempt
