"""The shipped curriculum meets issue 5's bar: structure, question mix, clean variants, freshness.

Per-lesson tests beside this file reproduce every number the prose states; this file checks what
holds for all lessons alike.
"""

from __future__ import annotations

import math
import re
from functools import cache

import pytest

from quizsvc import kinds
from quizsvc.content import Catalog, Lesson, load_catalog
from quizsvc.quiz.checks import check_template
from quizsvc.quiz.consistency import article_mistakes, drawn_words, word_article_mistakes
from quizsvc.quiz.generate import build
from tests.support.database import CONTENT_DIR

LESSON_IDS = [
    "how-networks-learn",
    "saturation",
    "vanishing-gradients",
    "exploding-gradients",
    "relu-and-variants",
    "weight-initialization",
    "normalization",
    "residual-connections",
    "clipping-and-regularization",
    "diagnosing-training",
    "recurrent-networks",
]
CHECK_SEEDS = 20
# Issue 5 asks for 20 distinct keys over 200 seeds; 20 among the first 40 is a stronger
# condition that costs a fifth as much.
FRESHNESS_SEEDS = 40
MIN_DISTINCT_KEYS = 20


@cache
def catalog() -> Catalog:
    return load_catalog(CONTENT_DIR)


def lesson(lesson_id: str) -> Lesson:
    return catalog().lesson(lesson_id)


def test_the_course_loads_without_problems_and_in_order() -> None:
    assert [str(p) for p in catalog().problems] == []
    assert [item.id for item in catalog().lessons] == LESSON_IDS
    assert [item.order for item in catalog().lessons] == list(range(1, len(LESSON_IDS) + 1))


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_lesson_structure(lesson_id: str) -> None:
    item = lesson(lesson_id)
    source = item.path.read_text(encoding="utf-8")
    assert 3 <= len(item.objectives) <= 6
    assert 1000 <= item.word_count <= 2500, item.word_count
    assert item.figures, "at least one live figure"
    assert re.search(r"^#+ .*questions interviewers ask", source, re.I | re.M)
    assert re.search(r"^#+ .*(references|further reading)", source, re.I | re.M)
    assert re.search(r"\b(19|20)\d\d\b", source), "references name papers with their year"
    assert "<math" in item.html, "the key formulas render as math"
    assert re.search(r"worked example", source, re.I)


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_question_bank_mix(lesson_id: str) -> None:
    questions = lesson(lesson_id).questions
    assert len(questions) >= 8
    numeric_with_figure = [q for q in questions if q.kind == "numeric" and q.sims and q.figures]
    assert len(numeric_with_figure) >= 4
    assert any(q.kind in {"plot_choice", "ordering"} for q in questions)
    conceptual = [q for q in questions if q.kind in {"single", "multiple"}]
    assert conceptual
    for q in conceptual:
        distractors = [c for c in q.choices if not c.correct]
        assert distractors and all(c.feedback for c in distractors), q.id
    # An explain question's model answer is its explanation.
    assert all(q.explanation.strip() or kinds.get(q.kind).self_assessed for q in questions)
    explain = [q for q in questions if q.kind == "explain"]
    assert len(explain) >= 3, "at least three interview questions to explain"
    assert all(q.spec.model_answer.strip() and 3 <= len(q.spec.rubric) <= 7 for q in explain)
    objectives = {o.id for o in lesson(lesson_id).objectives}
    tested = {o for q in questions for o in q.objectives}
    assert tested == objectives, "every objective is tested and no unknown one is named"


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_every_template_passes_the_variant_check(lesson_id: str) -> None:
    problems = []
    for template in lesson(lesson_id).questions:
        report = check_template(template, CHECK_SEEDS, render_seeds=1)
        assert report.variants == CHECK_SEEDS, template.id
        problems += [str(p) for p in report.problems]
    assert problems == []


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_numeric_answers_are_fresh_across_seeds(lesson_id: str) -> None:
    for template in lesson(lesson_id).questions:
        if template.kind != "numeric":
            continue
        keys = {
            build(template, seed).variant.answer_key["display"] for seed in range(FRESHNESS_SEEDS)
        }
        assert len(keys) >= MIN_DISTINCT_KEYS, (template.id, len(keys))


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_articles_fit_the_numbers_in_prose_and_captions(lesson_id: str) -> None:
    """ "an 18-layer network", never "a 18-layer" (templates are checked by content check)."""
    item = lesson(lesson_id)
    texts = [item.html, *(figure.caption for figure in item.figures.values())]
    assert [m for text in texts for m in article_mistakes(text)] == []


