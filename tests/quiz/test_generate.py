"""Variants: deterministic, JSON-safe, nothing secret in the public form, sims cached."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from quizsvc.content import Catalog, load_catalog
from quizsvc.quiz import SIM_CACHE, Variant, VariantError, generate, grade
from quizsvc.quiz.generate import build
from quizsvc.sim import ENGINE_VERSION
from tests.content.lessons import BASE, load_text, write

KINDS = {"toy-ratio", "toy-which-smaller", "toy-true-facts", "toy-order", "toy-pick-plot"}


def test_fixture_has_every_kind(toy: Catalog) -> None:
    assert set(toy.templates) == KINDS
    assert {t.kind for t in toy.templates.values()} == {
        "numeric", "single", "multiple", "ordering", "plot_choice"
    }  # fmt: skip


@pytest.mark.parametrize("template_id", sorted(KINDS))
def test_same_inputs_same_variant(toy: Catalog, template_id: str) -> None:
    template = toy.template(template_id)
    first = generate(template, 11)
    SIM_CACHE.clear()
    assert generate(template, 11) == first
    assert first.engine_version == ENGINE_VERSION
    assert first.content_hash == template.content_hash and first.seed == 11


def test_different_seeds_draw_different_parameters(toy: Catalog) -> None:
    template = toy.template("toy-ratio")
    drawn = {json.dumps(generate(template, seed).params, sort_keys=True) for seed in range(8)}
    assert len(drawn) > 3


@pytest.mark.parametrize("template_id", sorted(KINDS))
def test_json_round_trip(toy: Catalog, template_id: str) -> None:
    variant = generate(toy.template(template_id), 5)
    data = json.loads(json.dumps(variant.to_dict(), allow_nan=False))
    assert Variant.from_dict(data) == variant


@pytest.mark.parametrize("template_id", sorted(KINDS))
def test_public_dict_hides_the_answer(toy: Catalog, template_id: str) -> None:
    variant = generate(toy.template(template_id), 5)
    public = variant.public_dict()
    text = json.dumps(public)
    for secret in ("answer_key", "seed", "params", "correct", "explanation", "feedback", '"sims"'):
        assert secret not in text
    for figure in public["figures"]:
        assert set(figure) == {"index", "kind", "role", "caption_html"}
    for choice in public["choices"]:
        assert set(choice) <= {"id", "html", "figure"}
    if variant.kind == "numeric":
        assert variant.answer_key["display"] not in text


def test_numeric_variant_grades_its_own_key(toy: Catalog) -> None:
    variant = generate(toy.template("toy-ratio"), 2)
    key = variant.answer_key
    assert grade(variant, repr(key["value"])).score == 1.0
    assert grade(variant, repr(key["value"] * 1.5)).score == 0.0
    assert "{{" not in variant.prompt_html and "<math" in variant.prompt_html
    assert variant.explanation_html.startswith("<p>The ratio is")
    assert variant.hints_html == ["<p>Read the first and the last point.</p>\n"]


def test_computed_correct_flags(toy: Catalog) -> None:
    for seed in range(4):
        generation = build(toy.template("toy-which-smaller"), seed)
        values = generation.env.names
        variant = generation.variant
        (right,) = variant.answer_key["correct"]
        html = next(c["html"] for c in variant.choices if c["id"] == right)
        assert ("sigmoid" in html) == (values["s1"] < values["r1"])


def test_ordering_key_is_sorted_and_shown_shuffled(toy: Catalog) -> None:
    variant = generate(toy.template("toy-order"), 3)
    keys = variant.answer_key["keys"]
    order = variant.answer_key["order"]
    assert [keys[i] for i in order] == sorted(keys.values(), reverse=True)
    assert [c["id"] for c in variant.choices] != order


def test_plot_choice_options_are_figures_without_revealing_labels(toy: Catalog) -> None:
    variant = generate(toy.template("toy-pick-plot"), 3)
    assert [f["role"] for f in variant.figures] == ["option", "option"]
    assert [c["figure"] for c in variant.choices] == [0, 1]
    for figure in variant.figures:
        assert figure["labels"] == ["network 1"]
    configs = [f["sims"][0]["activation"] for f in variant.figures]
    (right,) = variant.answer_key["correct"]
    assert configs[[c["id"] for c in variant.choices].index(right)] == "sigmoid"


def test_simulations_get_the_seed_and_are_cached(toy: Catalog) -> None:
    template = toy.template("toy-ratio")
    SIM_CACHE.clear()
    generate(template, 7)
    misses = SIM_CACHE.stats.misses
    assert misses == 1
    generation = build(template, 7)
    assert SIM_CACHE.stats.misses == misses and SIM_CACHE.stats.hits >= 1
    assert generation.configs["net"]["seed"] == 7


def test_simulations_only_run_when_read(toy: Catalog) -> None:
    SIM_CACHE.clear()
    generate(toy.template("toy-pick-plot"), 1)
    assert SIM_CACHE.stats.misses == 0


def catalog_with(tmp_path: Path, old: str, new: str) -> Catalog:
    write(tmp_path, "lesson.md", BASE.replace(old, new))
    return load_catalog(tmp_path)


def test_non_finite_answer_is_a_variant_error_at_the_answer_line(tmp_path: Path) -> None:
    catalog = catalog_with(tmp_path, "value: =ratio", "value: =ratio * 1e308 * 1e308")
    with pytest.raises(VariantError, match="not finite") as info:
        generate(catalog.template("base-q"), 0)
    assert info.value.line == BASE.split("\n").index("  value: =ratio") + 1


def test_expression_failure_is_a_variant_error_at_its_line(tmp_path: Path) -> None:
    catalog = catalog_with(tmp_path, "ratio: g1 / net.weight_grad_norm[-1]", "ratio: g1 / 0")
    with pytest.raises(VariantError, match="division by zero") as info:
        generate(catalog.template("base-q"), 0)
    assert info.value.line == BASE.split("\n").index("  ratio: g1 / net.weight_grad_norm[-1]") + 1


def test_simulation_over_budget_at_generation_is_a_variant_error(tmp_path: Path) -> None:
    template = load_text(tmp_path, BASE).template("base-q")
    net = template.sims["net"]
    huge = {"depth": 200, "width": 2048, "batch": 1024, "steps": 1000}
    broken = dataclasses.replace(
        template, sims={"net": dataclasses.replace(net, fields={**net.fields, **huge})}
    )
    with pytest.raises(VariantError, match=r"over the engine's limits.*budget") as info:
        generate(broken, 0)
    assert info.value.line == net.line


def test_non_finite_misconceptions_are_left_out_and_json_stays_strict(tmp_path: Path) -> None:
    text = BASE.replace(
        "  tolerance: {relative: 0.05}",
        "  tolerance: {relative: 0.05}\nmisconceptions:\n  - value: =ratio * 1e308 * 1e308\n"
        "    feedback: Overflow.\n  - value: =ratio * 2\n    feedback: Double.",
    )
    variant = generate(load_text(tmp_path, text).template("base-q"), 0)
    assert [m["feedback_html"] for m in variant.answer_key["misconceptions"]] == [
        "<p>Double.</p>\n"
    ]
    json.dumps(variant.to_dict(), allow_nan=False)


def test_plot_choice_hides_the_settings_that_tell_options_apart(toy: Catalog) -> None:
    variant = generate(toy.template("toy-pick-plot"), 3)
    for figure in variant.figures:
        assert {"activation", "init"} <= set(figure["hide"])
        assert "depth" not in figure["hide"]
