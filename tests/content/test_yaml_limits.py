"""YAML that expands or nests without bound is refused where it is written, with a fix.

Nine aliases of nine aliases ("billion laughs") turn a few lines into 387 million values;
before the loader refused them, loading such a lesson hung and grew past 4 GB.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quizsvc.content.yamlnodes import MAX_NESTING
from tests.content.lessons import BASE, billion_laughs, find, line_of, load_text


@pytest.mark.parametrize("where", ["front matter", "question block"])
def test_an_alias_bomb_is_refused_at_its_first_anchor(tmp_path: Path, where: str) -> None:
    text = billion_laughs(where)
    problem = find(load_text(tmp_path, text).problems, "anchors and aliases")
    assert problem.path.endswith("lesson.md")
    assert (problem.line, problem.column) == (line_of(text, "lol0: &l0"), 7)
    assert problem.message == "YAML anchors and aliases (&l0) are not allowed in lessons"
    assert "write the value out in full" in problem.fix


def test_a_lone_alias_and_a_merge_key_are_refused_too(tmp_path: Path) -> None:
    anchored = BASE.replace("  act: {choice: [relu, tanh]}", "  act: &acts {choice: [relu]}")
    problem = find(load_text(tmp_path, anchored).problems, "anchors and aliases")
    assert problem.line == line_of(anchored, "&acts")
    merged = BASE.replace("difficulty: 2\n", "difficulty: 2\n<<: *base\n")
    problem = find(load_text(tmp_path, merged).problems, "anchors and aliases (*base)")
    assert problem.line == line_of(merged, "<<: *base")
    assert "quoted" in problem.fix  # text that merely starts with * is the usual cause


def test_nesting_is_bounded_instead_of_exhausting_the_stack(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    text = BASE.replace("tags: [t]", f"tags: {deep}")
    problem = find(load_text(tmp_path, text).problems, "nested more than")
    assert problem.line == line_of(text, "tags: [[[")
    assert problem.message == f"YAML nested more than {MAX_NESTING} levels deep"


def test_nesting_a_lesson_needs_is_accepted(tmp_path: Path) -> None:
    nested = "[" * 10 + "1" + "]" * 10
    text = BASE.replace(
        "  act: {choice: [relu, tanh]}", f"  act: {{choice: [relu, tanh]}}\n  k: {nested}"
    )
    problems = load_text(tmp_path, text).problems
    assert not [p for p in problems if "nested" in p.message]


def test_a_number_too_long_to_read_is_an_error_not_a_crash(tmp_path: Path) -> None:
    text = BASE.replace("difficulty: 2", "difficulty: " + "9" * 5000)
    problem = find(load_text(tmp_path, text).problems, "number too long")
    assert (problem.line, problem.column) == (line_of(text, "difficulty: 999"), 13)
