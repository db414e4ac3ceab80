"""Key ideas and formulas come from a lesson's sections; source lists are left out."""

from __future__ import annotations

from pathlib import Path

from quizsvc.content import load_catalog
from quizsvc.progress.guide_content import INTRODUCTION, sections, text_of

MATH = '<math display="block"><mi>χ</mi></math>'
HTML = f"""<h1>Vanishing gradients</h1>
<p>History first.</p>
<h2>The gradient is a product</h2>
<p>Each layer <em>multiplies</em> the signal.</p>
{MATH}
<p>More prose.</p>
<h2>Symptoms</h2>
<ul><li>No paragraph first</li></ul>
<p>Early layers stop learning.</p>
<h2>References</h2>
<p>Glorot and Bengio (2010).</p>
"""


def test_each_section_gives_its_heading_first_paragraph_and_formulas() -> None:
    found = sections(HTML)
    assert [s.title_html for s in found] == ["The gradient is a product", "Symptoms"]
    assert found[0].idea_html == "Each layer <em>multiplies</em> the signal."
    assert found[0].formulas == [MATH]
    assert found[1].idea_html == "Early layers stop learning." and found[1].formulas == []


def test_the_introduction_counts_when_it_holds_formulas_or_is_all_there_is() -> None:
    with_math = sections(f"<h1>T</h1><p>Intro.</p>{MATH}<h2>A</h2><p>Idea.</p>")
    assert [s.title_html for s in with_math] == [INTRODUCTION, "A"]
    assert [s.title_html for s in sections("<h1>T</h1><p>Only prose.</p>")] == [INTRODUCTION]
    assert sections("<h1>T</h1><p>Intro.</p><h2>A</h2><p>Idea.</p>")[0].title_html == "A"


def test_an_idea_that_ends_on_a_colon_keeps_what_it_introduces() -> None:
    html = f"""<h1>T</h1>
<h2>Backpropagation</h2>
<p>Three identities give everything:</p>
{MATH}
<p>where <em>χ</em> is the gain.</p>
<p>More prose.</p>
<h2>Symptoms</h2>
<p>What you see is:</p>
<ul><li>Loss spikes <ul><li>nested</li></ul></li><li>nan</li></ul>
<p>So watch the norms.</p>
<h2>Plain</h2>
<p>A whole idea.</p>
<p>Next.</p>
"""
    maths, symptoms, plain = sections(html)
    assert maths.idea_html == "Three identities give everything:"
    assert maths.follow_html == f"{MATH}\n<p>where <em>χ</em> is the gain.</p>"
    assert maths.other_formulas == [] and maths.formulas == [MATH]
    assert (
        symptoms.follow_html == "<ul><li>Loss spikes <ul><li>nested</li></ul></li><li>nan</li></ul>"
    )
    assert plain.follow_html == ""


def test_no_key_idea_of_the_shipped_lessons_ends_on_a_colon() -> None:
    catalog = load_catalog(Path(__file__).resolve().parents[2] / "content")
    cut = [
        (lesson.id, text_of(s.idea_html)[-40:])
        for lesson in catalog.lessons
        for s in sections(lesson.html)
        if text_of(s.idea_html).endswith(":") and not s.follow_html
    ]
    assert cut == []
