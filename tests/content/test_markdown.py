"""Lesson Markdown renders math to MathML and never lets active content through."""

from __future__ import annotations

import re

import pytest

from quizsvc.content import render_markdown
from quizsvc.content.markdown import sanitize

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click]( javascript:alert(1) )",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="javascript:alert(1)">x</a>',
    '<div onclick="alert(1)">x</div>',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<svg onload="alert(1)"></svg>',
    "![x](javascript:alert(1))",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<figure class="live-figure" data-figure="x" onmouseover="alert(1)"></figure>',
]


@pytest.mark.parametrize("source", ATTACKS)
def test_active_content_never_gets_through(source: str) -> None:
    html = render_markdown(f"Before\n\n{source}\n\nAfter $x$")
    lowered = html.lower()
    assert "<script" not in lowered
    assert not re.search(r"<[^>]+\son\w+\s*=", lowered)
    assert "<iframe" not in lowered and "<style" not in lowered and "<svg" not in lowered
    assert not re.search(r'<[^>]*(href|src)="\s*(javascript|data):', lowered)


@pytest.mark.parametrize("source", ATTACKS)
def test_sanitizer_alone_strips_active_content(source: str) -> None:
    cleaned = sanitize(source).lower()
    assert "<script" not in cleaned and "<iframe" not in cleaned and "<style" not in cleaned
    assert not re.search(r"<[^>]+\son\w+\s*=", cleaned)
    assert not re.search(r"<[^>]+javascript:", cleaned)


def test_raw_html_is_shown_as_text() -> None:
    assert "&lt;b&gt;bold&lt;/b&gt;" in render_markdown("<b>bold</b>")


def test_math_is_mathml_without_scripts_or_cdn() -> None:
    html = render_markdown(r"Inline $\sigma'(x) \le 1/4$ and $$\frac{a}{b}$$")
    assert '<math display="inline">' in html and '<math display="block">' in html
    assert "<mfrac>" in html and "σ" in html
    assert "http" not in html


def test_big_delimiters_render_as_symbols() -> None:
    html = render_markdown(r"$\Bigl\lVert x \Bigr\rVert$")
    assert "‖" in html and "\\lVert" not in html


def test_admonitions_footnotes_tables_code() -> None:
    html = render_markdown(
        '!!! warning "Careful"\n    Body.\n\nText[^n].\n\n[^n]: Note.\n\n'
        "| a | b |\n| --: | --- |\n| 1 | 2 |\n\n```python\nx = 1\n```\n"
    )
    assert '<div class="admonition warning">' in html and "Careful" in html
    assert 'class="footnote-ref"' in html and '<li id="fn1" class="footnote-item">' in html
    assert '<th style="text-align:right">a</th>' in html
    assert '<code class="language-python">' in html


def test_links_keep_safe_schemes_and_get_rel() -> None:
    html = render_markdown("[a](https://example.org) [b](mailto:x@example.org) [c](#fn1)")
    assert 'href="https://example.org" rel="noopener noreferrer"' in html
    assert 'href="mailto:x@example.org"' in html


def test_unlisted_classes_and_ids_are_dropped() -> None:
    cleaned = sanitize('<p class="evil" id="main">x</p><code class="language-py evil2">y</code>')
    assert "evil" not in cleaned and "main" not in cleaned
