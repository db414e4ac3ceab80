"""Every validation message: each names the file, the line, the column and a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizsvc.content import load_catalog
from tests.content.lessons import BASE, find, line_of, load_text, write

QUESTION_FENCE = "```question"

# (old text, new text, marker on the expected line, message fragment, severity)
CASES = [
    (
        "explanation: It is",
        "explanation: Note: it is",
        "explanation: Note",
        "mapping values are not allowed",
        "error",
    ),
    ("net: {depth: =depth,", "net: {depth: =d[1],", "net: {depth: =d[1]", "flow mapping", "error"),
    ("difficulty: 2", "dificulty: 2", "dificulty", "did you mean difficulty?", "error"),
    (
        "difficulty: 2",
        "difficulty: 2\nchoices: []",
        "choices: []",
        "is for single and multiple questions",
        "error",
    ),
    ("tags: [t]", "tgas: [t]", "tgas", "did you mean tags?", "error"),
    ("activation: =act}", "activation: rleu}", "net: {", "did you mean 'relu'?", "error"),
    (
        "act: {choice: [relu, tanh]}",
        "act: {choice: [relu, tnah]}",
        "act: {choice",
        "parameter act can be 'tnah'",
        "error",
    ),
    (
        "depth: {int: [3, 5]}",
        "depth: {int: [8, 500]}",
        "depth: {int",
        "parameter depth can be 500",
        "error",
    ),
    (
        "width: 8, batch: 8, activation: =act",
        "width: 2048, batch: 1024, steps: 500, activation: =act",
        "net: {",
        "exceeds the budget",
        "error",
    ),
    (
        "batch: 8, activation: =act",
        "btch: 8, activation: =act",
        "net: {",
        "did you mean 'batch'?",
        "error",
    ),
    ("ratio: g1 /", "ratio: g2 /", "ratio: g2", "unknown name 'g2': did you mean g1?", "error"),
    (
        "net.weight_grad_norm[-1]",
        "net.weight_grad_nrm[-1]",
        "ratio:",
        "did you mean weight_grad_norm?",
        "error",
    ),
    ("A {{ depth }}-layer", "A {{ dpth }}-layer", "-layer network", "unknown name 'dpth'", "error"),
    ("A {{ depth }}-layer", "A {{ depth -layer", "-layer network", "never closed", "error"),
    (
        "objectives: [obj-a, obj-b, obj-c]",
        "objectives: [obj-a, obj-bb, obj-c]",
        "obj-bb",
        "unknown objective 'obj-bb': did you mean obj-b?",
        "error",
    ),
    ("kind: numeric", "kind: numerc", "numerc", "did you mean numeric?", "error"),
    (
        "value: =ratio",
        "value: ratio",
        "value: ratio",
        "neither a number nor an expression",
        "error",
    ),
    ("{relative: 0.05}", "{relativ: 0.05}", "relativ:", "did you mean relative?", "error"),
    (
        "ratio: g1 / net.weight_grad_norm[-1]",
        "ratio: g1 / / 2",
        "ratio:",
        "not a valid expression",
        "error",
    ),
    (
        "ratio: g1 / net.weight_grad_norm[-1]",
        "ratio: g1.__class__",
        "ratio:",
        "not allowed",
        "error",
    ),
    ("ratio: g1 / net.weight_grad_norm[-1]", "ratio: g1 ^ 2", "ratio:", "write **", "error"),
    (
        "ratio: g1 / net.weight_grad_norm[-1]",
        "ratio: open('x')",
        "ratio:",
        "unknown function",
        "error",
    ),
    (
        "ratio: g1 / net.weight_grad_norm[-1]",
        "ratio: " + "g1 + " * 120 + "1",
        "ratio:",
        "limit is 500",
        "error",
    ),
    (
        "id: fig-a\nkind: grad_norms",
        "id: fig-a\nkind: grad_norm",
        "kind: grad_norm\n",
        "did you mean grad_norms?",
        "error",
    ),
    ("Text $x$.", "!!! notte\n    Body.", "!!! notte", "did you mean note?", "error"),
    (
        "difficulty: 2",
        "difficulty: 2\nconstraints:\n  - depth > 10",
        QUESTION_FENCE,
        "no draw out of 1000",
        "error",
    ),
    (
        "  g1: net.weight_grad_norm[1]\n  ratio: g1 / net.weight_grad_norm[-1]",
        "  ratio: g1 / net.weight_grad_norm[-1]\n  g1: net.weight_grad_norm[1]",
        "ratio:",
        "used before it is defined",
        "error",
    ),
    (
        "width: 8, batch: 8, activation: =act",
        "width: =g1, batch: 8, activation: =act",
        "net: {",
        "may only use parameters",
        "error",
    ),
    ("difficulty: 2", "difficulty: 2\ndifficulty: 3", "difficulty: 3", "duplicate key", "error"),
    ("id: base-q", "id: Base_Q", "Base_Q", "lowercase-with-dashes", "error"),
    (
        "objectives: [obj-a, obj-b, obj-c]",
        "objectives: [obj-a, obj-b]",
        "objectives:\n",
        "'obj-c' is tested by no question",
        "warning",
    ),
    (
        "activation: relu}",
        "activation: =act}",
        "one: {",
        "expressions are for question templates",
        "error",
    ),
    ("Text $x$.", r"Text $\foo x$.", "Text $", r"unknown LaTeX command \foo", "warning"),
    ("depth: {int: [3, 5]}", "depth: {int: [5, 3]}", "depth: {int", "reversed", "error"),
    (
        "depth: {int: [3, 5]}",
        "depth: {loguniform: [-1, 5]}",
        "depth: {",
        "must be positive",
        "error",
    ),
    ("depth: {int: [3, 5]}", "depth: {int: [3.5, 5]}", "depth: {", "whole numbers", "error"),
    ("depth: {int: [3, 5]}", "depth: {intt: [3, 5]}", "depth: {", "did you mean int?", "error"),
    (
        "explanation: It",
        "figures:\n  - {kind: grad_norms, sims: [nett]}\nexplanation: It",
        "sims: [nett]",
        "unknown simulation 'nett': did you mean net?",
        "error",
    ),
    ("difficulty: 2", "difficulty: 9", "difficulty: 9", "from 1 to 5", "error"),
    ("difficulty: 2\n", "", QUESTION_FENCE, "no difficulty", "warning"),
    ("explanation: It is {{ ratio:.3g }}.\n", "", QUESTION_FENCE, "no explanation", "warning"),
    ("  value: =ratio\n", "", "answer:", "answer has no value", "error"),
    ("params:\n  depth", "params:\n  max: 3\n  depth", "max: 3", "built-in name", "error"),
    ("ratio: g1 /", "depth: g1 /", "depth: g1", "defined twice", "error"),
    (
        "  tolerance: {relative: 0.05}",
        "  tolerance: {sigfigs: 0.5}",
        "tolerance:",
        "sigfigs",
        "error",
    ),
    (
        "  tolerance: {relative: 0.05}",
        "  tolerance: {relative: 0.05}\n  format: .3q",
        "format:",
        "not a number format",
        "error",
    ),
    ("order: 1", "order: first", "order: first", "whole number", "error"),
    ("id: fig-a", "id: Fig A", "Fig A", "lowercase-with-dashes", "error"),
    ("  - id: obj-c\n    text: Third.\n", "", "objectives:\n", "2 objectives", "warning"),
    ("value: =ratio", "value: =ratio.x", "value: =ratio.x", "is not a simulation", "error"),
    (
        "caption: A figure.",
        "caption: A figure.\ntheory: true",
        "id: fig-a",
        "set the option metric: output_grad_norm",
        "error",
    ),
    (
        "explanation: It",
        "figures:\n  - {kind: grad_norms, sims: [net], hide: [step_loss]}\nexplanation: It",
        "hide: [step_loss]",
        "unknown hide 'step_loss'",
        "error",
    ),
    (
        "explanation: It",
        "figures:\n  - {kind: training, sims: [net]}\nexplanation: It",
        "kind: training",
        "needs a training run",
        "error",
    ),
    (
        "explanation: It",
        "figures:\n  - {kind: grad_norms, sims: [net], options: {metrc: x}}\nexplanation: It",
        "options: {metrc",
        "did you mean 'metric'?",
        "error",
    ),
]


@pytest.mark.parametrize(("old", "new", "marker", "fragment", "severity"), CASES)
def test_validation_message(
    tmp_path: Path, old: str, new: str, marker: str, fragment: str, severity: str
) -> None:
    assert old in BASE
    text = BASE.replace(old, new, 1)
    catalog = load_text(tmp_path, text)
    problem = find(catalog.problems, fragment)
    assert problem.line == line_of(text, marker.rstrip("\n")), str(problem)
    assert problem.severity == severity, str(problem)
    assert problem.fix, str(problem)
    assert problem.path.endswith("lesson.md")
    assert str(problem).startswith(f"{problem.path}:{problem.line}:{problem.column}: {severity}: ")
    if severity == "error":
        assert catalog.lessons == [] and catalog.templates == {}


def test_the_base_lesson_is_valid(tmp_path: Path) -> None:
    catalog = load_text(tmp_path, BASE)
    assert catalog.problems == []
    assert [lesson.id for lesson in catalog.lessons] == ["base-lesson"]


def test_columns_point_at_the_offending_text(tmp_path: Path) -> None:
    text = BASE.replace("explanation: It is", "explanation: Note: it is")
    problem = find(load_text(tmp_path, text).problems, "mapping values")
    assert problem.column == len("explanation: Note") + 1
    text = BASE.replace("  act: {choice", "  axt: {chice")
    problem = find(load_text(tmp_path, text).problems, "did you mean choice?")
    assert (problem.line, problem.column) == (line_of(text, "axt:"), len("  axt: {") + 1)


def test_all_problems_of_all_files_in_one_run(tmp_path: Path) -> None:
    write(tmp_path, "a.md", BASE.replace("kind: numeric", "kind: numerc").replace("tgas", "tags"))
    write(
        tmp_path,
        "b.md",
        BASE.replace("id: base-lesson", "id: other")
        .replace("tags: [t]", "tgas: [t]")
        .replace("ratio: g1 /", "ratio: g2 /"),
    )
    problems = [p for p in load_catalog(tmp_path).problems if p.severity == "error"]
    assert {p.path.rsplit("/", 1)[-1] for p in problems} == {"a.md", "b.md"}
    assert len([p for p in problems if p.path.endswith("b.md")]) == 2


def test_duplicate_question_id_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.md", BASE)
    write(
        tmp_path,
        "b.md",
        BASE.replace("id: base-lesson", "id: other-lesson").replace("order: 1", "order: 2"),
    )
    catalog = load_catalog(tmp_path)
    problem = find(catalog.problems, "question id 'base-q' is also used in")
    assert problem.path.endswith("b.md") and "a.md" in problem.message
    assert problem.line == line_of(BASE, QUESTION_FENCE)
    assert [lesson.id for lesson in catalog.lessons] == ["base-lesson"]


def test_duplicate_lesson_id_and_order(tmp_path: Path) -> None:
    write(tmp_path, "a.md", BASE)
    write(tmp_path, "b.md", BASE.replace("id: base-q", "id: other-q"))
    problems = load_catalog(tmp_path).problems
    assert find(problems, "lesson id 'base-lesson' is also used").line == 2
    assert find(problems, "order 1 is also used").severity == "warning"


def test_prerequisites_unknown_warn_and_cycles_fail(tmp_path: Path) -> None:
    write(tmp_path, "a.md", BASE.replace("tags: [t]", "prerequisites: [other-lesson]\ntags: [t]"))
    write(
        tmp_path,
        "b.md",
        BASE.replace("id: base-lesson", "id: other-lesson")
        .replace("id: base-q", "id: b-q")
        .replace("order: 1", "order: 2")
        .replace("tags: [t]", "prerequisites: [base-lesson, nope]"),
    )
    problems = load_catalog(tmp_path).problems
    assert find(problems, "prerequisite 'nope' is not a lesson").severity == "warning"
    cycle = [p for p in problems if "cycle" in p.message]
    assert len(cycle) == 2 and all(p.severity == "error" for p in cycle)


def test_duplicate_figure_id_in_a_lesson(tmp_path: Path) -> None:
    block = BASE[BASE.index("```figure") : BASE.index("```question")]
    text = BASE.replace(block, block + block)
    problem = find(load_text(tmp_path, text).problems, "figure id 'fig-a' is used twice")
    assert problem.line == line_of(text, "id: fig-a") + 8


def test_no_front_matter(tmp_path: Path) -> None:
    catalog = load_text(tmp_path, "# Just prose\n")
    assert find(catalog.problems, "no front matter").line == 1


def test_missing_content_folder_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    catalog = load_catalog(tmp_path / "absent")
    assert find(catalog.problems, "content folder not found").severity == "error"


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"---\nid: \xff\n---\n")
    assert find(load_catalog(tmp_path).problems, "cannot read").line == 1


SINGLE = """
```question
id: base-single
kind: single
objectives: [obj-a]
difficulty: 1
prompt: Pick.
choices:
  - text: One
    correct: true
    feedback: Yes.
  - text: Two
    correct: true
    feedback: No.
explanation: Because.
```
"""


def test_single_needs_exactly_one_correct(tmp_path: Path) -> None:
    problems = load_text(tmp_path, BASE + SINGLE).problems
    assert find(problems, "exactly one correct entry in choices, found 2").line == line_of(
        BASE + SINGLE, "choices:"
    )


def test_distractor_without_feedback_warns(tmp_path: Path) -> None:
    text = BASE + SINGLE.replace("    correct: true\n    feedback: No.\n", "")
    problem = find(load_text(tmp_path, text).problems, "distractor without feedback")
    assert problem.severity == "warning" and problem.line == line_of(text, "- text: Two")


def test_ordering_needs_order_and_items(tmp_path: Path) -> None:
    text = (
        BASE + "\n```question\nid: o-q\nkind: ordering\nobjectives: [obj-a]\ndifficulty: 1\n"
        "prompt: Order.\nitems:\n  - {label: a, key: 1}\nexplanation: E.\n```\n"
    )
    problems = load_text(tmp_path, text).problems
    assert find(problems, "has no order").severity == "error"
    assert find(problems, "at least 3 items").severity == "error"


def test_ordering_with_two_items_is_refused(tmp_path: Path) -> None:
    text = (
        BASE + "\n```question\nid: o-q\nkind: ordering\nobjectives: [obj-a]\ndifficulty: 1\n"
        "prompt: Order.\norder: ascending\nitems:\n  - {label: a, key: 1}\n"
        "  - {label: b, key: 2}\nexplanation: E.\n```\n"
    )
    problem = find(load_text(tmp_path, text).problems, "at least 3 items")
    assert "reverse" in problem.fix


def test_flow_mapping_fix_says_to_quote(tmp_path: Path) -> None:
    text = BASE.replace("net: {depth: =depth,", "net: {depth: =d[1],")
    assert "quote" in find(load_text(tmp_path, text).problems, "flow mapping").fix


MORE_CASES = [
    ("title: Base", "title: [a, b]", "title:", "title must be text", "error"),
    ("title: Base", "title: Base\n? [a]\n: b", "? [a]", "a key must be a plain word", "error"),
    ("title: Base", "title: !!binary aGk=", "title:", "unsupported YAML type", "error"),
    (
        "  - id: obj-c\n    text: Third.",
        "  - {id: obj-b, text: Again}",
        "Again",
        "listed twice",
        "error",
    ),
    ("  - id: obj-c\n", "  - id: Obj C\n", "Obj C", "lowercase-with-dashes", "error"),
    (
        "  - id: obj-c\n    text: Third.\n",
        "  - just text\n",
        "just text",
        "objective must be",
        "error",
    ),
    ("difficulty: 2", "difficulty: 2\nshuffle: maybe", "shuffle:", "is for single", "error"),
    (
        "  act: {choice: [relu, tanh]}",
        "  act: [relu, tanh]",
        "act: [",
        "must be a mapping",
        "error",
    ),
    ("{int: [3, 5]}", "{int: [3, 5], uniform: [1, 2]}", "depth: {", "exactly one of", "error"),
    ("{int: [3, 5]}", "{int: [3, 5], round: 2}", "depth: {", "round: is for uniform", "error"),
    ("{choice: [relu, tanh]}", "{choice: []}", "act: {", "non-empty list", "error"),
    ("{int: [3, 5]}", "{int: [3]}", "depth: {", "must be [low, high]", "error"),
    (
        "difficulty: 2",
        "difficulty: 2\nconstraints:\n  - [1]",
        "  - [1]",
        "must be an expression",
        "error",
    ),
    (
        "difficulty: 2",
        "difficulty: 2\nconstraints:\n  - net.depth > 1",
        "net.depth > 1",
        "may only use parameters",
        "error",
    ),
    ("  net: {depth", "  other: 3\n  net: {depth", "other: 3", "must be a mapping", "error"),
    (
        "  tolerance: {relative: 0.05}",
        "  tolerance: 0.05",
        "tolerance: 0.05",
        "must be one of",
        "error",
    ),
    (
        "  tolerance: {relative: 0.05}",
        "  tolerance: {relative: 5}",
        "tolerance:",
        "100 % or more",
        "warning",
    ),
    ("objectives: [obj-a, obj-b, obj-c]\n", "", QUESTION_FENCE, "tests no objective", "error"),
    (
        "A {{ depth }}-layer",
        "A {{ depth + }}-layer",
        "-layer network",
        "not a valid expression",
        "error",
    ),
    (
        "A {{ depth }}-layer",
        "A {{ net.depht }}-layer",
        "-layer network",
        "did you mean depth?",
        "error",
    ),
    (
        "caption: A figure.\nsims:\n  one: {depth: 3, width: 8, batch: 8, activation: relu}\n",
        "caption: A figure.\n",
        "id: fig-a",
        "figure has no sims",
        "error",
    ),
    (
        "  one: {depth: 3, width: 8, batch: 8, activation: relu}",
        "  one: 3",
        "one: 3",
        "must be a mapping",
        "error",
    ),
    (
        "explanation: It",
        "figures:\n  - {kind: grad_norms}\nexplanation: It",
        "kind: grad_norms}",
        "names no simulation",
        "error",
    ),
    (
        "explanation: It",
        "figures:\n  - {kind: grad_norms, sims: [net], labels: [a, b]}\nexplanation: It",
        "labels: [a, b]",
        "2 labels for 1 simulations",
        "error",
    ),
    (
        "explanation: It",
        "figures:\n  - {kind: grad_norms, sims: [net], theory: 1}\nexplanation: It",
        "theory: 1",
        "true or false",
        "error",
    ),
    ("tags: [t]", "tags: {a: 1}", "tags:", "a list of words", "error"),
    ("explanation: It", "hints: {a: 1}\nexplanation: It", "hints:", "a list of texts", "error"),
    ("Text $x$.", "Text $\\frac{a}{$.", "Text $", "LaTeX not understood", "warning"),
]


@pytest.mark.parametrize(("old", "new", "marker", "fragment", "severity"), MORE_CASES)
def test_more_validation_messages(
    tmp_path: Path, old: str, new: str, marker: str, fragment: str, severity: str
) -> None:
    assert old in BASE
    text = BASE.replace(old, new, 1)
    problem = find(load_text(tmp_path, text).problems, fragment)
    assert (problem.line, problem.severity) == (line_of(text, marker), severity), str(problem)
    assert problem.fix


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("---\nid: x\n", 1, "front matter is not closed"),
        ("---\n- a\n---\n", 2, "front matter must be key: value lines"),
        ("---\nid: [\n---\n", 2, "YAML syntax error"),
    ],
)
def test_front_matter_shape(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    problem = find(load_text(tmp_path, text).problems, fragment)
    assert problem.line == line and problem.fix


def test_block_shape(tmp_path: Path) -> None:
    text = BASE + "\n```question\n```\n\n```figure\n- a\n```\n"
    problems = load_text(tmp_path, text).problems
    assert find(problems, "empty question block").line == len(BASE.split("\n")) + 1
    assert find(problems, "a figure block holds key: value lines").line == line_of(text, "- a")


def test_multiple_needs_a_correct_choice(tmp_path: Path) -> None:
    block = SINGLE.replace("kind: single", "kind: multiple").replace("    correct: true\n", "")
    problem = find(load_text(tmp_path, BASE + block).problems, "no choice is marked correct")
    assert problem.line == line_of(BASE + block, "choices:")


def test_plot_choice_needs_two_options(tmp_path: Path) -> None:
    text = BASE + (
        "\n```question\nid: p-q\nkind: plot_choice\nobjectives: [obj-a]\ndifficulty: 1\n"
        "sims:\n  a: {depth: 3, width: 8, batch: 8}\nprompt: Pick.\noptions:\n"
        "  - {kind: grad_norms, sims: [a], correct: true}\nexplanation: E.\n```\n"
    )
    problem = find(load_text(tmp_path, text).problems, "at least 2 options")
    assert problem.line == line_of(text, "options:")
