"""All lessons of a content folder, with the checks that span files.

``load_catalog`` never raises for content: a broken lesson is left out of ``lessons`` and its
problems are listed, so the site keeps serving every good lesson while instructors see every
problem of every file at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from quizsvc.content.lesson import LessonDraft, parse_lesson
from quizsvc.content.model import Lesson, QuestionTemplate
from quizsvc.content.problems import Loc, Problem, Reporter

CONTENT_DIR_ENV = "QUIZSVC_CONTENT_DIR"


def default_content_dir() -> Path:
    """``$QUIZSVC_CONTENT_DIR`` if set, else the repository's ``content/`` folder."""
    configured = os.environ.get(CONTENT_DIR_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "content"


@dataclass
class Catalog:
    """The loaded course: valid lessons in order, every template by id, every problem."""

    content_dir: Path
    lessons: list[Lesson] = field(default_factory=list)
    templates: dict[str, QuestionTemplate] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson with this id; raises KeyError for an unknown (or broken) lesson."""
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise KeyError(lesson_id)

    def template(self, template_id: str) -> QuestionTemplate:
        """The question template with this id; raises KeyError when there is none."""
        return self.templates[template_id]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _display(path: Path) -> str:
    """Paths as instructors type them: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_catalog(content_dir: Path | str | None = None) -> Catalog:
    """Load and validate every ``*.md`` lesson of ``content_dir`` (default: see above)."""
    root = Path(content_dir) if content_dir is not None else default_content_dir()
    catalog = Catalog(root)
    if not root.is_dir():
        catalog.problems.append(
            Problem(
                _display(root),
                1,
                1,
                "error",
                "content folder not found",
                f"create it or set {CONTENT_DIR_ENV}",
            )
        )
        return catalog
    drafts: list[tuple[LessonDraft, Reporter]] = []
    for path in sorted(root.rglob("*.md")):
        draft, rep = parse_lesson(path, _display(path))
        catalog.problems.extend(rep.problems)
        if draft is not None:
            drafts.append((draft, rep))
    _cross_checks(drafts)
    for draft, rep in drafts:
        catalog.problems.extend(p for p in rep.problems if p not in catalog.problems)
        if rep.has_errors:
            continue
        lesson = draft.lesson
        catalog.lessons.append(lesson)
        catalog.templates.update((q.id, q) for q in lesson.questions)
    catalog.lessons.sort(key=lambda lesson: (lesson.order, lesson.id))
    catalog.problems.sort()
    return catalog


def _cross_checks(drafts: list[tuple[LessonDraft, Reporter]]) -> None:
    """Duplicate ids across files, unknown prerequisites and cycles, shared order numbers."""
    lesson_ids: dict[str, str] = {}
    question_ids: dict[str, str] = {}
    orders: dict[int, str] = {}
    for draft, rep in drafts:
        if draft.lesson.id in lesson_ids:
            rep.error(
                Loc(draft.id_line),
                f"lesson id {draft.lesson.id!r} is also used by {lesson_ids[draft.lesson.id]}",
                "give each lesson its own id",
            )
        lesson_ids.setdefault(draft.lesson.id, rep.path)
        if draft.lesson.order in orders:
            rep.warning(
                Loc(draft.order_line),
                f"order {draft.lesson.order} is also used by {orders[draft.lesson.order]}",
                "give each lesson its own position",
            )
        orders.setdefault(draft.lesson.order, rep.path)
        for question in draft.lesson.questions:
            if question.id in question_ids:
                rep.error(
                    Loc(draft.question_lines[question.id]),
                    f"question id {question.id!r} is also used in {question_ids[question.id]}",
                    "question ids are unique across all lessons; pick a new one",
                )
            question_ids.setdefault(question.id, f"{rep.path}:{question.line}")
    graph = {draft.lesson.id: draft.lesson.prerequisites for draft, _ in drafts}
    for draft, rep in drafts:
        for prerequisite in draft.lesson.prerequisites:
            if prerequisite not in graph:
                rep.warning(
                    Loc(draft.prerequisites_line),
                    f"prerequisite {prerequisite!r} is not a lesson (yet)",
                    "check the lesson id",
                )
        if _in_cycle(draft.lesson.id, graph):
            rep.error(
                Loc(draft.prerequisites_line),
                f"lesson {draft.lesson.id!r} is its own prerequisite through a cycle",
                "remove one prerequisite of the cycle",
            )


def _in_cycle(start: str, graph: dict[str, tuple[str, ...]]) -> bool:
    seen: set[str] = set()
    stack = list(graph.get(start, ()))
    while stack:
        node = stack.pop()
        if node == start:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, ()))
    return False
