"""The explain kind: its block in a lesson (rubric linked to the lesson's headings), the
self-assessed score, the two-step form, and export as an essay question."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from quizsvc import kinds
from quizsvc.analytics.answers import answer_of
from quizsvc.analytics.labels import Labeler
from quizsvc.content import Catalog
from quizsvc.export.bank import build_bank
from quizsvc.export.gift import gift_text
from quizsvc.export.moodle import moodle_xml
from quizsvc.export.qti import qti_package
from quizsvc.kinds import AnswerError
from quizsvc.kinds.explain import MAX_TEXT
from quizsvc.quiz import generate, grade
from quizsvc.quiz.generate import build
from tests.content.lessons import BASE, find, line_of, load_text
from tests.kinds.test_grading import make_variant

EXPLAIN = """
## Why depth hurts

The gradient is a product.

### Fixes

Skip connections.

```question
id: base-explain
kind: explain
objectives: [obj-a]
difficulty: 2
prompt: Why do deep plain networks train badly?
model_answer: |
  The gradient is a product of one Jacobian per layer, so it shrinks or grows geometrically.
rubric:
  - point: The gradient is a product of per-layer Jacobians.
    section: Why depth hurts
  - point: It shrinks or grows geometrically with depth.
    section: Why depth hurts
  - point: Skip connections add an identity path.
    section: Fixes
```
"""


def explain_lesson(tmp_path: Path, old: str = "", new: str = "") -> tuple[Catalog, str]:
    block = EXPLAIN.replace(old, new, 1) if old else EXPLAIN
    assert not old or old in EXPLAIN
    text = BASE + block
    return load_text(tmp_path, text), text


def test_a_valid_block_links_each_point_to_its_section(tmp_path: Path) -> None:
    catalog, _ = explain_lesson(tmp_path)
    assert catalog.problems == []
    variant = generate(catalog.templates["base-explain"], 3)
    assert [(c["section"], c["anchor"]) for c in variant.choices] == [
        ("Why depth hurts", "sec-why-depth-hurts"),
        ("Why depth hurts", "sec-why-depth-hurts"),
        ("Fixes", "sec-fixes"),
    ]
    public = variant.public_dict()["choices"]
    assert public[2]["anchor"] == "sec-fixes" and "model_html" not in str(public)
    lesson_html = catalog.lessons[0].html
    assert '<h2 id="sec-why-depth-hurts">' in lesson_html and '<h3 id="sec-fixes">' in lesson_html


@pytest.mark.parametrize(
    ("old", "new", "marker", "fragment"),
    [
        (
            "    section: Fixes",
            "    section: Fixess",
            "    section: Fixess",
            "unknown lesson section 'Fixess': did you mean Fixes?",
        ),
        ("  - point: Skip", "  - poin: Skip", "  - poin: Skip", "unknown key in rubric point"),
        ("model_answer: |", "model_answers: |", "model_answers", "unknown key"),
        (
            "  - point: Skip connections add an identity path.\n    section: Fixes\n",
            "",
            "rubric:",
            "a rubric has 3 to 7 points, not 2",
        ),
        (
            "```\n",
            "explanation: Because.\n```\n",
            "explanation: Because.",
            "model answer is its explanation",
        ),
    ],
)
def test_errors_point_at_the_line_with_a_fix(
    tmp_path: Path, old: str, new: str, marker: str, fragment: str
) -> None:
    catalog, text = explain_lesson(tmp_path, old, new)
    problem = find(catalog.problems, fragment)
    assert problem.severity == "error" and problem.fix
    assert problem.line == line_of(text, marker), str(problem)
    assert "base-explain" not in catalog.templates


def test_eight_points_are_too_many(tmp_path: Path) -> None:
    point = "  - point: One more.\n    section: Fixes\n"
    catalog, _ = explain_lesson(tmp_path, "rubric:\n", "rubric:\n" + point * 5)
    assert find(catalog.problems, "not 8").severity == "error"


# -- grading ------------------------------------------------------------------------------------

IDS = ["a", "b", "c", "d", "e"]
POINTS = [{"id": i, "html": f"<p>point {i}</p>", "section": "S", "anchor": "sec-s"} for i in IDS]
VARIANT = make_variant("explain", POINTS, {"model_html": "<p>The model answer.</p>"})


@given(st.sets(st.sampled_from(IDS)), st.text(min_size=1).filter(str.strip))
def test_the_score_is_the_share_of_points_ticked(met: set[str], text: str) -> None:
    result = grade(VARIANT, {"text": text, "met": sorted(met)})
    assert result.score == len(met) / len(IDS)
    assert result.correct == (met == set(IDS))
    assert result.parsed["met"] == [i for i in IDS if i in met]
    assert "The model answer." in result.correct_answer_html


@given(st.sets(st.sampled_from(IDS)))
def test_an_answer_said_aloud_needs_no_text(met: set[str]) -> None:
    assert grade(VARIANT, {"spoken": True, "met": sorted(met)}).score == len(met) / len(IDS)


@pytest.mark.parametrize(
    "response",
    [
        "just text",
        {"text": "", "met": ["a"]},
        {"text": "  \n", "spoken": False, "met": []},
        {"text": "x", "met": "a"},
        {"text": "x", "met": ["z"]},
        {"text": "x"},
        {"text": 3, "met": []},
        {"text": "x", "spoken": "yes", "met": []},
        {"text": "x" * (MAX_TEXT + 1), "met": []},
    ],
)
def test_malformed_responses_are_refused(response: Any) -> None:
    with pytest.raises(AnswerError):
        grade(VARIANT, response)


def test_the_answer_shows_what_was_written_and_ticked_escaped() -> None:
    html = kinds.get("explain").answer_html(
        {"choices": POINTS}, {"text": "<b>mine</b>\n\nsecond", "met": ["b"]}
    )
    assert "&lt;b&gt;mine&lt;/b&gt;" in html and "<p>second</p>" in html
    assert "Covered: <p>point b</p>" in html and "Not covered: <p>point a</p>" in html


# -- the two-step form --------------------------------------------------------------------------


def form(**posted: Any) -> Any:
    return kinds.get("explain").answer_form({"choices": POINTS}, formdata=MultiDict(posted))


def test_the_model_answer_needs_an_answer_first() -> None:
    with pytest.raises(AnswerError, match="before you see the model answer"):
        form(reveal="1", text="   ").revealing()
    assert form(reveal="1", text="My answer.").revealing()
    assert form(reveal="1", spoken="y").revealing()
    assert not form(text="My answer.").revealing()  # the second step scores


def test_the_second_step_reads_text_and_ticks() -> None:
    posted = MultiDict([("text", "Mine."), ("met", "a"), ("met", "c")])
    response = kinds.get("explain").answer_form({"choices": POINTS}, formdata=posted).response()
    assert response == {"text": "Mine.", "spoken": False, "met": ["a", "c"]}
    assert grade(VARIANT, response).score == 2 / 5


# -- export -------------------------------------------------------------------------------------


def test_exports_write_an_essay_with_the_model_answer_as_feedback(tmp_path: Path) -> None:
    catalog, _ = explain_lesson(tmp_path)
    bank = build_bank(catalog.lessons[0], variants=1)
    gift = gift_text(bank)
    essay = re.search(r"Why do deep plain networks[^{]*\{\n\t####([^\n]*)\n\}", gift)
    assert essay and "The gradient is a product of one Jacobian" in essay.group(1)
    assert "Skip connections add an identity path" in essay.group(1)  # the rubric too
    with zipfile.ZipFile(io.BytesIO(qti_package(bank))) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    item = xml[xml.index("essay_question") :]
    assert 'linkrefid="general_fb"' in item and "one Jacobian per layer" in item
    questions = ET.fromstring(moodle_xml(bank)).findall("question[@type='essay']")
    assert len(questions) == 1
    grader = questions[0].findtext("graderinfo/text") or ""
    assert "one Jacobian per layer" in grader and "Skip connections add an identity path" in grader


def test_analytics_name_the_points_not_covered(tmp_path: Path) -> None:
    catalog, _ = explain_lesson(tmp_path)
    template = catalog.templates["base-explain"]
    generation = build(template, 1)
    assert answer_of(template, generation) == "3 rubric points"
    parsed = grade(generation.variant, {"text": "A product.", "met": ["a"]}).parsed
    shown = Labeler(template).wrong_shown(generation.variant.to_dict(), parsed, "")
    assert [label for label, _ in shown] == [
        "not covered: It shrinks or grows geometrically with depth.",
        "not covered: Skip connections add an identity path.",
    ]


def test_an_export_asks_for_variants_but_writes_an_explain_card_once(tmp_path: Path) -> None:
    """An explain card draws nothing from its seed: five "variants" would be five copies."""
    catalog, _ = explain_lesson(tmp_path)
    bank = build_bank(catalog.lessons[0], variants=5)
    by_kind = {group.template.kind: len(group.variants) for group in bank.groups}
    assert by_kind["explain"] == 1
    assert gift_text(bank).count("Why do deep plain networks") == 1
