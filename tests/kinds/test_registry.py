"""The registry is the only place that knows the kinds: no kind's name is tested elsewhere.

The rest of quizsvc asks ``quizsvc.kinds`` and each kind's partial (templates/kinds/); a
comparison with a kind's name, a membership test, a ``case`` or a table keyed by kind names
anywhere else would be a second place to change when a kind is added.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizsvc import kinds

ROOT = Path(__file__).resolve().parents[2] / "quizsvc"
OWNERS = (ROOT / "kinds", ROOT / "web" / "templates" / "kinds")


def _patterns(names: tuple[str, ...]) -> list[re.Pattern[str]]:
    name = "|".join(map(re.escape, names))
    quoted = rf"""["']({name})["']"""
    return [
        re.compile(rf"(==|!=)\s*{quoted}"),  # kind == "numeric"
        re.compile(rf"{quoted}\s*(==|!=)"),  # "numeric" == kind
        re.compile(rf"\b(not\s+)?in\s*[\(\[\{{][^\)\]\}}]*{quoted}"),  # kind in ("single", ...)
        re.compile(rf"\bcase\s+{quoted}"),  # match kind: case "ordering"
        re.compile(rf"{quoted}\s*:\s*\S"),  # {"numeric": grade_numeric, ...}
        re.compile(rf"{quoted}.*{quoted}"),  # ["numeric", "single", ...]
    ]


def offending(text: str, names: tuple[str, ...]) -> list[tuple[int, str]]:
    patterns = _patterns(names)
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if any(p.search(line) for p in patterns)
    ]


def _sources() -> list[Path]:
    files = [*ROOT.rglob("*.py"), *ROOT.rglob("*.html")]
    return sorted(f for f in files if not any(f.is_relative_to(owner) for owner in OWNERS))


def test_no_kind_name_is_tested_outside_the_kinds() -> None:
    found = [
        f"{path.relative_to(ROOT.parent)}:{number}: {line}"
        for path in _sources()
        for number, line in offending(path.read_text(encoding="utf-8"), kinds.names())
    ]
    assert not found, "ask quizsvc.kinds instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        'if variant.kind == "numeric":',
        "    elif kind != 'ordering':",
        '    if "plot_choice" == kind:',
        'if kind in ("single", "plot_choice"):',
        "{% if v.kind in ('single', 'multiple', 'plot_choice') %}",
        "{% elif q.kind == 'multiple' %}",
        '        case "ordering":',
        '    "numeric": _grade_numeric,',
        '    "enum": ["numeric", "single", "multiple"],',
        "if kind not in ['single']:",
    ],
)
def test_the_check_finds_every_form_of_a_kind_test(line: str) -> None:
    assert offending(line, kinds.names())


@pytest.mark.parametrize(
    "line",
    [
        'inputmode="numeric"',
        'kind = kinds.get(view.public["kind"])',
        "if attempt.kind is AttemptKind.DRILL:",
        "{% import question_kind(view.public.kind).partial as kind %}",
        '"""numeric: the learner types a number."""',
    ],
)
def test_the_check_leaves_other_uses_alone(line: str) -> None:
    assert not offending(line, kinds.names())


def test_every_kind_has_its_partial_and_answers_through_its_hooks() -> None:
    templates = ROOT / "web" / "templates"
    for kind in kinds.REGISTRY.values():
        partial = (templates / kind.partial).read_text(encoding="utf-8")
        for macro in ("input", "closed", "reviewed", "guide", "preview", "preview_key"):
            assert re.search(rf"{{% macro {macro}\(", partial), f"{kind.partial}: no {macro}"
        assert kind.word and kind.keys and kind.response_doc.startswith(f"{kind.name}:")