#: The engine's activation names that prose writes otherwise (relu is "ReLU").
ENGINE_NAME = re.compile(r"\b(relu|leaky_relu|elu|gelu|selu)\b")
CODE = re.compile(r"<code\b.*?</code>", re.S)


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_drawn_activations_read_as_the_prose_writes_them(lesson_id: str) -> None:
    """ "A 3-layer ReLU network", not "relu" (issue 16): a drawn activation is printed with
    ``display()`` outside code, and the article before it fits its sound."""
    from quizsvc.sim import ACTIVATION_NAMES

    for template in lesson(lesson_id).questions:
        if not any(
            value in ACTIVATION_NAMES
            for spec in template.params.values()
            for value in (spec.values if isinstance(spec.values, tuple) else (spec.values,))
        ):
            continue
        for seed in range(6):
            generation = build(template, seed)
            variant = generation.variant
            texts = [
                variant.prompt_html,
                variant.explanation_html,
                *variant.hints_html,
                *(choice["html"] for choice in variant.choices),
                *(figure["caption_html"] for figure in variant.figures),
            ]
            for text in texts:
                prose = CODE.sub(" ", text)
                assert not ENGINE_NAME.search(prose), (template.id, seed, prose)
                assert word_article_mistakes(text, drawn_words(template, generation)) == []


SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9.]+)+$")


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_live_figure_legends_are_words(lesson_id: str) -> None:
    """A legend names what differs ("tanh, gain 0.5"), not an identifier ("tanh-gain-0.5")."""
    for figure in lesson(lesson_id).figures.values():
        assert not [label for label in figure.sims if SLUG.match(label)], figure.id


# -- reading values off figures (docs/authoring.md, "Reading values off a figure") ---------------

#: A careful reader places a point to about this many CSS pixels on an axis with minor ticks.
READING_PX = 4
#: The narrowest a question's figure is shown (a 375 px phone) and its width as drawn.
SMALLEST_PX, NATURAL_PX = 325, 480
#: Seeds whose figures are measured per template.
READING_SEEDS = 40
#: Questions whose answer is read off a figure: for each value the answer combines, the figure
#: and its log panel (training figures: 0 = gradient norm, 1 = loss; others have one panel).
READ_OFF: dict[str, list[tuple[int, int]]] = {
    "norm-training-curves": [(1, 1), (1, 1)],
    "res-training-curves": [(0, 1), (1, 1)],
    "clip-rescue": [(1, 1)],
    "clip-every-step": [(0, 0)],
    "clip-decay-loss": [(0, 1), (1, 1)],
    "norm-bn-explosion-ratio": [(0, 0), (0, 0)],
    "res-forward-growth": [(0, 0), (0, 0)],
    "res-relu-explosion": [(0, 0), (0, 0)],
    "clip-norm-layer": [(0, 0)],
    "eg-tanh-first-last": [(0, 0), (0, 0)],
    "eg-relu-scaled": [(0, 0), (0, 0)],
    "init-tanh-phase": [(0, 0), (0, 0)],
    "init-default-deep": [(0, 0), (0, 0)],
    "diag-chaos-ratio": [(1, 0), (1, 0)],
    # Ratios of many decades: a wide tolerance still leaves "1" and the inverted ratio far off
    # (content check --strict over 200 seeds).
    "norm-sigmoid-rescue": [(0, 0), (0, 0)],
    "res-vanish-rescue": [(0, 0), (0, 0)],
}


