"""A small valid lesson for validation tests, and helpers to load variations of it."""

from __future__ import annotations

from pathlib import Path

from quizsvc.content import Catalog, Problem, load_catalog

BASE = """\
---
id: base-lesson
title: Base
summary: A valid lesson.
order: 1
objectives:
  - id: obj-a
    text: First.
  - id: obj-b
    text: Second.
  - id: obj-c
    text: Third.
tags: [t]
---

# Base

Text $x$.

```figure
id: fig-a
kind: grad_norms
caption: A figure.
sims:
  one: {depth: 3, width: 8, batch: 8, activation: relu}
```

```question
id: base-q
kind: numeric
objectives: [obj-a, obj-b, obj-c]
difficulty: 2
params:
  depth: {int: [3, 5]}
  act: {choice: [relu, tanh]}
sims:
  net: {depth: =depth, width: 8, batch: 8, activation: =act}
values:
  g1: net.weight_grad_norm[1]
  ratio: g1 / net.weight_grad_norm[-1]
prompt: |
  A {{ depth }}-layer network. What is the ratio?
answer:
  value: =ratio
  tolerance: {relative: 0.05}
explanation: It is {{ ratio:.3g }}.
```
"""


# Nine lists of nine aliases of the list before: 9**9 = 387,420,489 strings once expanded.
LAUGHS = "\n".join(
    ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
)


def billion_laughs(where: str) -> str:
    """BASE with the alias bomb in its front matter or in its question block."""
    if where == "front matter":
        return BASE.replace("tags: [t]\n", f"tags: [t]\n{LAUGHS}\n")
    return BASE.replace("difficulty: 2\n", f"difficulty: 2\n{LAUGHS}\n")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(folder: Path, text: str) -> Catalog:
    write(folder, "lesson.md", text)
    return load_catalog(folder)


def line_of(text: str, marker: str) -> int:
    """1-based line of the first line that contains ``marker``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if marker in line:
            return number
    raise AssertionError(f"marker {marker!r} not in the text")


def find(problems: list[Problem], fragment: str) -> Problem:
    matches = [p for p in problems if fragment in p.message]
    assert matches, f"no problem mentions {fragment!r}; got:\n" + "\n".join(map(str, problems))
    return matches[0]
