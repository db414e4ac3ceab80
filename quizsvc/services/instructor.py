"""What instructors see of their content: the validation state of every file, and previews.

Problems are the catalog's own (`quizsvc.content` validation, the same objects the command line
prints); a template's variant checks come from `services.template_report`. Nothing is checked
here a second time.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app

from quizsvc.content import Lesson, Problem, QuestionTemplate
from quizsvc.kinds.tolerance import describe
from quizsvc.quiz import Variant, render_variant_figure
from quizsvc.quiz.generate import VariantError, build, values_of
from quizsvc.services import catalog, live_catalog
from quizsvc.services.figures import figure_key, get_figure_cache

logger = logging.getLogger("quizsvc.instructor")

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def shown(path: Path | str) -> str:
    """A path the way the command line prints it: relative to the working directory if inside."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def block_end(lines: list[str], start: int) -> int:
    """The line (1-based) closing the fenced block that opens on line ``start``."""
    opening = _FENCE.match(lines[start - 1]) if 0 < start <= len(lines) else None
    if opening is None:
        return start
    fence = opening.group(1)
    closing = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for number in range(start + 1, len(lines) + 1):
        if closing.match(lines[number - 1]):
            return number
    return len(lines)


@dataclass(frozen=True)
class TemplateState:
    template: QuestionTemplate
    problems: tuple[Problem, ...]  # the file's problems inside this template's block


@dataclass(frozen=True)
class FileState:
    """One lesson file: its problems, and the lesson served from it (if any)."""

    path: str
    lesson: Lesson | None
    kept: live_catalog.KeptLesson | None  # set: `lesson` is its last good version
    problems: tuple[Problem, ...]
    templates: tuple[TemplateState, ...]

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    @property
    def state(self) -> str:
        return "error" if self.errors else "warning" if self.warnings else "ok"


@dataclass(frozen=True)
class ContentStatus:
    content_dir: str
    files: tuple[FileState, ...]
    reloading: bool
    loaded_at: datetime | None

    @property
    def errors(self) -> int:
        return sum(f.errors for f in self.files)

    @property
    def warnings(self) -> int:
        return sum(f.warnings for f in self.files)


def content_status() -> ContentStatus:
    app = current_app
    loaded = catalog.get_catalog()
    kept = live_catalog.kept_lessons(app)
    by_file: dict[Path, list[Problem]] = {}
    for problem in loaded.problems:
        by_file.setdefault(Path(problem.path).resolve(), []).append(problem)
    lessons = {lesson.path.resolve(): lesson for lesson in loaded.lessons}
    files = []
    for path in sorted(set(by_file) | set(lessons), key=shown):
        problems = tuple(sorted(by_file.get(path, [])))
        lesson = lessons.get(path)
        kept_entry = kept.get(lesson.id) if lesson is not None else None
        files.append(
            FileState(
                path=problems[0].path if problems else shown(path),
                lesson=lesson,
                kept=kept_entry,
                problems=problems,
                # A kept lesson's lines are those of its old text: do not map new problems.
                templates=_templates(lesson, problems) if lesson and not kept_entry else (),
            )
        )
    reloading = live_catalog.reload_enabled(app)
    watcher = live_catalog.live_catalog(app) if reloading else None
    return ContentStatus(
        content_dir=shown(loaded.content_dir),
        files=tuple(files),
        reloading=reloading,
        loaded_at=watcher.loaded_at if watcher else None,
    )


def _templates(lesson: Lesson, problems: tuple[Problem, ...]) -> tuple[TemplateState, ...]:
    try:
        lines = lesson.path.read_text(encoding="utf-8").split("\n")
    except OSError:
        lines = []
    states = []
    for template in lesson.questions:
        end = block_end(lines, template.line)
        inside = tuple(p for p in problems if template.line <= p.line <= end)
        states.append(TemplateState(template, inside))
    return tuple(states)


def template_problems(template: QuestionTemplate) -> tuple[Problem, ...]:
    """Validation problems (warnings: a template with errors is not loaded) in its block."""
    for state in content_status().files:
        for entry in state.templates:
            if entry.template.id == template.id:
                return entry.problems
    return ()


# --- preview ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewFigure:
    index: int
    role: str  # "prompt", or "option" for a plot_choice option
    caption_html: str
    svg: str | None  # None: it could not be drawn (see `error`)
    alt: str
    error: str = ""


@dataclass(frozen=True)
class Preview:
    """One variant of a template with everything a learner never sees."""

    template: QuestionTemplate
    seed: int
    variant: Variant | None
    error: str  # why this seed makes no variant ("" when it does)
    params: dict[str, Any]
    values: dict[str, Any]  # derived values: everything computed besides the parameters
    figures: tuple[PreviewFigure, ...]
    tolerance: str


def preview(template_id: str, seed: int) -> Preview:
    template = catalog.template(template_id)
    try:
        generation = build(template, seed)
    except VariantError as exc:
        return _failed(template, seed, f"{template.path}:{exc.line}: {exc}")
    except Exception as exc:  # an engine bug: show it, as `content check` does
        logger.exception("preview failed: %s seed %s", template_id, seed)
        return _failed(template, seed, f"generation failed: {exc!r}")
    variant = generation.variant
    everything = values_of(generation.env)
    key = variant.answer_key
    return Preview(
        template=template,
        seed=seed,
        variant=variant,
        error="",
        params=dict(variant.params),
        values={k: v for k, v in everything.items() if k not in variant.params},
        figures=tuple(_figure(variant, i) for i in range(len(variant.figures))),
        tolerance=describe(key["tolerance"]) if "tolerance" in key else "",
    )


def _failed(template: QuestionTemplate, seed: int, error: str) -> Preview:
    return Preview(template, seed, None, error, {}, {}, (), "")


def _figure(variant: Variant, index: int) -> PreviewFigure:
    """Drawn through the figure cache with the key a learner's copy of this variant uses
    (`services.figures.variant_figure`), so previews and quizzes share their drawings."""
    spec = variant.figures[index]
    key = figure_key(
        "variant", variant.template_id, variant.content_hash, variant.engine_version,
        variant.seed, index,
    )  # fmt: skip
    try:
        figure = get_figure_cache().get(key, lambda: render_variant_figure(variant, index, "svg"))
    except Exception as exc:
        logger.exception("preview figure failed: %s #%s", variant.template_id, index)
        return PreviewFigure(index, spec["role"], spec["caption_html"], None, "", str(exc))
    return PreviewFigure(index, spec["role"], spec["caption_html"], figure.svg, figure.alt)