#: A read-off question whose figure spans so many decades (12-18 px per decade at 325 px) that
#: the rule's tolerance would swallow their misconception "1" or the inverted ratio: they need
#: a new design (a value stated in the prompt, or a figure with fewer decades), not a wider
#: tolerance. Listed so the gap stays visible; the test below fails once one of them is fixed.
UNREADABLE: dict[str, list[tuple[int, int]]] = {
    "norm-small-batch": [(0, 0)] * 4,
}


def test_the_reading_rule_is_stated_at_the_smallest_width() -> None:
    """The numbers of the rule here are the plots package's and the authoring guide's."""
    from quizsvc.plots import style

    assert (READING_PX, SMALLEST_PX, NATURAL_PX) == (
        style.READING_PX,
        style.SMALLEST_WIDTH_PX,
        style.NATURAL_WIDTH_PX,
    )
    guide = " ".join((CONTENT_DIR.parent / "docs" / "authoring.md").read_text().split())
    assert f"**{SMALLEST_PX} px** wide" in guide and "natural width of 480 px" not in guide


def decade_heights(spec: dict, width: float = NATURAL_PX) -> list[float]:
    """Pixels per decade of each log panel of a variant's figure, shown ``width`` px wide."""
    import importlib

    import matplotlib

    from quizsvc.plots.base import Request
    from quizsvc.plots.kinds import FIGURE_KINDS, defaults
    from quizsvc.plots.style import RC, new_figure, render_lock
    from quizsvc.quiz.simcache import SIM_CACHE
    from quizsvc.sim import SimConfig

    kind = FIGURE_KINDS[spec["kind"]]
    request = Request(
        sims=[SIM_CACHE.get(SimConfig.from_dict(dict(c))) for c in spec["sims"]],
        labels=spec["labels"],
        hide=frozenset(spec["hide"]),
        theory=spec["theory"],
        options={**defaults(spec["kind"]), **spec["options"]},
    )
    with render_lock, matplotlib.rc_context(RC):
        fig, _ = new_figure(kind.rows)
        importlib.import_module(f"quizsvc.plots.{kind.module}").draw(fig, request)
        # SVG inches at the browser's 96 px per inch, scaled to the width shown.
        css_px = fig.get_size_inches()[1] * 96 * width / (fig.get_size_inches()[0] * 96)
        heights = []
        for ax in fig.axes[: kind.rows]:
            assert ax.get_yscale() == "log", (spec["kind"], ax.get_yscale())
            low, high = ax.get_ylim()
            heights.append(ax.get_position().height * css_px / math.log10(high / low))
    return heights


@pytest.mark.parametrize("template_id", sorted(READ_OFF))
def test_figure_read_tolerances_meet_the_reading_rule(template_id: str) -> None:
    """At the narrowest figure a page shows, k readings of 4 px each fit in the tolerance."""
    template = catalog().template(template_id)
    allowed = template.answer.tolerance["log10"]
    for seed in range(READING_SEEDS):
        variant = build(template, seed).variant
        needed = sum(
            READING_PX / decade_heights(variant.figures[figure], SMALLEST_PX)[panel]
            for figure, panel in READ_OFF[template_id]
        )
        assert allowed >= needed, (seed, round(needed, 3))


@pytest.mark.parametrize("template_id", sorted(UNREADABLE))
def test_questions_known_to_miss_the_reading_rule_still_miss_it(template_id: str) -> None:
    """When one of these meets the rule, move it to READ_OFF."""
    template = catalog().template(template_id)
    needed = max(
        sum(
            READING_PX / decade_heights(build(template, seed).variant.figures[f], SMALLEST_PX)[p]
            for f, p in UNREADABLE[template_id]
        )
        for seed in range(4)
    )
    assert template.answer.tolerance["log10"] < needed
