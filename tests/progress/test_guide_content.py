"""Key ideas and formulas come from a lesson's sections; source lists are left out."""

from __future__ import annotations

from quizsvc.progress.guide_content import INTRODUCTION, sections

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
