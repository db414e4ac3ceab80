"""Loading a lesson folder: the fixture lesson round trip and the catalog's contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizsvc.content import CONTENT_DIR_ENV, Catalog, default_content_dir, load_catalog
from tests.content.lessons import BASE, write

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lessons" / "good"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(FIXTURE)


def test_fixture_round_trip(catalog: Catalog) -> None:
    assert catalog.problems == []
    (lesson,) = catalog.lessons
    assert catalog.lesson("toy-gradients") is lesson
    assert lesson.title == "Toy gradients" and lesson.order == 1
    assert [o.id for o in lesson.objectives] == [
        "read-norms",
        "compare-activations",
        "count-layers",
    ]
    assert lesson.objective("read-norms").text.startswith("Read")
    assert lesson.prerequisites == () and lesson.tags == ("fixture",)
    assert lesson.path == FIXTURE / "toy.md"
    assert len(lesson.content_hash) == 16 and lesson.word_count > 20
    assert list(lesson.figures) == ["toy-live"]
    figure = lesson.figures["toy-live"]
    assert figure.kind == "grad_norms" and list(figure.sims) == ["sigmoid", "relu"]
    assert '<figure class="live-figure" data-figure="toy-live"></figure>' in lesson.html
    assert '<div class="admonition tip">' in lesson.html and "<math" in lesson.html
    assert "```" not in lesson.html and "kind: numeric" not in lesson.html
    assert [q.id for q in lesson.questions] == list(catalog.templates)
    question = catalog.template("toy-ratio")
    assert (question.lesson_id, question.kind, question.objectives) == (
        "toy-gradients", "numeric", ("read-norms",)
    )  # fmt: skip
    assert question.difficulty == 2 and question.tags == ("sigmoid",)
    assert question.line == (FIXTURE / "toy.md").read_text().split("\n").index("```question") + 1


def test_unknown_ids_raise_key_error(catalog: Catalog) -> None:
    with pytest.raises(KeyError):
        catalog.lesson("nope")
    with pytest.raises(KeyError):
        catalog.template("nope")


def test_template_hash_changes_with_its_block_only(tmp_path: Path) -> None:
    write(tmp_path / "a", "l.md", BASE)
    write(tmp_path / "b", "l.md", BASE.replace("Text $x$.", "Other prose."))
    write(tmp_path / "c", "l.md", BASE.replace("What is the ratio?", "What is the quotient?"))
    hashes = [load_catalog(tmp_path / d).template("base-q").content_hash for d in "abc"]
    assert hashes[0] == hashes[1] != hashes[2]


def test_lessons_are_ordered_and_broken_ones_left_out(tmp_path: Path) -> None:
    write(tmp_path, "a.md", BASE.replace("order: 1", "order: 5"))
    write(
        tmp_path,
        "b.md",
        BASE.replace("id: base-lesson", "id: second").replace("id: base-q", "id: q2"),
    )
    write(
        tmp_path,
        "c.md",
        BASE.replace("id: base-lesson", "id: broken").replace("kind: numeric", "kind: nope"),
    )
    catalog = load_catalog(tmp_path)
    assert [lesson.id for lesson in catalog.lessons] == ["second", "base-lesson"]
    assert set(catalog.templates) == {"base-q", "q2"}
    assert [p.path.rsplit("/", 1)[-1] for p in catalog.errors] == ["c.md"]


def test_problem_string_format(tmp_path: Path) -> None:
    write(tmp_path, "l.md", BASE.replace("tags: [t]", "tgas: [t]"))
    (problem,) = load_catalog(tmp_path).errors
    assert str(problem) == (
        f"{problem.path}:13:1: error: unknown key in front matter 'tgas': did you mean tags? "
        "(fix: use one of: id, objectives, order, prerequisites, summary, tags, title)"
    )
    assert problem.to_dict()["line"] == 13


def test_default_content_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CONTENT_DIR_ENV, raising=False)
    assert default_content_dir() == Path(__file__).resolve().parents[2] / "content"
    monkeypatch.setenv(CONTENT_DIR_ENV, str(tmp_path))
    assert default_content_dir() == tmp_path
    assert load_catalog().content_dir == tmp_path
