"""Printable study guides: one per lesson, and a personal one from a learner's weak spots.

A guide holds the objectives, the key ideas and formulas of the lesson text, a fresh set of
figures, and practice questions (variants, as in a quiz) whose answers are printed at the end.

Cost sets the seeds. A lesson figure simulates wide networks over several seeds (seconds, cold),
and a variant runs its own networks, so both come from rotating pools of seeds, like the lesson
page's figures: each guide draws a random member of each pool, and every (figure, seed) pair is
simulated and drawn once, then served from the figure cache that all workers share. Lesson
figures use the lesson page's pool, so a guide costs nothing the page has not already paid.
"""

from __future__ import annotations

import hashlib
import logging
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from markupsafe import Markup

from quizsvc.content import Lesson, QuestionTemplate, render_markdown
from quizsvc.progress import guide_content
from quizsvc.progress.models import AttemptQuestion, User
from quizsvc.quiz import Variant, VariantError, generate
from quizsvc.services import catalog, dashboard, figures, reviews
from quizsvc.services.figure_store import Figure
from quizsvc.sim import ValidationError

logger = logging.getLogger("quizsvc.study_guides")

LESSON_QUESTIONS = 6
PERSONAL_QUESTIONS = 8
PERSONAL_LESSONS = 3  # lessons whose key ideas a personal guide repeats
VARIANT_SEEDS = 8  # variants per template that guides choose from
GENERATION_TRIES = 3
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class GuideFigure:
    svg: Markup | None  # None: the figure could not be drawn
    alt: str
    caption_html: Markup


@dataclass(frozen=True)
class Choice:
    id: str
    letter: str
    html: Markup
    figure: GuideFigure | None


@dataclass(frozen=True)
class PracticeQuestion:
    number: int
    template_id: str
    lesson: Lesson
    kind: str
    prompt_html: Markup
    figures: list[GuideFigure]  # the prompt's figures
    choices: list[Choice]  # choices, items to order, or plot options
    answer_key: dict[str, Any]  # Variant.answer_key: the page prints it (web.study_guides)
    explanation_html: Markup


@dataclass(frozen=True)
class LessonGuide:
    lesson: Lesson
    sections: list[guide_content.Section]
    figures: list[GuideFigure]
    questions: list[PracticeQuestion]

    @property
    def formulas(self) -> list[tuple[guide_content.Section, str]]:
        return [(s, f) for s in self.sections for f in s.formulas]


@dataclass(frozen=True)
class PersonalGuide:
    focus: list[dashboard.ObjectiveStatus]
    due: list[reviews.CardView]
    lessons: list[tuple[Lesson, list[guide_content.Section]]]
    questions: list[PracticeQuestion]

    @property
    def empty(self) -> bool:
        return not self.focus and not self.due


# --- assembling -------------------------------------------------------------------------------


def lesson_guide(
    lesson_id: str, figure_seeds: int, rng: random.Random | None = None
) -> LessonGuide:
    """The lesson's guide; its figures come from the lesson page's pool of ``figure_seeds``."""
    lesson = catalog.lesson(lesson_id)
    rng = rng or random.Random(secrets.randbits(64))
    seed = rng.randrange(figure_seeds)
    return LessonGuide(
        lesson=lesson,
        sections=guide_content.sections(lesson.html),
        figures=[_live_figure(lesson, figure_id, seed) for figure_id in lesson.figures],
        questions=practice_questions(_cover_objectives(lesson, LESSON_QUESTIONS, rng), rng),
    )


def personal_guide(user: User, rng: random.Random | None = None) -> PersonalGuide:
    rng = rng or random.Random(secrets.randbits(64))
    board = dashboard.focus(user)
    due = reviews.queue(user).due
    templates: dict[str, QuestionTemplate] = {}
    for status in board:
        tested = [t for t in status.lesson.questions if status.objective.id in t.objectives]
        if tested:
            chosen = rng.choice(tested)
            templates.setdefault(chosen.id, chosen)
    for view in due:
        templates.setdefault(view.template.id, view.template)
    lessons = list({s.lesson.id: s.lesson for s in board}.values())[:PERSONAL_LESSONS]
    return PersonalGuide(
        focus=board,
        due=due,
        lessons=[(lesson, guide_content.sections(lesson.html)) for lesson in lessons],
        questions=practice_questions(list(templates.values())[:PERSONAL_QUESTIONS], rng),
    )


