"""`quizsvc content check | list | preview` on small lesson folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizsvc.cli.content import content_group
from quizsvc.content import CONTENT_DIR_ENV
from tests.content.lessons import BASE, write

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lessons" / "good"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(content_group, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_check_clean_folder_exits_zero_with_a_table() -> None:
    code, out = run("check", "--seeds", "3", "--jobs", "1", "--content-dir", str(FIXTURE))
    assert code == 0, out
    header, row = out.strip().split("\n")[:2]
    assert header.split() == [
        "lesson",
        "file",
        "templates",
        "variants",
        "errors",
        "warnings",
        "seconds",
    ]
    assert row.split()[0] == "toy-gradients" and row.split()[2:6] == ["5", "15", "0", "0"]
    assert out.strip().endswith("1 lessons, 5 templates, 15 variants: 0 errors, 0 warnings")


def test_check_reports_errors_and_exits_non_zero(tmp_path: Path) -> None:
    write(tmp_path, "a.md", BASE.replace("kind: numeric", "kind: numerc"))
    write(
        tmp_path,
        "b.md",
        BASE.replace("id: base-lesson", "id: b")
        .replace("id: base-q", "id: b-q")
        .replace("order: 1", "order: 2")
        .replace("value: =ratio", "value: =ratio * 1e308 * 1e308"),
    )
    code, out = run("check", "--seeds", "2", "--jobs", "1", "--content-dir", str(tmp_path))
    assert code == 1
    assert "a.md:30:7: error: unknown question kind 'numerc': did you mean numeric?" in out
    assert "b.md:44:1: error: b-q (seeds 0, 1): the answer is not finite (inf)" in out
    assert "(not loaded)" in out and "2 errors" in out


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    write(tmp_path, "a.md", BASE.replace("difficulty: 2\n", ""))
    assert run("check", "--seeds", "1", "--jobs", "1", "--content-dir", str(tmp_path))[0] == 0
    code, out = run(
        "check", "--strict", "--seeds", "1", "--jobs", "1", "--content-dir", str(tmp_path)
    )
    assert code == 1 and "warning: question has no difficulty" in out


@pytest.mark.slow
def test_check_in_worker_processes_gives_the_same_result() -> None:
    serial = run("check", "--seeds", "2", "--jobs", "1", "--content-dir", str(FIXTURE))
    parallel = run("check", "--seeds", "2", "--jobs", "2", "--content-dir", str(FIXTURE))
    strip = [line.split()[:6] for line in serial[1].strip().split("\n")]
    assert [line.split()[:6] for line in parallel[1].strip().split("\n")] == strip
    assert parallel[0] == serial[0] == 0


def test_content_dir_from_the_environment() -> None:
    code, out = run("list", "--json", env={CONTENT_DIR_ENV: str(FIXTURE)})
    assert code == 0
    (lesson,) = json.loads(out)
    assert lesson["id"] == "toy-gradients" and lesson["figures"] == ["toy-live"]
    assert [o["id"] for o in lesson["objectives"]] == [
        "read-norms",
        "compare-activations",
        "count-layers",
    ]
    first = lesson["templates"][0]
    assert first == {"id": "toy-ratio", "kind": "numeric", "objectives": ["read-norms"],
                     "difficulty": 2, "line": first["line"]}  # fmt: skip


def test_list_text() -> None:
    code, out = run("list", "--content-dir", str(FIXTURE))
    assert code == 0
    assert "toy-gradients  Toy gradients" in out
    assert "question  toy-order  ordering  difficulty 3  tests compare-activations" in out


def test_preview_shows_everything_and_writes_html(tmp_path: Path) -> None:
    page = tmp_path / "v.html"
    code, out = run(
        "preview", "toy-ratio", "--seed", "3", "--html", str(page), "--content-dir", str(FIXTURE)
    )
    assert code == 0, out
    for part in (
        "values:",
        "prompt:",
        "figure 0 (prompt): grad_norms",
        "answer key:",
        "explanation:",
    ):
        assert part in out
    assert "{{" not in out
    html = page.read_text()
    assert "<svg" in html and "Answer key" in html and "<math" in html


def test_preview_same_seed_same_output() -> None:
    args = ("preview", "toy-order", "--seed", "5", "--content-dir", str(FIXTURE))
    assert run(*args) == run(*args)


def test_preview_unknown_question_suggests() -> None:
    code, out = run("preview", "toy-rato", "--content-dir", str(FIXTURE))
    assert code != 0 and "did you mean toy-ratio?" in out
