"""docs/authoring.md stays valid: its worked example and every question block in it load."""

from __future__ import annotations

import re
from pathlib import Path

from quizsvc.content import load_catalog
from quizsvc.quiz import generate, grade

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


def worked_example() -> str:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- worked-example:start -->")[1].split("<!-- worked-example:end -->")[0]
    return block.strip().removeprefix("````markdown\n").removesuffix("\n````")


def other_questions() -> list[str]:
    rest = DOC.read_text(encoding="utf-8").replace(worked_example(), "")
    return re.findall(r"^```question\n(.*?)^```$", rest, re.S | re.M)


def test_worked_example_loads_without_problems(tmp_path: Path) -> None:
    (tmp_path / "vanishing.md").write_text(worked_example(), encoding="utf-8")
    catalog = load_catalog(tmp_path)
    unexpected = [p for p in catalog.problems if "prerequisite 'saturation'" not in p.message]
    assert unexpected == [], "\n".join(map(str, unexpected))
    (lesson,) = catalog.lessons
    assert lesson.id == "vanishing-gradients" and len(lesson.questions) == 2
    assert '<figure class="live-figure" data-figure="sigmoid-vs-relu"></figure>' in lesson.html
    for template in lesson.questions:
        variant = generate(template, 1)
        if variant.kind == "numeric":
            assert grade(variant, repr(variant.answer_key["value"])).correct


def test_every_question_block_of_the_doc_is_valid(tmp_path: Path) -> None:
    questions = other_questions()
    assert len(questions) >= 3
    text = worked_example() + "".join(f"\n```question\n{q}```\n" for q in questions)
    (tmp_path / "vanishing.md").write_text(text, encoding="utf-8")
    catalog = load_catalog(tmp_path)
    errors = catalog.errors
    assert errors == [], "\n".join(map(str, errors))
    assert {t.kind for t in catalog.templates.values()} == {
        "numeric", "single", "ordering", "plot_choice", "explain"
    }  # fmt: skip
    for template in catalog.templates.values():
        generate(template, 0)


def test_the_doc_examples_pass_content_check(tmp_path: Path) -> None:
    from quizsvc.quiz.checks import check_template

    text = worked_example() + "".join(f"\n```question\n{q}```\n" for q in other_questions())
    (tmp_path / "vanishing.md").write_text(text, encoding="utf-8")
    for template in load_catalog(tmp_path).templates.values():
        report = check_template(template, seeds=10, render_seeds=1)
        assert report.problems == [], "\n".join(map(str, report.problems))
