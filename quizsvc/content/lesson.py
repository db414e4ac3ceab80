"""One lesson file: front matter, prose, live figures and question blocks.

The Markdown is parsed once; fenced ``figure`` and ``question`` blocks are validated with YAML
positions shifted to file lines, and the prose is rendered with each live figure replaced by an
empty ``<figure class="live-figure" data-figure="ID">`` for the web layer to fill.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from quizsvc.content.figures import parse_live_figure
from quizsvc.content.markdown import (
    ADMONITION_KINDS,
    FIGURE_FENCE,
    MD,
    QUESTION_FENCE,
    RenderNotes,
    heading_anchors,
    render_tokens,
)
from quizsvc.content.model import Lesson, LiveFigure, Objective, QuestionTemplate
from quizsvc.content.problems import Loc, Reporter, unknown_message
from quizsvc.content.questions import parse_question
from quizsvc.content.reader import SLUG, Reader, as_map, slugify
from quizsvc.content.yamlnodes import YMap, empty_map, parse_yaml

FRONT_KEYS = ("id", "title", "summary", "order", "objectives", "prerequisites", "tags")
OBJECTIVES_RANGE = (3, 6)
_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")


@dataclass(frozen=True)
class LessonDraft:
    """A parsed lesson with the lines that cross-file checks (in the catalog) report against."""

    lesson: Lesson
    id_line: int
    order_line: int
    prerequisites_line: int
    question_lines: dict[str, int]


def _front_matter(text: str, rep: Reporter) -> YMap | None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        rep.error(Loc(1), "the lesson has no front matter", "start the file with a --- block")
        return None
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            data = parse_yaml("\n".join(lines[1:end]), rep, line_offset=1)
            if data is None:
                return None
            if not isinstance(data, YMap):
                rep.error(Loc(2), "front matter must be key: value lines", "see docs/authoring.md")
                return None
            return data
    rep.error(Loc(1), "the front matter is not closed", "end it with a line ---")
    return None


def _objectives(reader: Reader) -> tuple[Objective, ...]:
    seq = reader.sequence("objectives")
    if seq is None:
        reader.require("objectives", "add objectives: with - id: ... text: ...")
        return ()
    result: list[Objective] = []
    for i, raw in enumerate(seq):
        data = as_map(raw, seq.item_loc(i), reader.rep, "an objective")
        if data is None:
            continue
        item = Reader(data, reader.rep, "objective")
        item.check_keys(("id", "text"))
        oid, text = item.text("id", required=True), item.text("text", required=True)
        if oid and not SLUG.match(oid):
            reader.rep.error(
                item.value_loc("id"),
                f"objective id {oid!r} is not lowercase-with-dashes",
                f"write id: {slugify(oid)}",
            )
        elif oid in {o.id for o in result}:
            reader.rep.error(
                item.value_loc("id"),
                f"objective {oid!r} is listed twice",
                "give each objective its own id",
            )
        elif oid and text:
            result.append(Objective(oid, text))
    lo, hi = OBJECTIVES_RANGE
    if result and not lo <= len(result) <= hi:
        reader.rep.warning(
            reader.key_loc("objectives"),
            f"{len(result)} objectives; a lesson should have {lo} to {hi}",
            "merge or split objectives",
        )
    return tuple(result)


def _check_admonitions(tokens: list[Token], rep: Reporter) -> None:
    for token in tokens:
        if token.type == "admonition_open" and token.meta.get("tag") not in ADMONITION_KINDS:
            message, fix = unknown_message("admonition", token.meta.get("tag"), ADMONITION_KINDS)
            rep.error(Loc(token.map[0] + 1 if token.map else 1), message, fix)


def _word_count(tokens: list[Token]) -> int:
    return sum(len(_WORD.findall(t.content)) for t in tokens if t.type == "inline")


@dataclass
class _Blocks:
    """What the fenced blocks of a lesson hold."""

    figures: dict[str, LiveFigure] = field(default_factory=dict)
    questions: list[QuestionTemplate] = field(default_factory=list)
    tested: set[str] = field(default_factory=set)  # objectives named by questions, valid or not


def _block_data(token: Token, lines: list[str], rep: Reporter) -> YMap | None:
    """The YAML of one fenced block, positioned in the file (indented fences included)."""
    kind = token.info.strip()
    fence_line = (token.map[0] if token.map else 0) + 1
    fence_text = lines[fence_line - 1]
    indent = len(fence_text) - len(fence_text.lstrip())
    data = parse_yaml(token.content, rep, line_offset=fence_line, column_offset=indent)
    if data is None and token.content.strip() == "":
        rep.error(Loc(fence_line), f"empty {kind} block", "fill it in")
    if data is None or isinstance(data, YMap):
        return data
    rep.error(
        Loc(fence_line + 1), f"a {kind} block holds key: value lines", "see docs/authoring.md"
    )
    return None


def _blocks(
    tokens: list[Token], text: str, rep: Reporter, lesson_id: str, objective_ids: list[str]
) -> _Blocks:
    found = _Blocks()
    lines = text.split("\n")
    sections = {title: anchor for anchor, title in reversed(heading_anchors(tokens).items())}
    for token in tokens:
        if token.type != "fence" or token.info.strip() not in (FIGURE_FENCE, QUESTION_FENCE):
            continue
        data = _block_data(token, lines, rep)
        if data is None:
            continue
        if token.info.strip() == FIGURE_FENCE:
            figure = parse_live_figure(data, rep, lesson_id)
            if figure is not None and figure.id in found.figures:
                rep.error(
                    data.value_loc("id"),
                    f"figure id {figure.id!r} is used twice in this lesson",
                    "give each figure its own id",
                )
            elif figure is not None:
                found.figures[figure.id] = figure
                token.meta["figure_id"] = figure.id  # the renderer places the figure here
            continue
        listed = data.get("objectives")
        found.tested.update(map(str, listed if isinstance(listed, list) else [listed]))
        question = parse_question(
            data,
            rep,
            lesson_id=lesson_id,
            objectives=objective_ids,
            sections=sections,
            source=token.content,
            line=(token.map[0] if token.map else 0) + 1,
        )
        if question is not None:
            found.questions.append(question)
    return found


def parse_lesson(path: Path, display: str) -> tuple[LessonDraft | None, Reporter]:
    """Parse and validate one lesson file; problems are in the returned reporter.

    A file without valid front matter still has its blocks checked, so one run reports all.
    """
    rep = Reporter(display)
    try:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as exc:
        rep.error(Loc(1), f"cannot read the file: {exc}", "save it as UTF-8 text")
        return None, rep
    front = _front_matter(text, rep)
    reader = Reader(front if front is not None else empty_map(), rep, "front matter")
    if front is not None:
        reader.check_keys(FRONT_KEYS)
    lesson_id = reader.text("id", required=front is not None)
    if lesson_id and not SLUG.match(lesson_id):
        rep.error(
            reader.value_loc("id"),
            f"lesson id {lesson_id!r} is not lowercase-with-dashes",
            f"write id: {slugify(lesson_id)}",
        )
    title = reader.text("title", required=front is not None)
    summary = reader.text("summary", required=front is not None)
    order = reader.integer("order", 0, 10_000, default=None)
    if order is None and front is not None and "order" not in reader.data:
        reader.require("order", "add order: N (position in the course)")
    objectives = _objectives(reader) if front is not None else ()
    prerequisites = reader.words("prerequisites", pattern=SLUG)
    tags = reader.words("tags")

    tokens = MD.parse(text, {})
    _check_admonitions(tokens, rep)
    blocks = _blocks(tokens, text, rep, lesson_id, [o.id for o in objectives])
    notes = RenderNotes()
    html = render_tokens(tokens, {"lesson": True, "notes": notes})
    for line, message in notes.math_problems:
        rep.warning(Loc(line), message, "check the LaTeX; supported commands render as MathML")
    for objective in objectives:
        if objective.id not in blocks.tested:
            rep.warning(
                reader.key_loc("objectives"),
                f"objective {objective.id!r} is tested by no question",
                "add a question with objectives: [" + objective.id + "]",
            )
    if rep.has_errors or front is None:
        return None, rep
    lesson = Lesson(
        id=lesson_id,
        title=title,
        summary=summary,
        order=order if order is not None else 0,
        objectives=objectives,
        prerequisites=prerequisites,
        tags=tags,
        path=path,
        content_hash=hashlib.sha256(text.encode()).hexdigest()[:16],
        html=html,
        figures=blocks.figures,
        questions=tuple(blocks.questions),
        word_count=_word_count(tokens),
    )
    draft = LessonDraft(
        lesson=lesson,
        id_line=reader.value_loc("id").line,
        order_line=reader.value_loc("order").line,
        prerequisites_line=reader.value_loc("prerequisites").line,
        question_lines={q.id: q.line for q in blocks.questions},
    )
    return draft, rep
