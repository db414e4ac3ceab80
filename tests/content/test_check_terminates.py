"""`quizsvc content check` finishes on lesson files built to hang it, and names file and line.

Before the bounds, each of these lessons kept the command busy for minutes with no output
(an alias bomb grew past 4 GB in a minute; nineteen squarings of a number ran for minutes),
so the command runs in a subprocess with a timeout and a memory cap: a regression fails the
test instead of hanging the suite.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.content.lessons import BASE, billion_laughs, line_of, write

TIMEOUT_S = 180
MEMORY_CAP = 3 * 2**30
SQUARINGS = "values:\n  v0: 3 ** 40\n" + "".join(
    f"  v{i}: v{i - 1} * v{i - 1}\n" for i in range(1, 20)
)


def _lesson(text: str, n: int) -> str:
    """BASE renamed, so several copies can share one content folder."""
    return (
        text.replace("id: base-lesson", f"id: lesson-{n}")
        .replace("id: base-q", f"id: question-{n}")
        .replace("order: 1", f"order: {n}")
    )


LESSONS = {
    "front.md": _lesson(billion_laughs("front matter"), 1),
    "block.md": _lesson(billion_laughs("question block"), 2),
    "chain.md": _lesson(BASE.replace("values:\n", SQUARINGS), 3),
}


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("hostile")
    for name, text in LESSONS.items():
        write(folder, name, text)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "quizsvc.cli", "content", "check", "--jobs", "1",
             "--seeds", "2", "--content-dir", str(folder)],
            capture_output=True, text=True, timeout=TIMEOUT_S, preexec_fn=_cap_memory,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"content check did not finish within {TIMEOUT_S} s")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return folder, result.stdout


def _line(output: str, folder: Path, name: str, line: int) -> str:
    prefix = f"{folder / name}:{line}:"
    found = [row for row in output.splitlines() if row.startswith(prefix)]
    assert found, f"nothing reported at {prefix}\n{output}"
    return found[0]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["front.md", "block.md"])
def test_an_alias_bomb_is_an_error_at_its_line(checked: tuple[Path, str], name: str) -> None:
    folder, output = checked
    row = _line(output, folder, name, line_of(LESSONS[name], "lol0: &l0"))
    assert "error: YAML anchors and aliases (&l0) are not allowed in lessons" in row


@pytest.mark.slow
def test_a_number_that_outgrows_its_bounds_is_an_error_at_its_line(
    checked: tuple[Path, str],
) -> None:
    folder, output = checked
    # 3**40 squared seven times has 8,116 bits: the first value over the 4,096-bit limit.
    row = _line(output, folder, "chain.md", line_of(LESSONS["chain.md"], "v7: v6 * v6"))
    assert "question-3 (seeds 0, 1): 'v6 * v6': a whole number of 8,116 bits" in row