def _cover_objectives(lesson: Lesson, count: int, rng: random.Random) -> list[QuestionTemplate]:
    """Up to `count` templates, one per objective first, then any; easier ones first."""
    pool = list(lesson.questions)
    rng.shuffle(pool)
    chosen: list[QuestionTemplate] = []
    for objective in lesson.objectives:
        match = next((t for t in pool if objective.id in t.objectives and t not in chosen), None)
        if match is not None and len(chosen) < count:
            chosen.append(match)
    chosen += [t for t in pool if t not in chosen][: max(0, count - len(chosen))]
    return sorted(chosen, key=lambda t: t.difficulty)


# --- practice questions -----------------------------------------------------------------------


def practice_questions(
    templates: Sequence[QuestionTemplate], rng: random.Random
) -> list[PracticeQuestion]:
    """Fresh variants of `templates`, numbered; a template that fails to generate is skipped."""
    out: list[PracticeQuestion] = []
    for template in templates:
        variant = _generate(template, rng)
        if variant is not None:
            out.append(_question(len(out) + 1, catalog.lesson(template.lesson_id), variant))
    return out


def _generate(template: QuestionTemplate, rng: random.Random) -> Variant | None:
    """A variant from the template's pool; another member when one fails to generate."""
    for member in rng.sample(range(VARIANT_SEEDS), GENERATION_TRIES):
        seed = variant_seed(template.id, member)
        try:
            return generate(template, seed)
        except (VariantError, ValidationError):
            logger.warning("study guide variant failed: %s seed %d", template.id, seed)
    return None


def variant_seed(template_id: str, member: int) -> int:
    """Seed `member` of a template's pool: stable, and unrelated to the seeds of attempts."""
    digest = hashlib.sha256(f"study-guide:{template_id}:{member}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _question(number: int, lesson: Lesson, variant: Variant) -> PracticeQuestion:
    stored = AttemptQuestion(  # never added to a session: only names the figures to draw
        template_id=variant.template_id,
        content_hash=variant.content_hash,
        engine_version=variant.engine_version,
        seed=variant.seed,
        variant=variant.to_dict(),
    )
    drawn = [
        _draw(f"{variant.template_id}#{i}", partial(figures.variant_figure, stored, i), spec)
        for i, spec in enumerate(variant.figures)
    ]
    choices = [
        Choice(
            choice["id"],
            LETTERS[i % len(LETTERS)],
            Markup(choice["html"]),  # sanitized by quizsvc.quiz
            drawn[choice["figure"]] if choice.get("figure") is not None else None,
        )
        for i, choice in enumerate(variant.choices)
    ]
    return PracticeQuestion(
        number=number,
        template_id=variant.template_id,
        lesson=lesson,
        kind=variant.kind,
        prompt_html=Markup(variant.prompt_html),
        figures=[
            f for f, spec in zip(drawn, variant.figures, strict=True) if spec["role"] == "prompt"
        ],
        choices=choices,
        answer_key=variant.answer_key,
        explanation_html=Markup(variant.explanation_html),
    )


def _draw(what: str, draw: Callable[[], Figure], spec: dict[str, Any]) -> GuideFigure:
    caption = Markup(spec.get("caption_html") or "")  # sanitized by quizsvc.quiz
    try:
        figure = draw()
    except Exception:  # one broken figure must not take the whole guide down
        logger.exception("study guide figure failed: %s", what)
        return GuideFigure(None, "", caption)
    return GuideFigure(Markup(figure.svg), figure.alt, caption)  # our own rendered SVG


def _live_figure(lesson: Lesson, figure_id: str, seed: int) -> GuideFigure:
    spec = lesson.figures[figure_id]
    caption = {"caption_html": render_markdown(spec.caption) if spec.caption else ""}
    return _draw(
        f"{lesson.id}/{figure_id}",
        lambda: figures.live_figure(lesson, figure_id, seed),
        caption,
    )
